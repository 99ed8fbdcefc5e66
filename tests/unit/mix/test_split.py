"""lib/mix/split.py: whole counts, seeded splits, groups and pins kept together (moved from test_mix.py)."""
from __future__ import annotations

from dlimgmgr_tasks.lib.mix import split


def test_allocate_gives_whole_numbers_adding_up_to_n():
    assert split.allocate(7, (0.8, 0.2, 0.0)) == [6, 1, 0]


def test_a_test_only_project_is_assigned_to_test_whole():
    assert set(split.assign("p", ["a", "b", "c"], (0.8, 0.2, 0.0), 0, test_only=True).values()) == {"test"}


def test_a_split_depends_on_the_seed_and_the_project_only():
    ids = [f"p_{i:03d}" for i in range(20)]
    assert split.assign("p", ids, (0.5, 0.5, 0.0), 1) == split.assign("p", list(ids), (0.5, 0.5, 0.0), 1)


def test_a_group_of_carriers_goes_to_one_split_and_the_counts_stay_whole():
    groups = [("c00", "c01", "c02")] + [(f"c{i:02d}",) for i in range(3, 20)]
    for seed in range(10):
        got = split.assign_groups("p", groups, (0.7, 0.3, 0.0), seed)
        assert len({got[c] for c in groups[0]}) == 1
        assert sorted(got.values()).count("val") in (5, 6, 7)   # 6 asked; a group of 3 may overshoot by its size


def test_a_pinned_group_goes_where_it_is_pinned_and_the_rest_fill_the_ratio():
    groups = [(f"c{i:02d}",) for i in range(10)]
    got = split.assign_groups("p", groups, (0.8, 0.2, 0.0), 3, pinned={("c04",): "val", ("c07",): "val"})
    assert got["c04"] == got["c07"] == "val" and list(got.values()).count("val") == 2


def test_too_few_carriers_is_one_warning_with_the_counts_and_the_fix():
    assert split.few_carriers_warning("p", (0.8, 0.2, 0.0), {"train": 6, "val": 2}) is None
    line = split.few_carriers_warning("p", (0.8, 0.2, 0.0), {"train": 3, "val": 0})
    assert line == ("warning: p has too few carriers for the ratios asked (train 3, val 0 carrier(s)); compose "
                    "more: raise compose.count in projects/p/project.yaml, then inv dataaug.compose p")
