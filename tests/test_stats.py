"""dlimgmgr.stats: counts per project/class, box sizes, splits from the newest manifest."""
from __future__ import annotations

import json
import os
import shutil

from PIL import Image

from dlimgmgr_tasks.lib import voc


def write_pair(folder, stem, boxes, size=(64, 48)):
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "white").save(folder / f"{stem}.jpg")
    objects = [voc.VocObject(name, *box) for name, box in boxes]
    voc.write(folder / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", *size, objects=objects))


def test_stats_counts_sizes_and_splits(repo):
    for p in (repo.path / "projects").iterdir():
        if p.name != "common":
            shutil.rmtree(p)
    repo.inv("dlimgmgr.new", "tp", check=True)
    pdir = repo.project("tp")
    write_pair(pdir / "master", "c1", [("tp", (1, 1, 32, 32))])                      # 32x32
    write_pair(pdir / "master", "c2", [("tp", (1, 1, 10, 20)), ("tp", (5, 5, 24, 44))])  # 10x20, 20x40
    write_pair(pdir / "build", "tp_000000", [("tp", (1, 1, 16, 16))])
    (pdir / "build" / "tp_000001.xml").write_text("<annotation>")  # damaged: counted, not fatal

    dist = repo.path / "dist"
    dist.mkdir()
    (dist / "old.manifest.json").write_text(json.dumps({"counts": {"train": 1}}))
    os.utime(dist / "old.manifest.json", (1, 1))
    (dist / "voc.manifest.json").write_text(json.dumps({"counts": {"train": 8, "val": 2, "per_class": {"tp": 10}}}))

    proc = repo.inv("dlimgmgr.stats", check=True)
    lines = proc.stdout.splitlines()
    assert lines[1].split() == ["tp", "0", "2", "2", "1"]
    assert any(line.split() == ["tp", "tp", "master", "3", "10/20/32", "20/32/40"] for line in lines), proc.stdout
    assert any(line.split() == ["tp", "tp", "build", "1", "16/16/16", "16/16/16"] for line in lines)
    assert "1 annotation(s) could not be read" in proc.stdout
    assert "splits (dist/voc.manifest.json):" in proc.stdout
    assert "  train: 8" in lines and "  per_class.tp: 10" in lines

    data = json.loads(repo.inv("dlimgmgr.stats", "--json", check=True).stdout)
    assert data["projects"][0]["classes"]["tp"]["master"]["objects"] == 3
    assert data["manifest"]["counts"]["val"] == 2
