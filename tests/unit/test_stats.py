"""dlimgmgr.stats: counts per project/class, box sizes, splits from the newest manifest."""
from __future__ import annotations

import json
import os
import shutil

import pytest
from PIL import Image

from dlimgmgr_tasks.lib import stats, voc
from dlimgmgr_tasks.lib.workspace import Workspace


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


@pytest.fixture
def counted(tmp_path):
    make_counted_project(tmp_path)
    return stats.collect(Workspace.at(tmp_path))


@pytest.fixture
def lines(counted):
    return stats.render(counted)


def test_stats_count_sources_carriers_labelled_and_built_images(lines):
    assert lines[1].split() == ["tp", "0", "2", "2", "1"]


def test_stats_give_master_box_sizes_as_min_median_max(lines):
    assert ["tp", "tp", "master", "3", "10/20/32", "20/32/40"] in [line.split() for line in lines]


def test_stats_give_build_box_sizes(lines):
    assert ["tp", "tp", "build", "1", "16/16/16", "16/16/16"] in [line.split() for line in lines]


def test_stats_note_an_annotation_that_could_not_be_read(lines):
    assert any("1 annotation(s) could not be read" in line for line in lines)


def test_stats_show_the_newest_manifests_splits(lines):
    assert "splits (dist/voc.manifest.json):" in lines
    assert "  train: 8" in lines and "  per_class.tp: 10" in lines


def test_stats_as_data_hold_the_same_numbers(counted):
    assert counted["projects"][0]["classes"]["tp"]["master"]["objects"] == 3
    assert counted["manifest"]["counts"]["val"] == 2


@pytest.fixture
def counted_repo(repo):
    for p in (repo.path / "projects").iterdir():
        if p.name != "common":
            shutil.rmtree(p)
    make_counted_project(repo.path)
    return repo


def test_the_stats_task_prints_the_tables(counted_repo):
    proc = counted_repo.inv("dlimgmgr.stats", check=True)
    assert proc.stdout.splitlines()[1].split() == ["tp", "0", "2", "2", "1"]
    assert "splits (dist/voc.manifest.json):" in proc.stdout


def test_the_stats_task_prints_json_with_json(counted_repo):
    data = json.loads(counted_repo.inv("dlimgmgr.stats", "--json", check=True).stdout)
    assert data["projects"][0]["classes"]["tp"]["master"]["objects"] == 3
    assert data["manifest"]["counts"]["val"] == 2
