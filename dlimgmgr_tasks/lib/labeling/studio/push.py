"""Push to Label Studio: the carriers that changed since the last push, with their pre-labels as predictions.

A new or changed carrier image is uploaded through the import API, one file per request, and the
id of the task Label Studio made for it is kept in the carrier's record entry with the sha256 of
the bytes sent: the task <-> carrier mapping never depends on the name Label Studio stored. Its
old task, if any, goes, but only after its annotations were asked for again right before the
delete: a person who submitted in between keeps the task and the annotation. A carrier whose
pre-label XML alone changed gets its prediction replaced. Pre-labels are predictions (model_version
`dlimgmgr-prelabel`), so the editor shows them on the image and a person accepts, moves or deletes
them. A task with a submitted annotation that was not pulled yet, one that could not be read, or
whose conflict waits to be merged, is held back. A carrier name Label Studio cannot take (a quote,
a backslash, a line break) is refused before anything is sent.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ... import voc
from ...errors import UserError
from ...hashing import sha256_bytes
from ...hosts.config import HostConfig
from ...projects import Project
from ..record import REMOTE_SUFFIX, file_sha, read_record, waiting_conflict, write_record
from .client import multipart_safe
from .convert import to_result
from .remote import Remote, annotation_key, client_for, find_or_create, latest_submitted, task_of
from .shape import PROBLEMS, prediction_ids, task_id

MODEL_VERSION = "dlimgmgr-prelabel"
UPLOAD_WORKERS = 4      # uploads in flight at once


@dataclass
class StudioPushResult:
    project: str
    target: str
    uploaded: list[str] = field(default_factory=list)      # carrier image names sent
    predicted: list[str] = field(default_factory=list)     # carriers whose pre-label went out as a prediction
    in_sync: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)      # lines about tasks the listing could not read

    def lines(self) -> list[str]:
        if self.uploaded or self.predicted:
            out = [f"{self.project}: sent {len(self.uploaded)} image(s) and {len(self.predicted)} pre-label(s) as "
                   f"predictions to {self.target} ({self.in_sync} carrier(s) already there)"]
        else:
            out = [f"{self.project}: nothing changed since the last push; {self.target} is up to date"]
        return out + [f"warning: {self.project}: {stem} not sent: {why}" for stem, why in sorted(self.held)] + \
            [f"warning: {line}" for line in self.left_out]


def push(project: Project, entry: HostConfig) -> StudioPushResult:
    """Create or update the project's Label Studio project and send what changed since the last push."""
    images = project.carrier_images()
    if not images:
        raise UserError(f"{project.master}: no carrier images to send; make them with: "
                        f"inv dataaug.compose {project.name}")
    for image in images:
        if not multipart_safe(image.name):
            raise UserError(f"{image.parent}/{image.name!r}: Label Studio cannot take a file name with a quote, "
                            f"backslash or line break; rename the carrier's image and XML, then push again")
    remote = find_or_create(client_for(entry), project)
    result = StudioPushResult(project.name, remote.shown)
    tasks, result.left_out = remote.listing()
    record = read_record(project)
    plans = {i: _plan(project, i, record.setdefault(i.stem, {}), task_of(tasks, record[i.stem]), result)
             for i in images}
    sent = []
    try:
        upload = [i for i in images if plans[i] == "upload"]
        sent = _uploads(remote, project, upload, record, tasks, result)
        predict = [i for i in images if plans[i] == "predict"]
        for image in predict:
            _clear_predictions(remote, task_of(tasks, record[image.stem]))
        result.predicted = _predict(remote, record, sent + predict)
        for image in sent + predict:   # the pre-label is there now (a cut push sends it again)
            record[image.stem].update(xml=file_sha(image.with_suffix(".xml")))
    finally:
        result.uploaded = [i.name for i in sent]
        write_record(project, {k: v for k, v in record.items() if v})   # what was sent, even when cut short
    return result


