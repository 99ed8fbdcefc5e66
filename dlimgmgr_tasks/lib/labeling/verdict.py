"""The verdict on an annotation the labeling side offers for one carrier, whichever tool it came from.

Each tool turns what it holds (a folder's XML, a Label Studio annotation) into a `Candidate`: a
`voc.Annotation` checked with the one check (lib/checks.py). `judge` then decides, writes the
master and the carrier's record entry, and reports:

  refuse    the check found problems: each is named; the master stays byte-identical
  confirm   a person saved (submitted) the boxes exactly as the master has them
  conflict  the master changed here since the push too: the offered version waits in
            STEM.remote.xml, neither side is overwritten
  take      the master is rewritten as our VOC, the box changes reported

`still_waiting` is the verdict on a carrier the labeling side did not change: its conflict is
reported while the .remote.xml waits and forgotten once a person merged and deleted it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import checks, text, voc
from ..files import atomic_write
from ..hashing import sha256_bytes
from ..projects import Project
from .changes import changes_text, describe_changes
from .record import file_sha, remote_copy

MAX_WARNINGS = 50   # one line per file pull cannot take, up to this many
REFUSE, CONFIRM, CONFLICT, TAKE = "refuse", "confirm", "conflict", "take"


@dataclass(frozen=True)
class Person:
    """Who confirmed an annotation, and when, when the tool knows it (Label Studio does)."""
    who: str | None = None
    when: str | None = None

    def as_record(self) -> dict:
        return {k: v for k, v in (("by", self.who), ("at", self.when)) if v}


@dataclass
class Candidate:
    """One annotation offered for a carrier, already checked against the carrier's image."""
    annotation: voc.Annotation | None     # None when it could not be read (problems say why)
    problems: list[checks.Problem]
    origin: str                           # how lines name where it came from: "close_c000.xml", "task 3, ..."
    tool: str                             # whose version a conflict keeps: "the labeling side's", "Label Studio's"
    saved: str = "saved"                  # what the person did: "saved", "submitted"
    keep: dict = field(default_factory=dict)   # the tool's own record fields (what it saw there)
    person: Person | None = None


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
        out += [f"{self.project}: warning: {self.source}/{path}: {why}" if path else f"{self.project}: warning: {why}"
                for path, why in self.untaken[:MAX_WARNINGS]]
        if len(self.untaken) > MAX_WARNINGS:
            out.append(f"{self.project}: warning: {len(self.untaken) - MAX_WARNINGS} more file(s) there "
                       f"that pull cannot take (see {self.source})")
        if not self.changed:
            out.append(f"{self.project}: no changes on the labeling side ({self.source}); nothing taken")
        else:
            out.append(f"{self.project}: {len(self.taken)} taken, {len(self.confirmed)} confirmed unchanged, "
                       f"{len(self.conflicts)} conflict(s), {len(self.refused_files)} refused")
        return out


def check(ann: voc.Annotation, image: Path, classes, shown: str) -> list[checks.Problem]:
    """The one check on an annotation a tool built itself (no XML text in between)."""
    return checks.check_parsed(ann, image, rules(classes), shown, text.shown(image, None))


def rules(classes) -> checks.Rules:
    """The check's rules for a labeling pull: the project's classes."""
    return checks.Rules(tuple(classes) if classes is not None else None)


def normalise(ann: voc.Annotation, image: Path) -> voc.Annotation:
    """A valid offered annotation as we write it: our filename/folder, the image's real size and
    depth, integer 1-based coordinates inside the image, every field."""
    from PIL import Image

    with Image.open(image) as im:
        (width, height), bands = im.size, len(im.getbands())
    objects = [o.as_ints(width, height) for o in ann.objects]
    return voc.Annotation(filename=image.name, width=width, height=height, depth=1 if bands == 1 else 3,
                          objects=objects, folder="master")


def judge(project: Project, image: Path, cand: Candidate, entry: dict, result: PullResult) -> str:
    """Decide on one offered annotation; write the master and `entry` (the carrier's record) to match."""
    xml = image.with_suffix(".xml")
    if cand.problems:
        result.refused += [p.line() for p in cand.problems]   # the master stays byte-identical
        result.refused_files.append(xml.name)
        return REFUSE
    new = normalise(cand.annotation, image)
    new_bytes, local = voc.dumps(new), xml.read_bytes() if xml.is_file() else None
    if new_bytes == local:
        verdict = CONFIRM
        result.confirmed.append(f"{xml.name}: {cand.saved} by a person with the boxes as they were "
                                f"(from {cand.origin})")
    elif local is not None and sha256_bytes(local) != entry.get("xml"):
        _keep_beside(project, xml, cand, new_bytes, result)
        entry.update(cand.keep, conflict=True)
        return CONFLICT
    else:
        verdict = TAKE
        atomic_write(xml, new_bytes)
        result.taken.append(f"{xml.name}: {changes_text(describe_changes(objects_of(local), new.objects))} "
                            f"(from {cand.origin})")
    entry.pop("conflict", None)
    entry.update(cand.keep, image=entry.get("image") or file_sha(image), xml=sha256_bytes(new_bytes),
                 checked=file_sha(image))
    person = cand.person.as_record() if cand.person is not None else {}
    if person:
        entry["person"] = person   # who saved the labels now in master, and when
    else:
        entry.pop("person", None)   # an earlier person's name would not describe these labels
    return verdict


def still_waiting(project: Project, stem: str, entry: dict, result: PullResult) -> None:
    """A carrier unchanged there: report its conflict while the .remote.xml waits, forget it once merged."""
    if not entry.get("conflict"):
        return
    waiting = remote_copy(project, stem)
    if waiting.exists():
        result.conflicts.append(f"{stem}.xml still waits: merge {waiting.name} into {stem}.xml, "
                                f"delete {waiting.name}, then push")
    else:
        entry.pop("conflict")   # resolved by the person; the next push sends the master


def keep_beside(project: Project, image: Path, cand: Candidate, entry: dict, result: PullResult, why: str) -> None:
    """A valid offered annotation that must not go onto this carrier as it is now (`why`): it waits in
    STEM.remote.xml as a conflict, the master untouched."""
    new_bytes = voc.dumps(normalise(cand.annotation, image))
    waiting = remote_copy(project, image.stem)
    atomic_write(waiting, new_bytes)
    result.conflicts.append(f"{image.with_suffix('.xml').name}: {why}; {cand.origin} not taken; {cand.tool} "
                            f"version is in {waiting.name}: check it against the image, merge it into "
                            f"{image.stem}.xml, delete {waiting.name}, then push")
    entry.update(cand.keep, conflict=True)


def objects_of(data: bytes | None) -> list:
    """The objects of a master XML's bytes; none when it is absent or unreadable."""
    try:
        return voc.parse(data).objects if data is not None else []
    except voc.VocError:
        return []


def _keep_beside(project: Project, xml: Path, cand: Candidate, new_bytes: bytes, result: PullResult) -> None:
    """Changed here and there: the offered version waits in STEM.remote.xml, neither overwritten."""
    waiting = remote_copy(project, xml.stem)
    atomic_write(waiting, new_bytes)
    result.conflicts.append(f"{xml.name} changed here since the push and {cand.origin} changed there; neither "
                            f"overwritten; {cand.tool} version is in {waiting.name}: merge it "
                            f"into {xml.name}, delete {waiting.name}, then push")
