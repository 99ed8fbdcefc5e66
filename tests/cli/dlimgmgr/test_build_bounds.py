"""`inv build` bounds its size: count and carriers x count above dlimgmgr.build.max_images are
refused in one line before anything is written.

That the plan's work items stream (the orchestrator's memory does not grow with the count) is in
tests/unit/dataaug/test_plan.py.
"""
from __future__ import annotations

import pytest

from tests.helpers.buildkit import add_tiny_profiles, build, built, make_project, set_build_setting
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
