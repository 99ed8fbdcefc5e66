"""What the stats tests share: a project whose counts, box sizes and manifests are known."""
from __future__ import annotations

import json
import os

from PIL import Image

from dlimgmgr_tasks.lib import voc


def write_pair(folder, stem, boxes, size=(64, 48)):
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "white").save(folder / f"{stem}.jpg")
    objects = [voc.VocObject(name, *box) for name, box in boxes]
    voc.write(folder / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", *size, objects=objects))


def make_counted_project(root) -> None:
    """Project tp: two labelled carriers (three boxes), one built pair, one damaged built XML, two manifests."""
    pdir = root / "projects" / "tp"
    pdir.mkdir(parents=True)
    (pdir / "project.yaml").write_text("classes: [tp]\ncount: 1\nseed: 0\n")
    write_pair(pdir / "master", "c1", [("tp", (1, 1, 32, 32))])                      # 32x32
    write_pair(pdir / "master", "c2", [("tp", (1, 1, 10, 20)), ("tp", (5, 5, 24, 44))])  # 10x20, 20x40
    write_pair(pdir / "build", "tp_000000", [("tp", (1, 1, 16, 16))])
    (pdir / "build" / "tp_000001.xml").write_text("<annotation>")  # damaged: counted, not fatal
    dist = root / "dist"
    dist.mkdir()
    (dist / "old.manifest.json").write_text(json.dumps({"counts": {"train": 1}}))
    os.utime(dist / "old.manifest.json", (1, 1))
    (dist / "voc.manifest.json").write_text(json.dumps({"counts": {"train": 8, "val": 2, "per_class": {"tp": 10}}}))
