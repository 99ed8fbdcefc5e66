"""Push: send the carriers and XMLs that differ from the labeling side's copy, plus the class list.

Only what changed goes out, in one transfer; an XML a person changed there and nobody pulled yet
is never overwritten, and a carrier whose conflict waits to be merged is held back.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import UserError
from ...hashing import sha256_bytes
from ...projects import Project
from .listing import CLASSES_FILE, candidates, classes_text, labeling_listing, labeling_master, place
from ..record import REMOTE_SUFFIX, file_sha, read_record, waiting_conflict, write_record


@dataclass
class PushResult:
    project: str
    target: str
    sent: list[str] = field(default_factory=list)
    in_sync: int = 0
    classes_sent: bool = False
    held: list[tuple[str, str]] = field(default_factory=list)   # (stem, why)

    def lines(self) -> list[str]:
        out = []
        if self.sent:
            images = sum(1 for n in self.sent if not n.endswith((".xml", ".txt")))
            xmls = sum(1 for n in self.sent if n.endswith(".xml"))
            out.append(f"{self.project}: sent {images} image(s) and {xmls} annotation(s) to {self.target} "
                       f"({self.in_sync} carrier(s) already there)")
        elif self.classes_sent:
            out.append(f"{self.project}: sent the class list ({CLASSES_FILE}) to {self.target}; carriers up to date")
        else:
            out.append(f"{self.project}: nothing changed since the last push; {self.target} is up to date")
        for stem, why in self.held:
            out.append(f"warning: {self.project}: {stem} not sent: {why}")
        return out


def push(project: Project, host) -> PushResult:
    """Send carriers + XML that differ from the labeling side's copy; never overwrite a labeling-side change."""
    folder = labeling_master(host, project.name)
    result = PushResult(project.name, place(host, folder))
    images = project.carrier_images()
    if not images:
        raise UserError(f"{project.master}: no carrier images to send; make them with: "
                        f"inv dataaug.compose {project.name}")
    record = read_record(project)
    listing = labeling_listing(host, folder) or {}
    cands, _ = candidates(listing, {p.stem for p in images})
    send: list[str] = []
    new_record = {}
    for image in images:
        entry = dict(record.get(image.stem, {}))
        there = {p: listing[p] for p in cands.get(image.stem, [])}
        files = _carrier_files(project, image, entry, there, listing, result)
        send += files or []
        new_record[image.stem] = entry
    classes = classes_text(project)
    classes = None if listing.get(CLASSES_FILE) == sha256_bytes(classes) else classes
    if send or classes is not None:
        try:
            _send(project, host, folder, send, classes)
        except KeyboardInterrupt:
            # Each file lands by a rename: the labeling side has every file old or new, never half.
            raise KeyboardInterrupt(f"interrupted (Ctrl-C): {project.name}: the push did not finish; each file "
                                    f"there is the old one or the new one, never half; run it again") from None
    result.sent, result.classes_sent = send, classes is not None
    write_record(project, new_record)
    return result


def _carrier_files(project: Project, image: Path, entry: dict, there: dict, listing: dict,
                   result: PushResult) -> list[str] | None:
    """The files of one carrier to send (updating its record entry), or None when it is held back."""
    stem, xml = image.stem, image.with_suffix(".xml")
    img_sha, xml_sha = file_sha(image), file_sha(xml)
    seen = entry.get("remote", {})
    if waiting_conflict(project, stem, entry):
        result.held.append((stem, f"conflict not resolved: merge {stem}{REMOTE_SUFFIX} into {stem}.xml, "
                                  f"delete {stem}{REMOTE_SUFFIX}, then push again"))
        return None
    # A labeling-side XML we have not seen (and that differs from ours) is a person's work.
    if any(seen.get(p) != s and s != xml_sha for p, s in there.items()):
        result.held.append((stem, f"its XML changed on the labeling side since the last push; "
                                  f"take it first: inv imglabeling.pull {project.name}"))
        return None
    files = [image.name] if listing.get(image.name) != img_sha else []
    top = there.get(xml.name)
    # A pulled XML stays as the person saved it there (same boxes); only a master change goes out,
    # or one that came from an export in a subfolder (LabelImg reads the file beside the image).
    synced = entry.get("xml") == xml_sha and xml.name in seen and seen[xml.name] == top and not entry.get("push")
    if xml_sha is not None and top != xml_sha and not synced:
        files.append(xml.name)
        there[xml.name] = xml_sha
    if not files:
        result.in_sync += 1
    entry.update(image=img_sha, xml=xml_sha, remote=there)
    entry.pop("conflict", None)
    entry.pop("push", None)
    return files


def _send(project: Project, host, folder: str, names: list[str], classes: bytes | None) -> None:
    """One transfer of the named master files + the class list (staged by hard links: no copy)."""
    stage = Path(tempfile.mkdtemp(prefix="dlimgmgr-push."))
    try:
        for name in names:
            try:
                os.link(project.master / name, stage / name)
            except OSError:   # another file system
                shutil.copy2(project.master / name, stage / name)
        if classes is not None:
            (stage / CLASSES_FILE).write_bytes(classes)
        host.push_tree(stage, folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
