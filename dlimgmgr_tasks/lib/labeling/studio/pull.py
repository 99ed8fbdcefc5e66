"""Pull from Label Studio: each task's latest submitted annotation, validated, into master as our VOC.

Annotations come through the API as JSON (not Label Studio's VOC export, whose 0-based truncated
coordinates move every box a pixel per round trip). A task nobody annotated (or only skipped) is
left alone; one whose newest submitted annotation was already taken is unchanged. Each new one
is converted to whole 1-based pixels, checked with the same rules as a folder pull (`inv
dlimgmgr.check`), then taken, confirmed, refused by name (master byte-identical) or, when the
master changed here since the push too, kept beside it as STEM.remote.xml.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ... import checks, voc
from ...files import atomic_write
from ...hashing import sha256_bytes
from ...hosts.config import HostConfig
from ...projects import Project
from ..changes import changes_text, describe_changes
from ..pull import PullResult, normalise
from ..record import file_sha, read_record, remote_copy, write_record
from .convert import boxes_of, flags_of, raw_xml
from .remote import Remote, annotation_key, client_for, latest_submitted, require


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
            _still_waiting(project, stem, entry_, result)
            continue
        _take(project, image, remote, task, annotation, entry_, result)
    if result.changed or new_record != record:
        write_record(project, {k: v for k, v in new_record.items() if v})
    return result


def _still_waiting(project: Project, stem: str, entry: dict, result: PullResult) -> None:
    if entry.get("conflict"):
        waiting = remote_copy(project, stem)
        if waiting.exists():
            result.conflicts.append(f"{stem}.xml still waits: merge {waiting.name} into {stem}.xml, "
                                    f"delete {waiting.name}, then push")
        else:
            entry.pop("conflict")


def incoming(image: Path, annotation: dict) -> bytes:
    """The annotation as a VOC XML exactly as drawn (whole pixels, not clamped), flags kept from master
    for boxes nobody changed."""
    with Image.open(image) as im:
        width, height = im.size
    xml = image.with_suffix(".xml")
    master = _objects(xml.read_bytes() if xml.is_file() else None)
    return raw_xml(image.name, width, height, boxes_of(annotation.get("result"), width, height), flags_of(master))


def _take(project: Project, image: Path, remote: Remote, task: dict, annotation: dict, entry: dict,
          result: PullResult) -> None:
    """One task with a new submitted annotation: refuse, confirm, keep beside (conflict) or take."""
    xml, shown = image.with_suffix(".xml"), f"{remote.shown} task {task['id']} ({image.stem})"
    data = incoming(image, annotation)
    problems = checks.check_xml_bytes(data, image, project.classes, xml_name=shown)
    if problems:
        result.refused += [p.line() for p in problems]
        result.refused_files.append(xml.name)
        return
    new = normalise(data, image)
    new_bytes, local = voc.dumps(new), xml.read_bytes() if xml.is_file() else None
    source = f"task {task['id']}, annotation {annotation['id']}"
    if new_bytes == local:
        result.confirmed.append(f"{xml.name}: submitted by a person with the boxes as they were ({source})")
    elif local is not None and sha256_bytes(local) != entry.get("xml"):
        waiting = remote_copy(project, image.stem)
        atomic_write(waiting, new_bytes)
        result.conflicts.append(f"{xml.name} changed here since the push and {source} changed there; neither "
                                f"overwritten; Label Studio's version is in {waiting.name}: merge it into "
                                f"{xml.name}, delete {waiting.name}, then push")
        entry.update(conflict=True, studio={"task": task["id"], "annotation": annotation_key(annotation)})
        return
    else:
        atomic_write(xml, new_bytes)
        result.taken.append(f"{xml.name}: {changes_text(describe_changes(_objects(local), new.objects))} "
                            f"(from {source})")
    entry.pop("conflict", None)
    entry.update(image=entry.get("image") or file_sha(image), xml=sha256_bytes(new_bytes), checked=file_sha(image),
                 studio={"task": task["id"], "annotation": annotation_key(annotation)})


def _objects(data: bytes | None) -> list:
    try:
        return voc.parse(data).objects if data is not None else []
    except voc.VocError:
        return []
