"""Labeling status per project: carriers, pre-labelled only, checked by a person, changed since push.

`unchecked(project)` names the carriers still carrying an untouched pre-label, for the build's warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UserError
from ..projects import Project
from .record import confirmed, file_sha, prelabels, read_record, waiting_conflict

HEADER = ["project", "carriers", "pre-labelled", "checked", "unlabelled", "changed-since-push", "conflicts"]


@dataclass
class Status:
    project: str
    carriers: int = 0
    prelabelled: int = 0      # XML still exactly as compose wrote it, and no person saved it
    checked: int = 0          # a person wrote or saved the XML (for this image)
    unlabelled: int = 0       # no XML at all
    changed: int = 0          # image or XML differs from what was last pushed (or never pushed)
    pushed: bool = False
    conflicts: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        changed = f"{self.changed}" + ("" if self.pushed else " (never pushed)")
        return [self.project, str(self.carriers), str(self.prelabelled), str(self.checked), str(self.unlabelled),
                changed, str(len(self.conflicts))]


def _count(project: Project, record: dict, pre: dict) -> tuple[list[str], Status]:
    st = Status(project.name, pushed=bool(record))
    stale = []
    for image in project.carrier_images():
        st.carriers += 1
        stem = image.stem
        entry = record.get(stem, {})
        xml = image.with_suffix(".xml")
        img_sha, xml_sha = file_sha(image), file_sha(xml)
        if xml_sha is None:
            st.unlabelled += 1
        elif pre.get(stem) == xml_sha and entry.get("checked") != img_sha:
            st.prelabelled += 1
            stale.append(xml.name)
        else:
            st.checked += 1
        if entry.get("image") != img_sha or entry.get("xml") != xml_sha:
            st.changed += 1
        if waiting_conflict(project, stem, entry):
            st.conflicts.append(stem)
    return stale, st


def status(projects) -> list[Status]:
    """Per project: carriers, pre-labelled only, checked by a person, changed since push, conflicts."""
    return [_count(p, read_record(p), prelabels(p))[1] for p in projects]


def unchecked(project: Project) -> list[str]:
    """XML names of carriers still carrying the untouched pre-label that no person has saved.

    For the build's warning; unlike comparing with .prelabels.json alone it counts a pre-label a
    person confirmed in LabelImg (saved unchanged, then pulled) as checked."""
    try:
        record = read_record(project)
    except UserError:
        record = {}
    return _count(project, record, prelabels(project))[0]


def summary(project: Project) -> dict:
    """For the report: how many carriers are pre-labelled only and which a person confirmed or edited
    (who and when, as the labeling tool said)."""
    try:
        record = read_record(project)
    except UserError:
        record = {}
    st = _count(project, record, prelabels(project))[1]
    people = {stem: " ".join(f"{k} {v}" for k, v in person.items()) or "a person"
              for stem, person in confirmed(project, record).items()}
    return {"carriers": st.carriers, "pre-labelled only": st.prelabelled, "checked by a person": st.checked,
            "unlabelled": st.unlabelled, "confirmed in a labeling tool": people or "none"}
