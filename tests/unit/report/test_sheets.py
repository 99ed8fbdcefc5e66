"""report.sheets: per class, thumbnails picked evenly, every box drawn where it lies."""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.report import sheets
from dlimgmgr_tasks.lib.report.sources import Entry, Source


def _decode(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def _entry(tmp_path, stem, *objects, size=(88, 44)):
    path = tmp_path / f"{stem}.jpg"
    Image.new("RGB", size, (255, 255, 255)).save(path, "JPEG", quality=95)
    ann = voc.Annotation(path.name, size[0], size[1], objects=[voc.VocObject(*o) for o in objects])
    return Entry(stem, "train", "p", ann, path)


def test_draw_scales_to_thumb_and_draws_the_box_where_it_lies(tmp_path):
    e = _entry(tmp_path, "a", ("close", 23, 12, 66, 33))   # edges 22..66, 11..33 of 88x44
    px = _decode(sheets.draw(e.image.read_bytes(), e.annotation, "close"))
    assert px.shape == (88, sheets.THUMB, 3)                 # factor 2: 176x88
    dark = np.where((255 - px).max(axis=2) > 100)
    assert (dark[1].min(), dark[0].min()) == (44, 22)         # the box's top-left, scaled by 2
    assert abs(dark[1].max() - 131) <= 1 and abs(dark[0].max() - 65) <= 1
    assert (255 - px[40:50, 80:100]).max() < 30               # inside the box: untouched


def test_the_sheet_class_is_drawn_thick_the_others_thin(tmp_path):
    e = _entry(tmp_path, "a", ("close", 5, 5, 30, 30), ("far", 50, 5, 80, 30))
    px = _decode(sheets.draw(e.image.read_bytes(), e.annotation, "close"))
    dark = (255 - px).max(axis=2) > 100
    column = lambda x0, x1: dark[30:50, x0:x1].sum(axis=1).max()  # noqa: E731 - a row's dark run
    assert column(4, 20) >= 3 and column(94, 110) <= 2


def test_pick_spreads_over_each_class_and_sheets_counts_boxes(tmp_path):
    entries = [_entry(tmp_path, f"s{i:02}", ("close", 2, 2, 9, 9), ("close", 20, 2, 29, 9))
               for i in range(30)] + [_entry(tmp_path, "f00", ("far", 2, 2, 9, 9))]
    picked = sheets.pick(entries, ["close", "far", "none"], per_class=4)
    assert len(picked["close"]) == 4 and [e.stem for e in picked["far"]] == ["f00"] and picked["none"] == []
    assert picked["close"] == sorted(picked["close"], key=lambda e: e.stem)
    out = sheets.sheets(Source("t", ["close", "far"], entries, ["train"]), entries, ["close", "far"])
    assert len(out["close"]) == sheets.PER_CLASS and all(t.boxes == 2 for t in out["close"])
    assert [(t.stem, t.split, t.boxes) for t in out["far"]] == [("f00", "train", 1)]
