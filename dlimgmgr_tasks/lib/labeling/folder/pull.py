"""Pull: bring the labeling side's changed XMLs back into master, each validated against its image.

The changed files come in one stream; a valid one is normalised to our VOC writing and taken (or
confirmed, when a person saved the boxes as they were); a broken one is refused by name and its
master stays byte-identical; one changed on both sides is kept beside the master as a conflict.
"""
from __future__ import annotations

import os
import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ... import checks, text
from ...errors import UserError
from ...files import no_interrupt
from ...hashing import sha256_bytes
from ...projects import Project
from .. import verdict
from ..record import read_record, write_record
from ..verdict import Candidate, PullResult, rules
from .exports import in_our_convention
from .listing import candidates, labeling_listing, labeling_master, place


@dataclass
class Found:
    """One carrier's XMLs on the labeling side: all of them, the changed ones, and their bytes."""
    paths: list[str]
    changed: list[str]
    fetched: dict[str, bytes]
    listing: dict[str, str]
    shown: object                 # labeling-side relative path -> how a message names it


def candidate(data: bytes, image: Path, classes, shown: str, origin: str, keep: dict) -> Candidate:
    """A labeling-side XML as the verdict's candidate: checked with the one check, a Label Studio
    export's 0-based edges mapped to ours (see exports.py)."""
    checked = checks.check_data(data, os.fspath(image), rules(classes), shown, text.shown(image, None))
    ann = in_our_convention(checked.annotation, data) if checked.ok else None
    return Candidate(ann, checked.problems, origin, "the labeling side's", keep=keep)


def pull(project: Project, host) -> PullResult:
    """Take every valid changed labeling-side XML into master; refuse broken ones; keep conflicts beside."""
    folder = labeling_master(host, project.name)
    result = PullResult(project.name, place(host, folder))
    listing = labeling_listing(host, folder)
    if listing is None:
        raise UserError(f"{result.source}: not found; nothing was pushed there yet; send the carriers first: "
                        f"inv imglabeling.push {project.name}")
    images = {p.stem: p for p in project.carrier_images()}
    record = read_record(project)
    cands, result.untaken = candidates(listing, images)
    wanted = {}
    for stem, paths in cands.items():
        seen = record.get(stem, {}).get("remote", {})
        changed = [p for p in paths if listing[p] != seen.get(p)]
        if changed:
            wanted[stem] = changed
    try:
        fetched = _fetch(host, folder, sorted(p for ps in wanted.values() for p in ps))
    except KeyboardInterrupt:
        raise KeyboardInterrupt(interrupted_message(project, 0, len(wanted))) from None
    new_record = {k: dict(v) for k, v in record.items()}
    done = 0
    try:
        for stem in sorted(images):
            with no_interrupt():   # a carrier's master and its record entry change together
                entry = new_record.setdefault(stem, {})
                if stem in wanted:
                    found = Found(cands[stem], wanted[stem], fetched, listing,
                                  lambda p: place(host, posixpath.join(folder, p)))
                    _take(project, images[stem], found, entry, result)
                    done += 1
                else:
                    verdict.still_waiting(project, stem, entry, result)
    except KeyboardInterrupt:
        write_record(project, {k: v for k, v in new_record.items() if v})
        raise KeyboardInterrupt(interrupted_message(project, done, len(wanted))) from None
    if result.changed or new_record != record:
        write_record(project, {k: v for k, v in new_record.items() if v})
    return result


def interrupted_message(project: Project, done: int, wanted: int) -> str:
    """What a Ctrl-C during a pull left: how many of the changed annotations were dealt with."""
    return (f"interrupted (Ctrl-C): {project.name}: {done} of {wanted} changed master annotation(s) were taken; "
            f"run it again to take the rest")


def _fetch(host, folder: str, paths: list[str]) -> dict[str, bytes]:
    """The named labeling-side files' bytes, brought over in one stream."""
    if not paths:
        return {}
    with tempfile.TemporaryDirectory(prefix="dlimgmgr-pull.") as tmp:
        dest = Path(tmp) / "in"
        host.pull_tree(folder, dest, paths=paths)
        return {p: (dest / p).read_bytes() for p in paths}


def _take(project: Project, image: Path, found: Found, entry: dict, result: PullResult) -> None:
    """One carrier whose labeling-side XML changed: refuse, confirm, keep beside (conflict) or take."""
    xml, stem, paths = image.with_suffix(".xml"), image.stem, found.changed
    if len({sha256_bytes(found.fetched[p]) for p in paths}) > 1:
        result.refused.append(f"{found.shown(paths[0])}: {len(paths)} different changed annotations for {stem} "
                              f"({', '.join(paths)}); delete all but one there and pull again")
        result.refused_files.append(xml.name)
        return
    path = paths[-1]   # an export in a subfolder (Annotations/) over the LabelImg file beside the image
    seen = {p: found.listing[p] for p in found.paths}
    seen.update({p: sha256_bytes(found.fetched[p]) for p in paths})
    cand = candidate(found.fetched[path], image, project.classes, found.shown(path), path, {"remote": seen})
    if verdict.judge(project, image, cand, entry, result) in (verdict.CONFIRM, verdict.TAKE) \
            and path != xml.name and seen.get(xml.name) != entry["xml"]:
        entry["push"] = True   # taken from an export: the next push puts it beside the image for LabelImg
