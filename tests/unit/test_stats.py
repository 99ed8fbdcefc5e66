"""dlimgmgr.stats: counts per project/class, box sizes, splits from the newest manifest.
The `inv dlimgmgr.stats` task is in tests/cli/dlimgmgr/test_stats.py."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib import stats
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.statsdata import make_counted_project


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
