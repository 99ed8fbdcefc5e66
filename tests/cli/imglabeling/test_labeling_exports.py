"""Folder mode takes every export a person may drop on the labeling side, or says why not.

Label Studio's VOC export under both of its namings (`<8hex>-stem` for an uploaded image,
`<8hex>__stem` for one of its Local Files storage) with its 0-based coordinates mapped back to
ours, a CVAT export unpacked four folders deep, and one warning line for each file pull cannot
take: YOLO `.txt` labels and class list, a JSON export, an XML that matches no carrier. Runs on a
local labeling folder and over the real sshd (the labeling_side fixture).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.helpers import labelingdata
from tests.helpers.labelingdata import as_label_studio_edges, boxes, cvat_xml, label_studio_xml, snapshot

labeling_side = labelingdata.labeling_side

PROJECT = "kanji"
DEEP = "exports/2026-12-01/task_7/Annotations"


def line_about(out: str, name: str) -> str:
    return next(ln for ln in out.splitlines() if name in ln)


def drop_exports(side, pre):
    """What a person leaves there after a session in Label Studio, CVAT and LabelImg's YOLO mode."""
    (side / "Annotations").mkdir()
    # c000 untouched in Label Studio (upload naming); c001 one box moved 5 px right (Local Files naming).
    (side / "Annotations" / "1a2b3c4d-kanji_c000.xml").write_bytes(
        label_studio_xml("1a2b3c4d-kanji_c000.jpg", as_label_studio_edges(pre[0])))
    (n, x0, y0, x1, y1), *rest = pre[1]
    moved = [(n, x0 + 5, y0, x1 + 5, y1), *rest]
    (side / "Annotations" / "5e6f7a8b__kanji_c001.xml").write_bytes(
        label_studio_xml("5e6f7a8b__kanji_c001.jpg", as_label_studio_edges(moved)))
    # c002: a CVAT export unpacked in a folder of its own, one box added.
    (side / DEEP).mkdir(parents=True)
    (side / DEEP / "kanji_c002.xml").write_bytes(cvat_xml("kanji_c002.jpg", pre[2] + [("hi", 5, 6, 30, 31)]))
    # Files pull cannot take: LabelImg saved c003 in YOLO format; a JSON export; a stray XML.
    (side / "kanji_c003.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    (side / "classes.txt").write_text("hi\nki\n")
    (side / "project-1-at-2026-12-01.json").write_text("[]")
    (side / "Annotations" / "kanji_c999.xml").write_bytes(cvat_xml("kanji_c999.jpg", pre[2]))
    return moved


@pytest.fixture(scope="module")
def pulled(labeling_side):
    repo, side = labeling_side.repo, labeling_side.master(PROJECT)
    master = repo.project(PROJECT) / "master"
    repo.inv("imglabeling.push", PROJECT, check=True)
    pre = {i: boxes(master / f"kanji_c00{i}.xml") for i in range(4)}
    before = snapshot(master)
    moved = drop_exports(side, pre)
    proc = repo.inv("imglabeling.pull", PROJECT, check=True)
    return SimpleNamespace(pre=pre, moved=moved, before=before, out=proc.stdout, after=snapshot(master),
                           master=master, repo=repo, side=side)


def test_an_untouched_label_studio_export_comes_back_to_the_pixel(pulled):
    assert "kanji_c000.xml: saved by a person with the boxes as they were" in pulled.out
    assert pulled.after["kanji_c000.xml"] == pulled.before["kanji_c000.xml"]


def test_a_label_studio_local_files_export_is_taken_by_its_double_underscore_name(pulled):
    line = line_about(pulled.out, "kanji_c001.xml:")
    assert "1 moved" in line and "from Annotations/5e6f7a8b__kanji_c001.xml" in line


def test_a_box_moved_in_label_studio_lands_exactly_where_it_was_moved(pulled):
    assert boxes(pulled.master / "kanji_c001.xml") == pulled.moved


def test_a_cvat_export_four_folders_deep_is_taken(pulled):
    line = line_about(pulled.out, "kanji_c002.xml:")
    assert "1 added (hi 5,6-30,31)" in line and f"from {DEEP}/kanji_c002.xml" in line


@pytest.mark.parametrize("name, says", [
    ("kanji_c003.txt", "YOLO labels or class list, not Pascal VOC"),
    ("classes.txt", "YOLO labels or class list, not Pascal VOC"),
    ("project-1-at-2026-12-01.json", "a JSON export, not Pascal VOC"),
    ("Annotations/kanji_c999.xml", "matches no carrier"),
])
def test_each_file_pull_cannot_take_gets_one_warning_naming_it(pulled, name, says):
    lines = [ln for ln in pulled.out.splitlines() if f"/{name}: " in ln]
    assert len(lines) == 1 and "warning:" in lines[0] and says in lines[0]


def test_the_class_list_push_sends_gets_no_warning(pulled):
    assert "predefined_classes.txt" not in pulled.out


def test_a_carrier_left_in_yolo_format_keeps_its_master(pulled):
    assert pulled.after["kanji_c003.xml"] == pulled.before["kanji_c003.xml"]


def test_five_label_studio_round_trips_leave_every_box_where_it_was(pulled):
    repo, side, master = pulled.repo, pulled.side, pulled.master
    start = {k: v for k, v in snapshot(master).items() if k.endswith(".xml")}
    for trip in range(5):
        repo.inv("imglabeling.push", PROJECT, check=True)
        for i in (0, 1):   # exported again from the masters as they now are, by another annotator
            stem = f"kanji_c00{i}"
            prefix = "1a2b3c4d-" if i == 0 else "5e6f7a8b__"
            (side / "Annotations" / f"{prefix}{stem}.xml").write_bytes(label_studio_xml(
                f"{prefix}{stem}.jpg", as_label_studio_edges(boxes(master / f"{stem}.xml")), annotator=f"p{trip}"))
        out = repo.inv("imglabeling.pull", PROJECT, check=True).stdout
        assert " moved" not in out
    assert {k: v for k, v in snapshot(master).items() if k.endswith(".xml")} == start
