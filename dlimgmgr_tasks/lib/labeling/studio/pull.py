"""Pull from Label Studio: each task's latest submitted annotation, as a candidate for the verdict.

Annotations come through the API as JSON (not Label Studio's VOC export, whose 0-based truncated
coordinates move every box a pixel per round trip). A task nobody annotated (or only skipped) is
left alone; one whose newest submitted annotation was already taken is unchanged. Each new one
becomes a `voc.Annotation` of whole 1-based pixels, checked with the one check, and goes to
`verdict.judge` like a folder pull's file: taken, confirmed, refused by name (master
byte-identical) or, when the master changed here since the push too, kept beside it as
STEM.remote.xml.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ...hosts.config import HostConfig
from ...projects import Project
from .. import verdict
from ..record import read_record, write_record
from ..verdict import Candidate, Person, PullResult
from .convert import annotation_of
from .remote import annotation_key, client_for, latest_submitted, require


@dataclass
class StudioPullResult(PullResult):
    unannotated: int = 0      # tasks nobody submitted an annotation for (skipped ones too)

    def lines(self) -> list[str]:
        out = super().lines()
        if self.unannotated:
            out.insert(len(out) - 1, f"{self.project}: {self.unannotated} task(s) not annotated yet; left as they are")
        return out


def pull(project: Project, entry: HostConfig) -> StudioPullResult:
    """Take every new valid annotation into master; refuse broken ones by name; keep conflicts beside."""
    remote = require(client_for(entry), project)
    result = StudioPullResult(project.name, remote.shown)
    tasks, record = remote.tasks(), read_record(project)
    new_record = {k: dict(v) for k, v in record.items()}
    for image in project.carrier_images():
        stem = image.stem
        entry_ = new_record.setdefault(stem, {})
        task = tasks.get(stem)
        annotation = latest_submitted(task) if task else None
        if task is not None and annotation is None:
            result.unannotated += 1
        studio = entry_.get("studio") or {}
        if annotation is None or annotation_key(annotation) == studio.get("annotation"):
            verdict.still_waiting(project, stem, entry_, result)
            continue
        shown = f"{remote.shown} task {task['id']} ({stem})"
        verdict.judge(project, image, candidate(project, image, task, annotation, shown), entry_, result)
    if result.changed or new_record != record:
        write_record(project, {k: v for k, v in new_record.items() if v})
    return result


def candidate(project: Project, image: Path, task: dict, annotation: dict, shown: str) -> Candidate:
    """A submitted annotation as the verdict's candidate: built from the JSON, checked with the one check."""
    ann = incoming(image, annotation)
    return Candidate(ann, verdict.check(ann, image, project.classes, shown),
                     f"task {task['id']}, annotation {annotation['id']}", "Label Studio's", saved="submitted",
                     keep={"studio": {"task": task["id"], "annotation": annotation_key(annotation)}},
                     person=person_of(annotation))


def incoming(image: Path, annotation: dict):
    """The annotation exactly as drawn (whole pixels, not clamped), flags kept from master for boxes
    nobody changed."""
    with Image.open(image) as im:
        width, height = im.size
    xml = image.with_suffix(".xml")
    master = verdict.objects_of(xml.read_bytes() if xml.is_file() else None)
    return annotation_of(annotation.get("result"), image.name, width, height, master)


def person_of(annotation: dict) -> Person:
    """Who submitted it (Label Studio's user id) and when it was last saved, as far as it says."""
    who = annotation.get("completed_by")
    who = who.get("id") if isinstance(who, dict) else who
    return Person(who=None if who is None else f"user {who}", when=annotation.get("updated_at") or None)
