"""What changed in an annotation file: boxes added, moved, removed, renamed, other fields edited.

Used for pull's one line per taken file ("1 moved (...), 1 renamed (...)").
"""
from __future__ import annotations

from .. import voc


def _box(o: voc.VocObject) -> tuple:
    return (int(o.xmin), int(o.ymin), int(o.xmax), int(o.ymax))


def _iou(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0]) + 1
    h = min(a[3], b[3]) - max(a[1], b[1]) + 1
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (_area(a) + _area(b) - inter)


def _area(r: tuple) -> int:
    return (r[2] - r[0] + 1) * (r[3] - r[1] + 1)   # VOC boxes are inclusive


def _fmt(o: voc.VocObject) -> str:
    x0, y0, x1, y1 = _box(o)
    return f"{o.name} {x0},{y0}-{x1},{y1}"


def describe_changes(old: list[voc.VocObject], new: list[voc.VocObject]) -> dict[str, list[str]]:
    """Boxes added, moved, removed, renamed (and other fields changed) between two object lists."""
    old, new = list(old), list(new)
    out: dict[str, list[str]] = {"added": [], "moved": [], "removed": [], "renamed": [], "edited": []}

    def pair(test, score):
        pairs = sorted(((score(a, b), i, j) for i, a in enumerate(old) for j, b in enumerate(new) if test(a, b)),
                       key=lambda t: -t[0])
        used_i, used_j, got = set(), set(), []
        for _, i, j in pairs:
            if i not in used_i and j not in used_j:
                used_i.add(i)
                used_j.add(j)
                got.append((old[i], new[j]))
        for i in sorted(used_i, reverse=True):
            del old[i]
        for j in sorted(used_j, reverse=True):
            del new[j]
        return got

    same_box = lambda a, b: _box(a) == _box(b)  # noqa: E731
    for a, b in pair(lambda a, b: a.name == b.name and same_box(a, b), lambda a, b: 1.0):
        if (a.pose, a.truncated, a.difficult) != (b.pose, b.truncated, b.difficult):
            out["edited"].append(f"{_fmt(b)} (pose/truncated/difficult)")
    for a, b in pair(lambda a, b: a.name == b.name and _iou(_box(a), _box(b)) > 0, lambda a, b: _iou(_box(a), _box(b))):
        out["moved"].append(f"{_fmt(a)} -> {_fmt(b).split(' ', 1)[1]}")
    for a, b in pair(lambda a, b: a.name != b.name and _iou(_box(a), _box(b)) >= 0.5,
                     lambda a, b: _iou(_box(a), _box(b))):
        out["renamed"].append(f"{a.name} -> {b.name} at {_fmt(b).split(' ', 1)[1]}"
                              + ("" if same_box(a, b) else f" (was {_fmt(a).split(' ', 1)[1]})"))
    for a, b in pair(lambda a, b: a.name == b.name, lambda a, b: -abs(a.xmin - b.xmin) - abs(a.ymin - b.ymin)):
        out["moved"].append(f"{_fmt(a)} -> {_fmt(b).split(' ', 1)[1]}")
    out["added"] = [_fmt(b) for b in new]
    out["removed"] = [_fmt(a) for a in old]
    return out


def changes_text(changes: dict[str, list[str]]) -> str:
    parts = [f"{len(v)} {k} ({'; '.join(v)})" for k, v in changes.items() if v]
    return ", ".join(parts) if parts else "no box changes"