def _plan(project: Project, image: Path, entry: dict, task: dict | None, result: StudioPushResult) -> str | None:
    """What one carrier needs: "upload", "predict" (pre-label changed), or None (in sync or held)."""
    stem = image.stem
    if waiting_conflict(project, stem, entry):
        result.held.append((stem, f"conflict not resolved: merge {stem}{REMOTE_SUFFIX} into {stem}.xml, "
                                  f"delete {stem}{REMOTE_SUFFIX}, then push again"))
        return None
    if task is not None and PROBLEMS in task:
        result.held.append((stem, f"its task there could not be read ({'; '.join(task[PROBLEMS])[:300]}); "
                                  f"fix or delete the task in Label Studio"))
        return None
    if task is not None and _untaken(task, entry):
        result.held.append((stem, f"a person's annotation of task {task['id']} there was not taken yet; "
                                  f"take it first: inv imglabeling.pull {project.name}"))
        return None
    if task is None or entry.get("image") != file_sha(image):
        return "upload"
    if entry.get("xml") != file_sha(image.with_suffix(".xml")):
        return "predict"
    result.in_sync += 1
    return None


def _untaken(task: dict, entry: dict) -> bool:
    """Whether the task holds a submitted annotation that pull has not taken."""
    return annotation_key(latest_submitted(task)) not in (None, (entry.get("studio") or {}).get("annotation"))


def _uploads(remote: Remote, project: Project, images: list[Path], record: dict, tasks: dict,
             result: StudioPushResult) -> list[Path]:
    """Upload each image in its own request, UPLOAD_WORKERS at a time (Label Studio's cost is per
    request); the images sent. Ctrl-C cancels what has not started."""
    pool = ThreadPoolExecutor(max_workers=UPLOAD_WORKERS)
    try:
        futures = [pool.submit(_upload, remote, project, i, record[i.stem], task_of(tasks, record[i.stem]), result)
                   for i in images]
        done = [f.result() for f in futures]
    except BaseException as exc:
        # an error waits for the uploads in flight (so the record gets their task ids); Ctrl-C does not
        pool.shutdown(wait=not isinstance(exc, KeyboardInterrupt), cancel_futures=True)
        raise
    pool.shutdown()
    return [i for i, ok in zip(images, done) if ok]


def _upload(remote: Remote, project: Project, image: Path, entry: dict, old: dict | None,
            result: StudioPushResult) -> bool:
    """Replace the carrier's task by one for its image now; False when held back."""
    if old is not None:
        now = remote.annotations(old["id"])
        if now is None or _untaken({"annotations": now}, entry):
            result.held.append((image.stem, f"a person's annotation of task {old['id']} there came in during "
                                            f"this push and was not taken yet; take it first: inv "
                                            f"imglabeling.pull {project.name}"))
            return False
        remote.client.delete(f"/api/tasks/{old['id']}/")
    data = image.read_bytes()
    answer = remote.client.upload(f"/api/projects/{remote.id}/import", [(image.name, data)], return_task_ids="true")
    ids = answer.get("task_ids") if isinstance(answer, dict) else None
    if not isinstance(ids, list) or len(ids) != 1 or task_id({"id": ids[0]}) is None:
        entry.pop("studio", None)
        result.held.append((image.stem, f"Label Studio made no task for {image.name!r} (answered task_ids "
                                        f"{str(ids)[:40]}); rename the carrier (letters, digits, _ and -) and "
                                        f"push again"))
        return False
    entry.update(image=sha256_bytes(data), studio={"task": ids[0], "annotation": None})
    entry.pop("xml", None)
    entry.pop("conflict", None)
    return True


def _clear_predictions(remote: Remote, task: dict | None) -> None:
    """The task's old predictions go before its new pre-label is sent."""
    for pid in prediction_ids(task or {}):
        remote.client.delete(f"/api/predictions/{pid}/")


def _predict(remote: Remote, record: dict, images: list[Path]) -> list[str]:
    """Send the carriers' pre-label XMLs as predictions, in one request; the names sent."""
    items, names = [], []
    for image in images:
        xml, tid = image.with_suffix(".xml"), (record[image.stem].get("studio") or {}).get("task")
        if tid is None or not xml.is_file():
            continue
        ann = voc.read(xml)
        if not ann.objects:
            continue
        result = [to_result(o, ann.width, ann.height, f"dl{i}") for i, o in enumerate(ann.objects)]
        items.append({"task": tid, "result": result, "model_version": MODEL_VERSION, "score": 1.0})
        names.append(xml.name)
    if items:
        remote.client.post(f"/api/projects/{remote.id}/import/predictions", items)
    return names
