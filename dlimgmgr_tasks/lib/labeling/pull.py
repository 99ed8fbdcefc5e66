"""Pull: bring the labeling side's changed XMLs back into master, each validated against its image.

The changed files come in one stream; a valid one is normalised to our VOC writing and taken (or
confirmed, when a person saved the boxes as they were); a broken one is refused by name and its
master stays byte-identical; one changed on both sides is kept beside the master as a conflict.
"""
from __future__ import annotations

import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import checks, voc
from ..errors import UserError
from ..files import atomic_write, no_interrupt
from ..hashing import sha256_bytes
from ..projects import Project
from .changes import changes_text, describe_changes
from .exports import in_our_convention
from .listing import candidates, labeling_listing, labeling_master, place
from .record import file_sha, read_record, remote_copy, write_record


MAX_WARNINGS = 50   # one line per file pull cannot take, up to this many


@dataclass
class PullResult:
    project: str
    source: str
    taken: list[str] = field(default_factory=list)          # "STEM.xml: what changed"
    confirmed: list[str] = field(default_factory=list)      # saved by a person, boxes as they were
    refused: list[str] = field(default_factory=list)        # problem lines, naming the file
    refused_files: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    untaken: list[tuple[str, str]] = field(default_factory=list)   # (file there, why pull can't take it)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.conflicts

    @property
    def changed(self) -> bool:
        return bool(self.taken or self.confirmed or self.refused or self.conflicts)

    def lines(self) -> list[str]:
        out = [f"{self.project}: {line}" for line in self.taken]
        out += [f"{self.project}: {line}" for line in self.confirmed]
        out += [f"{self.project}: conflict: {line}" for line in self.conflicts]
        out += [f"{self.project}: refused: {line}" for line in self.refused]
        out += [f"{self.project}: warning: {self.source}/{path}: {why}" for path, why in self.untaken[:MAX_WARNINGS]]
        if len(self.untaken) > MAX_WARNINGS:
            out.append(f"{self.project}: warning: {len(self.untaken) - MAX_WARNINGS} more file(s) there "
                       f"that pull cannot take (see {self.source})")
        if not self.changed:
            out.append(f"{self.project}: no changes on the labeling side ({self.source}); nothing taken")
        else:
            out.append(f"{self.project}: {len(self.taken)} taken, {len(self.confirmed)} confirmed unchanged, "
                       f"{len(self.conflicts)} conflict(s), {len(self.refused_files)} refused")
        return out


@dataclass
class Found:
    """One carrier's XMLs on the labeling side: all of them, the changed ones, and their bytes."""
    paths: list[str]
    changed: list[str]
    fetched: dict[str, bytes]
    listing: dict[str, str]
    shown: object                 # labeling-side relative path -> how a message names it


def normalise(data: bytes, image: Path) -> voc.Annotation:
    """A valid labeling-side annotation as we write it: our filename/folder, the image's real size,
    integer 1-based coordinates inside the image, every field (a Label Studio export's 0-based
    edges mapped, see exports.py)."""
    from PIL import Image

    ann = in_our_convention(voc.parse(data), data)
    with Image.open(image) as im:
        (width, height), bands = im.size, len(im.getbands())
    objects = [o.as_ints(width, height) for o in ann.objects]
    return voc.Annotation(filename=image.name, width=width, height=height, depth=1 if bands == 1 else 3,
                          objects=objects, folder="master")


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
                    _still_waiting(project, stem, entry, result)
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


def _still_waiting(project: Project, stem: str, entry: dict, result: PullResult) -> None:
    """A carrier unchanged there: report its conflict while the .remote.xml waits, forget it once merged."""
    if not entry.get("conflict"):
        return
    waiting = remote_copy(project, stem)
    if waiting.exists():
        result.conflicts.append(f"{stem}.xml still waits: merge {waiting.name} into {stem}.xml, "
                                f"delete {waiting.name}, then push")
    else:
        entry.pop("conflict")   # resolved by the person; the next push sends the master


def _take(project: Project, image: Path, found: Found, entry: dict, result: PullResult) -> None:
    """One carrier whose labeling-side XML changed: refuse, confirm, keep beside (conflict) or take."""
    xml, stem, paths = image.with_suffix(".xml"), image.stem, found.changed
    if len({sha256_bytes(found.fetched[p]) for p in paths}) > 1:
        result.refused.append(f"{found.shown(paths[0])}: {len(paths)} different changed annotations for {stem} "
                              f"({', '.join(paths)}); delete all but one there and pull again")
        result.refused_files.append(xml.name)
        return
    path = paths[-1]   # an export in a subfolder (Annotations/) over the LabelImg file beside the image
    data = found.fetched[path]
    problems = checks.check_xml_bytes(data, image, project.classes, xml_name=found.shown(path))
    if problems:
        result.refused += [p.line() for p in problems]   # the master stays byte-identical
        result.refused_files.append(xml.name)
        return
    new = normalise(data, image)
    new_bytes = voc.dumps(new)
    local = xml.read_bytes() if xml.is_file() else None
    seen = {p: found.listing[p] for p in found.paths}
    seen.update({p: sha256_bytes(found.fetched[p]) for p in paths})
    if new_bytes == local:
        result.confirmed.append(f"{xml.name}: saved by a person with the boxes as they were (from {path})")
    elif local is not None and sha256_bytes(local) != entry.get("xml"):
        _keep_beside(project, xml, path, new_bytes, result)
        entry.update(remote=seen, conflict=True)
        return
    else:
        atomic_write(xml, new_bytes)
        result.taken.append(f"{xml.name}: {changes_text(describe_changes(_objects(local), new.objects))} "
                            f"(from {path})")
    entry.pop("conflict", None)
    entry.update(image=entry.get("image") or file_sha(image), xml=sha256_bytes(new_bytes), remote=seen,
                 checked=file_sha(image))
    if path != xml.name and seen.get(xml.name) != entry["xml"]:
        entry["push"] = True   # taken from an export: the next push puts it beside the image for LabelImg


def _objects(data: bytes | None) -> list:
    try:
        return voc.parse(data).objects if data is not None else []
    except voc.VocError:
        return []


def _keep_beside(project: Project, xml: Path, path: str, new_bytes: bytes, result: PullResult) -> None:
    """Changed here and there: the labeling side's version waits in STEM.remote.xml, neither overwritten."""
    waiting = remote_copy(project, xml.stem)
    atomic_write(waiting, new_bytes)
    result.conflicts.append(f"{xml.name} changed here since the push and {path} changed there; neither "
                            f"overwritten; the labeling side's version is in {waiting.name}: merge it "
                            f"into {xml.name}, delete {waiting.name}, then push")
