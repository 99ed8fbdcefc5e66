"""Push to Label Studio: the carriers that changed since the last push, with their pre-labels as predictions.

A new or changed carrier image is uploaded through the import API (its old task, if any, goes);
a carrier whose pre-label XML alone changed gets its prediction replaced. Pre-labels are
predictions (model_version `dlimgmgr-prelabel`), so the editor shows them on the image and a
person accepts, moves or deletes them. A task with a submitted annotation that was not pulled
yet, or whose conflict waits to be merged, is held back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ... import voc
from ...errors import UserError
from ...hosts.config import HostConfig
from ...projects import Project
from ..record import REMOTE_SUFFIX, file_sha, read_record, waiting_conflict, write_record
from .convert import to_result
from .remote import Remote, annotation_key, client_for, find_or_create, latest_submitted

MODEL_VERSION = "dlimgmgr-prelabel"
UPLOAD_BATCH = 100      # image files per import request


@dataclass
class StudioPushResult:
    project: str
    target: str
    uploaded: list[str] = field(default_factory=list)      # carrier image names sent
    predicted: list[str] = field(default_factory=list)     # carriers whose pre-label went out as a prediction
    in_sync: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.uploaded or self.predicted:
            out = [f"{self.project}: sent {len(self.uploaded)} image(s) and {len(self.predicted)} pre-label(s) as "
                   f"predictions to {self.target} ({self.in_sync} carrier(s) already there)"]
        else:
            out = [f"{self.project}: nothing changed since the last push; {self.target} is up to date"]
        return out + [f"warning: {self.project}: {stem} not sent: {why}" for stem, why in self.held]


def push(project: Project, entry: HostConfig) -> StudioPushResult:
    """Create or update the project's Label Studio project and send what changed since the last push."""
    images = project.carrier_images()
    if not images:
        raise UserError(f"{project.master}: no carrier images to send; make them with: "
                        f"inv dataaug.compose {project.name}")
    remote = find_or_create(client_for(entry), project)
    result = StudioPushResult(project.name, remote.shown)
    tasks, record = remote.tasks(), read_record(project)
    upload, predict = [], []
    for image in images:
        stem = image.stem
        plan = _plan(project, image, record.setdefault(stem, {}), tasks.get(stem), result)
        if plan == "upload":
            upload.append(image)
        elif plan == "predict":
            predict.append(image)
    _replace(remote, [tasks[i.stem] for i in upload if i.stem in tasks], delete_task=True)
    _replace(remote, [tasks[i.stem] for i in predict], delete_task=False)
    for start in range(0, len(upload), UPLOAD_BATCH):
        batch = upload[start:start + UPLOAD_BATCH]
        remote.client.upload(f"/api/projects/{remote.id}/import", [(i.name, i.read_bytes()) for i in batch])
    tasks = remote.tasks() if upload else tasks
    result.predicted = _predict(remote, tasks, upload + predict)
    for image in upload + predict:
        _recorded(record[image.stem], image, tasks.get(image.stem))
    result.uploaded = [i.name for i in upload]
    write_record(project, {k: v for k, v in record.items() if v})
    return result


def _plan(project: Project, image: Path, entry: dict, task: dict | None, result: StudioPushResult) -> str | None:
    """What one carrier needs: "upload", "predict" (pre-label changed), or None (in sync or held)."""
    stem = image.stem
    if waiting_conflict(project, stem, entry):
        result.held.append((stem, f"conflict not resolved: merge {stem}{REMOTE_SUFFIX} into {stem}.xml, "
                                  f"delete {stem}{REMOTE_SUFFIX}, then push again"))
        return None
    studio = entry.get("studio") or {}
    if task is not None and annotation_key(latest_submitted(task)) not in (None, studio.get("annotation")):
        result.held.append((stem, f"a person's annotation of task {task['id']} there was not taken yet; "
                                  f"take it first: inv imglabeling.pull {project.name}"))
        return None
    if task is None or entry.get("image") != file_sha(image):
        return "upload"
    if studio.get("task") != task["id"] or entry.get("xml") != file_sha(image.with_suffix(".xml")):
        return "predict"
    result.in_sync += 1
    return None


def _replace(remote: Remote, tasks: list[dict], delete_task: bool) -> None:
    """Clear what an update replaces: the whole task (new image) or only its old predictions."""
    for task in tasks:
        if delete_task:
            remote.client.delete(f"/api/tasks/{task['id']}/")
        else:
            for prediction in task.get("predictions") or []:
                pid = prediction["id"] if isinstance(prediction, dict) else prediction
                remote.client.delete(f"/api/predictions/{pid}/")


def _predict(remote: Remote, tasks: dict[str, dict], images: list[Path]) -> list[str]:
    """Send the carriers' pre-label XMLs as predictions, in one request; the names sent."""
    items, names = [], []
    for image in images:
        xml, task = image.with_suffix(".xml"), tasks.get(image.stem)
        if task is None or not xml.is_file():
            continue
        ann = voc.read(xml)
        if not ann.objects:
            continue
        result = [to_result(o, ann.width, ann.height, f"dl{i}") for i, o in enumerate(ann.objects)]
        items.append({"task": task["id"], "result": result, "model_version": MODEL_VERSION, "score": 1.0})
        names.append(xml.name)
    if items:
        remote.client.post(f"/api/projects/{remote.id}/import/predictions", items)
    return names


def _recorded(entry: dict, image: Path, task: dict | None) -> None:
    entry.update(image=file_sha(image), xml=file_sha(image.with_suffix(".xml")))
    entry["studio"] = {"task": task["id"] if task else None, "annotation": annotation_key(latest_submitted(task or {}))}
    entry.pop("conflict", None)
