"""dlimgmgr_tasks/dlimgmgr.py: the mix task's flag parsing (moved from tests/unit/mix/test_mix.py)."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.dlimgmgr import parse_names, parse_number, parse_remap
from dlimgmgr_tasks.lib.errors import UserError


def test_a_remap_flag_becomes_a_dict():
    assert parse_remap("closebcow=close, closegb = close") == {"closebcow": "close", "closegb": "close"}


def test_a_config_remap_mapping_is_taken_as_it_is():
    assert parse_remap({"a": "b"}) == {"a": "b"}


def test_a_remap_flag_mapping_one_class_twice_is_refused():
    with pytest.raises(UserError, match="remap maps 'a' twice"):
        parse_remap("a=b,a=c")


def test_a_projects_flag_becomes_a_list():
    assert parse_names("alpha, beta,,") == ["alpha", "beta"]


def test_a_seed_that_is_not_a_whole_number_is_refused():
    with pytest.raises(UserError, match="--seed must be a whole number"):
        parse_number("--seed", "x", int)
