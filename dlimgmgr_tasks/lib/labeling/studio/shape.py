"""Label Studio's JSON answers checked by shape before any of it is used.

Label Studio's API stores what it is given (`"x": null`, `"x": "7"`, `1e308`, labels as a string),
so every value read from a task list or an annotation is checked here: one line per bad field,
naming the task, and the bad task alone is left out (pull refuses it, push holds it) while the
good ones are still taken. Nothing here raises for one bad task; `task_list` raises a UserError
only when the answer as a whole is not a task list.
"""
from __future__ import annotations

import json
import math

from ...errors import UserError

PROBLEMS = "_dlimgmgr_problems"    # key a task carries when part of it could not be read
MAX_PERCENT = 1000.0               # a box may reach past the image (the check judges it), not to 1e308
MAX_PIXELS = 1 << 16


class Bad(Exception):
    """Bad fields, one argument each: which field and what it holds."""


def shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is None or isinstance(value, (str, int, float, bool)) \
        else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def number(value, what: str, lo: float, hi: float) -> float:
    """A JSON number from lo to hi (not a string, a bool, null or something beyond)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not lo <= value <= hi:
        raise Bad(f"{what} is {shown(value)}, not a number from {lo:g} to {hi:g}")
    return float(value)


def whole(value, what: str, lo: int, hi: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Bad(f"{what} is {shown(value)}, not a whole number from {lo} to {hi}")
    return value


def task_id(task) -> int | None:
    """A task's id when it has a usable one."""
    try:
        return whole(task.get("id"), "id", 1, 1 << 62) if isinstance(task, dict) else None
    except Bad:
        return None


def task_list(answer, where: str) -> tuple[dict[int, dict], list[str]]:
    """{task id: task} of an export answer, and one line per task (or group) that was left out."""
    if not isinstance(answer, list):
        raise UserError(f"{where}: the task list is {shown(answer)}, not a list of tasks; check url in hosts.yaml "
                        f"(is it Label Studio?) and run it again")
    tasks, lines, no_id = {}, [], 0
    for item in answer:
        tid = task_id(item)
        if tid is None:
            no_id += 1
            continue
        problems = task_problems(item)
        if problems:
            item = {"id": tid, PROBLEMS: [f"task {tid}: {p}" for p in problems]}
        tasks[tid] = item
    if no_id:
        lines.append(f"{where}: {no_id} task(s) in the task list have no id; left out (see Label Studio's log "
                     f"there)")
    return tasks, lines


def task_problems(task: dict) -> list[str]:
    """What in a task's own fields and its annotations' envelopes cannot be read; [] when all can."""
    out = []
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("image"), str):
        out.append(f"data.image is {shown(data.get('image') if isinstance(data, dict) else data)}, not a url")
    annotations = task.get("annotations", [])
    if not isinstance(annotations, list):
        return out + [f"annotations is {shown(annotations)}, not a list"]
    for i, ann in enumerate(annotations):
        out += [f"annotations[{i}]: {p}" for p in annotation_problems(ann)]
    predictions = task.get("predictions", [])
    if not isinstance(predictions, list) or not all(_prediction_id(p) is not None for p in predictions):
        out.append("predictions is not a list of predictions with ids")
    return out


def annotation_problems(ann) -> list[str]:
    if not isinstance(ann, dict):
        return [f"is {shown(ann)}, not an annotation"]
    out = []
    for key, check in (("id", lambda v: whole(v, "id", 1, 1 << 62)),
                       ("updated_at", lambda v: _text_or_null(v, "updated_at")),
                       ("was_cancelled", lambda v: _flag(v, "was_cancelled")),
                       ("completed_by", lambda v: _user(v))):
        try:
            check(ann.get(key))
        except Bad as exc:
            out.append(str(exc))
    if not isinstance(ann.get("result", []), (list, type(None))):
        out.append(f"result is {shown(ann.get('result'))}, not a list of regions")
    return out


def prediction_ids(task: dict) -> list[int]:
    return [p for p in (_prediction_id(x) for x in task.get("predictions") or []) if p is not None]


def _prediction_id(p) -> int | None:
    return task_id(p) if isinstance(p, dict) else task_id({"id": p})


def _text_or_null(value, what: str):
    if value is not None and not isinstance(value, str):
        raise Bad(f"{what} is {shown(value)}, not a time")


def _flag(value, what: str):
    if value is not None and not isinstance(value, bool):
        raise Bad(f"{what} is {shown(value)}, not true or false")


def _user(value):
    if isinstance(value, dict):
        value = value.get("id")
    if value is not None:
        whole(value, "completed_by", 0, 1 << 62)
