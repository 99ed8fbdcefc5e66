"""A build's size is bounded: count and carriers x count above dlimgmgr.build.max_images are
refused in one line before anything is written, and the work items stream, so the orchestrator's
memory does not grow with the count."""
from __future__ import annotations

import tracemalloc
from itertools import islice

import pytest

from tests.helpers.buildkit import add_tiny_profiles, build, built, make_project, set_build_setting
from dlimgmgr_tasks.lib.dataaug import plan, pool
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.oneline import one_line_error


@pytest.fixture
def tiny(repo):
    return add_tiny_profiles(repo)


def _litter(pdir):
    return sorted(p.name for p in pdir.iterdir() if p.name.startswith(".build."))


def test_a_count_of_a_billion_is_refused_in_one_line_naming_project_yaml(tiny):
    pdir = make_project(tiny, "huge", count=1_000_000_000)
    line = one_line_error(build(tiny, "huge", check=False))
    assert str(pdir / "project.yaml") in line and "max_images" in line and "lower count" in line


def test_a_refused_build_writes_nothing(tiny):
    pdir = make_project(tiny, "huge", count=1_000_000_000)
    build(tiny, "huge", check=False)
    assert not (pdir / "build").exists() and _litter(pdir) == []


def test_carriers_times_count_above_the_setting_is_refused(tiny):
    make_project(tiny, "icons", count=4)          # 3 carriers x 4 = 12 images
    set_build_setting(tiny, max_images=10)
    assert "12 images, above the limit of 10" in one_line_error(build(tiny, "icons", check=False))


def test_a_build_within_the_setting_is_made(tiny):
    pdir = make_project(tiny, "icons", count=3)   # 9 images
    set_build_setting(tiny, max_images=9)
    build(tiny, "icons", check=True)
    assert len(built(pdir / "build")) == 9


def test_a_max_images_that_is_no_number_is_refused_in_one_line(tiny):
    make_project(tiny, "icons", count=1)
    set_build_setting(tiny, max_images="many")
    assert "dlimgmgr.build.max_images" in one_line_error(build(tiny, "icons", check=False))


def test_the_plan_of_a_billion_items_holds_no_list_of_them(tiny):
    make_project(tiny, "huge", count=1_000_000_000)
    project = Workspace.at(tiny.path).project("huge")
    tracemalloc.start()
    work = plan.plan(project, 3)
    parts = work.items.split([2, 1])
    wire = [p.encode() for p in parts]
    first = list(islice(iter(work.items), 3))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert work.expected == 3_000_000_000 and first == [(0, 0), (0, 1), (0, 2)]
    assert wire == ["0:0-999999999 1:0-999999999", "2:0-999999999"]
    assert peak < 100_000


def test_split_items_are_the_list_split_of_the_same_items():
    items = plan.Items(((0, 5), (9, 14)), per=4)
    as_list = list(items)
    assert [list(p) for p in items.split([2, 1, 1])] == plan.split(as_list, [2, 1, 1])


def test_joined_parts_give_back_every_item_in_order():
    items = plan.Items(((0, 30),), per=7)
    assert list(plan.Items.join(items.split([3, 1, 2]))) == list(items)


def test_lazy_items_travel_as_the_list_would():
    items = plan.Items(((3, 17), (20, 22)), per=5)
    assert items.encode() == plan.encode_items(list(items))
    assert plan.decode_items(items.encode()) == list(items)


def test_script_items_are_one_per_carrier():
    items = plan.Items(((0, 3),), script=True)
    assert list(items) == [(0, -1), (1, -1), (2, -1)] and items.encode() == "0:-1 1:-1 2:-1"


def test_the_wire_form_counts_its_items_without_listing_them():
    assert plan.count_items("0:0-999999999 1:-1 2:5") == 1_000_000_002


def test_the_pool_hands_its_records_out_as_they_are_made():
    records = pool.sample(".", "any", (8, 8), iter(()), 0, ".", 1)
    assert iter(records) is records and not isinstance(records, list)
