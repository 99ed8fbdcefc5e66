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
    assert lines[0].split()[3:5] == ["labelled", "pre-labelled"]
    assert lines[1].split() == ["tp", "0", "2", "2", "0", "1"]


def test_stats_give_master_box_sizes_as_min_median_max(lines):
    assert ["tp", "tp", "master", "3", "10/20/32", "20/32/40"] in [line.split() for line in lines]


def test_stats_give_build_box_sizes(lines):
    assert ["tp", "tp", "build", "1", "16/16/16", "16/16/16"] in [line.split() for line in lines]


def test_stats_note_an_annotation_that_could_not_be_read(lines):
    assert any("1 annotation(s) could not be read" in line for line in lines)


def test_stats_show_the_newest_manifests_splits(lines):
    assert "splits of mix voc (dist/voc.manifest.json, the newest):" in lines
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
    assert proc.stdout.splitlines()[1].split() == ["tp", "0", "2", "2", "0", "1"]
    assert "splits of mix voc (dist/voc.manifest.json, the newest):" in proc.stdout


def test_the_stats_task_prints_json_with_json(counted_repo):
    data = json.loads(counted_repo.inv("dlimgmgr.stats", "--json", check=True).stdout)
    assert data["projects"][0]["classes"]["tp"]["master"]["objects"] == 3
    assert data["manifest"]["counts"]["val"] == 2


def test_untouched_pre_labels_are_not_counted_as_labelled_and_a_rebuilt_project_makes_the_mix_stale(repo):
    # The sample carriers are compose's pre-labels, untouched: none is labelled by a person yet.
    row = next(ln.split() for ln in repo.inv("dlimgmgr.stats", check=True).stdout.splitlines()
               if ln.startswith("close "))
    assert row[:5] == ["close", "1", "8", "0", "8"], row
    repo.inv("build", "--project", "close", check=True)
    repo.inv("mix", "--projects", "close", "--name", "first", check=True)
    out = repo.inv("dlimgmgr.stats", check=True).stdout
    assert "splits of mix first (dist/first.manifest.json, the newest):" in out and "stale" not in out
    later = (repo.path / "dist" / "first.manifest.json").stat().st_mtime + 5   # as a rebuild after the mix
    os.utime(repo.project("close") / "build" / ".fingerprint.json", (later, later))
    out = repo.inv("dlimgmgr.stats", check=True).stdout
    assert "note: mix first is stale: projects/close/build was rebuilt after it; mix again: inv mix --name first" \
        in out, out
