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
from ...checks import Problem
from ...errors import UserError
from ...files import no_interrupt
from ..record import file_sha, read_record, write_record
from ..verdict import Candidate, Person, PullResult
from .convert import annotation_of
from .remote import annotation_key, client_for, latest_submitted, require, stored_name, task_of, user_names
from .shape import PROBLEMS, Bad


@dataclass
class StudioPullResult(PullResult):
    unannotated: int = 0      # tasks nobody submitted an annotation for (skipped ones too)
    _names: dict | None = None

    def names(self, client) -> dict:
        """Label Studio's users by id, asked once per pull (only a display name: {} when refused)."""
        if self._names is None:
            try:
                self._names = user_names(client)
            except UserError:
                self._names = {}
        return self._names

    def lines(self) -> list[str]:
        out = super().lines()
        if self.unannotated:
            out.insert(len(out) - 1, f"{self.project}: {self.unannotated} task(s) not annotated yet; left as they are")
        return out

    @property
    def changed(self) -> bool:
        return super().changed or bool(self.untaken)


def pull(project: Project, entry: HostConfig) -> StudioPullResult:
    """Take every new valid annotation into master; refuse broken ones by name; keep conflicts beside."""
    try:
        remote = require(client_for(entry), project)
        tasks, left_out = remote.listing()
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"interrupted (Ctrl-C): {project.name}: 0 annotation(s) from Label Studio were "
                                f"taken, nothing changed here; run it again") from None
    result = StudioPullResult(project.name, remote.shown)
    result.untaken += [("", line) for line in left_out]
    record = read_record(project)
    new_record = {k: dict(v) for k, v in record.items()}
    images = project.carrier_images()
    _unmatched(tasks, {(e.get("studio") or {}).get("task") for s, e in record.items()
                       if s in {i.stem for i in images}}, result)
    done = 0
    try:
        for image in images:
            with no_interrupt():   # a carrier's master and its record entry change together
                done += _one(project, remote, image, new_record.setdefault(image.stem, {}), tasks, result)
    except KeyboardInterrupt:
        write_record(project, {k: v for k, v in new_record.items() if v})
        raise KeyboardInterrupt(f"interrupted (Ctrl-C): {project.name}: {done} annotation(s) from Label Studio "
                                f"were dealt with and recorded; run it again to take the rest") from None
    if result.changed or new_record != record:
        write_record(project, {k: v for k, v in new_record.items() if v})
    return result


def _one(project: Project, remote, image: Path, entry: dict, tasks: dict[int, dict], result) -> int:
    """Judge the carrier's task's newest submitted annotation, if it is new; 1 when one was judged."""
    stem, task = image.stem, task_of(tasks, entry)
    if task is not None and PROBLEMS in task:
        result.refused += [f"{remote.shown} {line} ({stem}); fix it in Label Studio and pull again"
                           for line in task[PROBLEMS]]
        result.refused_files.append(f"{stem}.xml")
        return 0
    annotation = latest_submitted(task) if task else None
    if task is not None and annotation is None:
        result.unannotated += 1
    studio = entry.get("studio") or {}
    if annotation is None or annotation_key(annotation) == studio.get("annotation"):
        verdict.still_waiting(project, stem, entry, result)
        return 0
    shown = f"{remote.shown} task {task['id']} ({stem})"
    cand = candidate(project, image, task, annotation, shown, result.names(remote.client))
    if entry.get("image") and file_sha(image) != entry["image"] and not cand.problems:
        verdict.keep_beside(project, image, cand, entry, result, "its image was replaced here since the push "
                            "(the boxes were drawn on the picture pushed)")
    else:
        verdict.judge(project, image, cand, entry, result)
    return 1


def _unmatched(tasks: dict[int, dict], mine: set, result) -> None:
    """A submitted annotation on a task no carrier here owns is named, not dropped in silence."""
    for tid, task in sorted(tasks.items()):
        if tid not in mine and PROBLEMS not in task and latest_submitted(task) is not None:
            result.untaken.append(("", f"task {tid} ({stored_name(task)}) has a submitted annotation but matches "
                                       f"no carrier here (renamed or deleted here, or pushed from another "
                                       f"clone); not taken"))


def candidate(project: Project, image: Path, task: dict, annotation: dict, shown: str,
              names: dict | None = None) -> Candidate:
    """A submitted annotation as the verdict's candidate: built from the JSON, checked by shape, then
    with the one check."""
    keep = {"studio": {"task": task["id"], "annotation": annotation_key(annotation)}}
    origin = f"task {task['id']}, annotation {annotation['id']}"
    try:
        ann = incoming(image, annotation)
    except Bad as exc:
        problems = [Problem(f"{shown}: annotation {annotation['id']}", "labelstudio-shape", what,
                            "fix that region in Label Studio (or delete it) and pull again") for what in exc.args]
        return Candidate(None, problems, origin, "Label Studio's", saved="submitted", keep=keep)
    return Candidate(ann, verdict.check(ann, image, project.classes, shown), origin, "Label Studio's",
                     saved="submitted", keep=keep, person=person_of(annotation, names or {}))


def incoming(image: Path, annotation: dict):
    """The annotation exactly as drawn (whole pixels, not clamped), flags kept from master for boxes
    nobody changed."""
    with Image.open(image) as im:
        width, height = im.size
    xml = image.with_suffix(".xml")
    master = verdict.objects_of(xml.read_bytes() if xml.is_file() else None)
    return annotation_of(annotation.get("result"), image.name, width, height, master)


def person_of(annotation: dict, names: dict) -> Person:
    """Who submitted it (the e-mail Label Studio knows, and its user id) and when it was last saved."""
    who = annotation.get("completed_by")
    who = who.get("id") if isinstance(who, dict) else who
    named = f"{names[who]} (user {who})" if who in names else f"user {who}"
    return Person(who=None if who is None else named, when=annotation.get("updated_at") or None)
