"""An independent consumer's check of an unpacked Pascal VOC dataset (what a trainer relies on).

Written against the files only (ElementTree, Pillow), never against dlimgmgr's own code.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

SPLITS = ("train", "val", "trainval", "test")


def read_lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def check_dataset(ds: Path) -> dict:
    """Assert the dataset is consistent; return {"splits": {split: ids}, "objects": {id: [(name, difficult)]},
    "classes": [...]} for further, test-specific assertions."""
    main = ds / "ImageSets" / "Main"
    jpgs = {p.stem for p in (ds / "JPEGImages").iterdir()}
    xmls = {p.stem for p in (ds / "Annotations").iterdir()}
    assert jpgs == xmls and jpgs, "every image has its annotation and every annotation its image"

    splits = {s: read_lines(main / f"{s}.txt") for s in SPLITS}
    train, val, test = (set(splits[s]) for s in ("train", "val", "test"))
    assert not train & val and not (train | val) & test, "splits are disjoint"
    assert train | val | test == jpgs, "splits cover every image"
    assert sorted(splits["trainval"]) == sorted(splits["train"] + splits["val"])

    objects = {}
    for stem in jpgs:
        with Image.open(ds / "JPEGImages" / f"{stem}.jpg") as im:
            width, height = im.size
        root = ET.fromstring((ds / "Annotations" / f"{stem}.xml").read_text())
        assert (int(root.findtext("size/width")), int(root.findtext("size/height"))) == (width, height), stem
        objects[stem] = []
        for obj in root.iter("object"):
            box = {k: obj.findtext(f"bndbox/{k}") for k in ("xmin", "ymin", "xmax", "ymax")}
            assert all(re.fullmatch(r"\d+", v or "") for v in box.values()), (stem, box)
            b = {k: int(v) for k, v in box.items()}
            assert 1 <= b["xmin"] <= b["xmax"] <= width and 1 <= b["ymin"] <= b["ymax"] <= height, (stem, b)
            objects[stem].append((obj.findtext("name"), int(obj.findtext("difficult"))))

    labelmap = read_lines(ds / "labelmap.txt")
    assert labelmap[0] == "# label:color_rgb:parts:actions"
    classes = [line.split(":")[0] for line in labelmap[1:]]
    assert set(classes) >= {name for objs in objects.values() for name, _ in objs}, "labelmap lists every class"

    # Per-class files: 1 present, 0 only difficult, -1 absent, as VOC has them.
    for cls in classes:
        for split, ids in splits.items():
            if not ids:
                continue
            got = dict(line.split() for line in read_lines(main / f"{cls}_{split}.txt"))
            assert list(got) == ids, (cls, split)
            for stem in ids:
                flags = [d for name, d in objects[stem] if name == cls]
                want = -1 if not flags else 1 if 0 in flags else 0
                assert int(got[stem]) == want, (cls, split, stem)
    return {"splits": splits, "objects": objects, "classes": classes}
