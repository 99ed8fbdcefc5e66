"""lib/labeling/changes.py: what a pull changed, box by box (moved, renamed, added, removed, edited),
as pull reports it."""
from dlimgmgr_tasks.lib import labeling
from dlimgmgr_tasks.lib.labeling.changes import changes_text, describe_changes
from dlimgmgr_tasks.lib.voc import VocObject


def test_no_changes():
    boxes = [VocObject("close", 1, 1, 10, 10)]
    got = describe_changes(boxes, list(boxes))
    assert got == {"added": [], "moved": [], "removed": [], "renamed": [], "edited": []}
    assert changes_text(got) == "no box changes"


def test_moved_renamed_added_removed_edited():
    old = [VocObject("close", 1, 1, 10, 10), VocObject("open", 50, 50, 60, 60), VocObject("x", 100, 100, 110, 110),
           VocObject("close", 200, 200, 210, 210)]
    new = [VocObject("close", 3, 3, 12, 12),                    # moved (overlaps its old place)
           VocObject("shut", 50, 50, 60, 60),                   # renamed in place
           VocObject("close", 200, 200, 210, 210, difficult=1),  # same box, flag edited
           VocObject("new", 300, 300, 310, 310)]                # added; "x" removed
    got = describe_changes(old, new)
    assert got["moved"] == ["close 1,1-10,10 -> 3,3-12,12"]
    assert got["renamed"] == ["open -> shut at 50,50-60,60"]
    assert got["edited"] == ["close 200,200-210,210 (pose/truncated/difficult)"]
    assert got["added"] == ["new 300,300-310,310"] and got["removed"] == ["x 100,100-110,110"]
    text = changes_text(got)
    assert text.startswith("1 added (new 300,300-310,310), 1 moved (")
    assert "1 renamed (open -> shut at 50,50-60,60)" in text


def test_a_far_move_of_the_same_class_is_still_a_move():
    got = describe_changes([VocObject("close", 1, 1, 10, 10)], [VocObject("close", 300, 300, 309, 309)])
    assert got["moved"] == ["close 1,1-10,10 -> 300,300-309,309"] and not got["added"] and not got["removed"]


def test_a_renamed_box_that_also_moved_says_where_it_was():
    got = describe_changes([VocObject("a", 1, 1, 10, 10)], [VocObject("b", 2, 1, 11, 10)])
    assert got["renamed"] == ["a -> b at 2,1-11,10 (was 1,1-10,10)"]


# --- one pair of lists, every kind of change at once (folded in from test_changes_described.py)

O = VocObject
OLD = [O("a", 1, 1, 10, 10), O("b", 50, 50, 60, 60), O("c", 100, 100, 120, 120), O("a", 200, 200, 210, 210)]
NEW = [O("a", 2, 1, 11, 10), O("d", 50, 50, 60, 60), O("a", 200, 200, 210, 210), O("c", 300, 300, 310, 310),
       O("b", 150, 150, 160, 160)]


def test_describe_changes_pairs_moved_boxes_by_overlap_then_by_class():
    assert describe_changes(OLD, NEW)["moved"] == ["a 1,1-10,10 -> 2,1-11,10",
                                                            "c 100,100-120,120 -> 300,300-310,310"]


def test_describe_changes_names_a_box_relabelled_in_place_renamed():
    assert describe_changes(OLD, NEW)["renamed"] == ["b -> d at 50,50-60,60"]


def test_describe_changes_counts_unpaired_boxes_as_added_or_removed():
    got = describe_changes(OLD, NEW)
    assert got["added"] == ["b 150,150-160,160"] and got["removed"] == []


def test_identical_object_lists_have_no_box_changes():
    # through the package, as the tasks call it
    assert labeling.changes_text(labeling.describe_changes(OLD, OLD)) == "no box changes"
