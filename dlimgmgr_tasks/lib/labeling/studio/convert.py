"""Boxes between our VOC pixels and Label Studio's percent results, exact to the pixel both ways.

A VOC box is 1-based and inclusive (xmin 1, xmax 32 covers pixel columns 0..31), so its 0-based
edges are xmin-1 and xmax: Label Studio's `x` is (xmin-1)/width*100 and `width` (xmax-xmin+1)/
width*100 of `original_width`. Back, each edge is rounded to the nearest whole pixel: a box
nobody touched comes back identical however many round trips it makes. A box rotated in the
editor comes back as the upright box around it.
"""
from __future__ import annotations

import math

from ... import voc
from . import shape
from .shape import MAX_PERCENT, Bad
from ...voc import VocObject

FROM_NAME, TO_NAME, KIND = "label", "image", "rectanglelabels"


def to_result(obj: VocObject, width: int, height: int, region_id: str) -> dict:
    """One VOC object as a Label Studio RectangleLabels result item (percent of the image)."""
    x0, y0, x1, y1 = obj.edges()
    return {"id": region_id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": KIND,
            "original_width": width, "original_height": height, "image_rotation": 0,
            "value": {"x": x0 * 100 / width, "y": y0 * 100 / height, "width": (x1 - x0) * 100 / width,
                      "height": (y1 - y0) * 100 / height, "rotation": 0, "rectanglelabels": [obj.name]}}


def edges_of(value: dict, width: int, height: int) -> tuple[float, float, float, float]:
    """A result's 0-based pixel edges (x0, y0, x1, y1), the upright box around a rotated one."""
    x, y = value["x"] * width / 100, value["y"] * height / 100
    w, h = value["width"] * width / 100, value["height"] * height / 100
    turn = math.radians(value.get("rotation") or 0)
    if not turn:
        return x, y, x + w, y + h
    cos, sin = math.cos(turn), math.sin(turn)   # Label Studio turns the box about its top-left corner
    xs = [x + dx * cos - dy * sin for dx, dy in ((0, 0), (w, 0), (0, h), (w, h))]
    ys = [y + dx * sin + dy * cos for dx, dy in ((0, 0), (w, 0), (0, h), (w, h))]
    return min(xs), min(ys), max(xs), max(ys)


def from_result(item: dict, width: int, height: int, where: str = "result") -> list[tuple[str, int, int, int, int]]:
    """(name, xmin, ymin, xmax, ymax) per label of one result item, whole 1-based pixels, not clamped.

    `width`/`height` are the image's own; the item's original_width/height win when present. Every
    field is checked by shape first: a `shape.Bad` holds one argument per bad one."""
    value = item.get("value")
    if not isinstance(value, dict):
        raise Bad(f"{where}.value is {shape.shown(value)}, not a region")
    bad, got = [], {}
    for key, lo, hi in (("x", -MAX_PERCENT, MAX_PERCENT), ("y", -MAX_PERCENT, MAX_PERCENT),
                        ("width", 0, MAX_PERCENT), ("height", 0, MAX_PERCENT), ("rotation", -360, 360)):
        try:
            got[key] = shape.number(value.get(key, 0 if key == "rotation" else None), f"{where}.value.{key}", lo, hi)
        except Bad as exc:
            bad += exc.args
    for key, own in (("original_width", width), ("original_height", height)):
        try:
            got[key] = own if item.get(key) is None else shape.whole(item[key], f"{where}.{key}", 1, shape.MAX_PIXELS)
        except Bad as exc:
            bad += exc.args
    labels = value.get("rectanglelabels", value.get("labels"))
    if not isinstance(labels, list) or not labels or not all(isinstance(n, str) and n.strip() for n in labels):
        bad.append(f"{where}.value.rectanglelabels is {shape.shown(labels)}, not a list of class names")
    if bad:
        raise Bad(*bad)
    x0, y0, x1, y1 = (round(e) for e in edges_of(got, got["original_width"], got["original_height"]))
    return [(name, x0 + 1, y0 + 1, x1, y1) for name in labels]


def boxes_of(result: list, width: int, height: int) -> list[tuple[str, int, int, int, int]]:
    """Every rectangle of an annotation's result, in order (other kinds of region are not boxes).

    A `shape.Bad` names every bad field of every region, one per argument."""
    if result is None:
        return []
    if not isinstance(result, list):
        raise Bad(f"result is {shape.shown(result)}, not a list of regions")
    out, bad = [], []
    for i, item in enumerate(result):
        if not _is_box(item):
            continue
        try:
            out += from_result(item, width, height, f"result[{i}]")
        except Bad as exc:
            bad += exc.args
    if bad:
        raise Bad(*bad)
    return out


def _is_box(item) -> bool:
    """A rectangle region: typed so, or with a box's fields (other kinds of region are left alone)."""
    if not isinstance(item, dict):
        return False
    value = item.get("value")
    return item.get("type") == KIND or (isinstance(value, dict) and bool({"x", "y", "width", "height"} & set(value)))


def annotation_of(result: list, filename: str, width: int, height: int, master=()) -> voc.Annotation:
    """An annotation's boxes as a VOC annotation exactly as drawn (whole pixels, not clamped: the
    check judges them), with pose/truncated/difficult kept from `master`'s objects for a box nobody
    changed (Label Studio has no such fields)."""
    flags = flags_of(master)
    objects = []
    for name, x0, y0, x1, y1 in boxes_of(result, width, height):
        name = name.strip()
        pose, truncated, difficult = flags.get((name, x0, y0, x1, y1), ("Unspecified", 0, 0))
        objects.append(VocObject(name, x0, y0, x1, y1, pose=pose, truncated=truncated, difficult=difficult))
    return voc.Annotation(filename=filename, width=width, height=height, depth=3, objects=objects, folder="master")


def flags_of(objects) -> dict:
    """(name, box) -> (pose, truncated, difficult) of master's objects."""
    return {(o.name, int(o.xmin), int(o.ymin), int(o.xmax), int(o.ymax)): (o.pose, int(o.truncated), int(o.difficult))
            for o in objects}
