"""labeling.describe_changes: what changed between two object lists of one file (moved, renamed,
added, removed), as pull reports it."""
from __future__ import annotations

from dlimgmgr_tasks.lib import labeling, voc

O = voc.VocObject
OLD = [O("a", 1, 1, 10, 10), O("b", 50, 50, 60, 60), O("c", 100, 100, 120, 120), O("a", 200, 200, 210, 210)]
NEW = [O("a", 2, 1, 11, 10), O("d", 50, 50, 60, 60), O("a", 200, 200, 210, 210), O("c", 300, 300, 310, 310),
       O("b", 150, 150, 160, 160)]


def test_describe_changes_pairs_moved_boxes_by_overlap_then_by_class():
    assert labeling.describe_changes(OLD, NEW)["moved"] == ["a 1,1-10,10 -> 2,1-11,10",
                                                            "c 100,100-120,120 -> 300,300-310,310"]


def test_describe_changes_names_a_box_relabelled_in_place_renamed():
    assert labeling.describe_changes(OLD, NEW)["renamed"] == ["b -> d at 50,50-60,60"]


def test_describe_changes_counts_unpaired_boxes_as_added_or_removed():
    got = labeling.describe_changes(OLD, NEW)
    assert got["added"] == ["b 150,150-160,160"] and got["removed"] == []


def test_identical_object_lists_have_no_box_changes():
    assert labeling.changes_text(labeling.describe_changes(OLD, OLD)) == "no box changes"
