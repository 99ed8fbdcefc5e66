"""lib/dataaug/plan.py and pool.py: the work items stream, split and travel as words, so the
orchestrator's memory does not grow with the count. The refusals of a build above
dlimgmgr.build.max_images are in tests/cli/dlimgmgr/test_build_bounds.py."""
from __future__ import annotations

import tracemalloc
from itertools import islice

import pytest

from tests.helpers.buildkit import add_tiny_profiles, make_project
from dlimgmgr_tasks.lib.dataaug import plan, pool
from dlimgmgr_tasks.lib.workspace import Workspace


@pytest.fixture
def tiny(repo):
    return add_tiny_profiles(repo)


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
