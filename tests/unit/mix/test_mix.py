"""lib/mix called as a library (a Workspace, a list of projects, a remap dict). Its parts have files
of their own: test_split.py, test_archive.py, test_inspect.py, test_carriers.py; the mix task's flags
are in tests/unit/test_dlimgmgr.py."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib import mix
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.mix import inspect
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.mixdata import make_build, read_members


def workspace(root) -> Workspace:
    return Workspace.at(root, profile="resnet34")


@pytest.fixture
def ws(tmp_path):
    make_build(tmp_path, "alpha", ["cat"], 12)
    make_build(tmp_path, "beta", ["dog"], 9)
    return workspace(tmp_path)


def test_the_library_mix_takes_a_list_of_projects_and_a_remap_dict(ws):
    result = mix.mix(ws, "ds", ["alpha", "beta"], 0.5, 0.5, 0.0, 3, {"cat": "feline"})
    assert result.classes == ["dog", "feline"] and result.counts["total_images"] == 21


def test_the_archive_lands_in_the_workspaces_dist(ws):
    result = mix.mix(ws, "ds", ["alpha"], 0.5, 0.5, 0.0, 3, {})
    assert result.archive == ws.dist_dir / "ds.tar.gz" and result.manifest.is_file()


def test_an_unknown_output_format_is_refused(ws):
    with pytest.raises(UserError, match="unknown dataset format pascal"):
        mix.mix(ws, "ds", ["alpha"], 0.5, 0.5, 0.0, 3, {}, formats=("pascal",))


def test_a_png_in_a_build_is_refused_as_not_a_jpeg(ws):
    build = ws.projects_dir / "alpha" / "build"
    (build / "alpha_000001.jpg").rename(build / "alpha_000001.png")
    with pytest.raises(UserError, match="alpha_000001.png: is not a JPEG"):
        mix.mix(ws, "ds", ["alpha"], 0.5, 0.5, 0.0, 3, {})


def test_checking_in_worker_processes_gives_the_same_archive_as_inline(tmp_path):
    make_build(tmp_path, "big", ["cat", "dog"], 2 * inspect.INSPECT_CHUNK + 50, size=(16, 16))
    ws = Workspace.at(tmp_path, settings={"profiles": {"tiny": {"size": [16, 16]}}}, profile="tiny")
    inline = mix.mix(ws, "one", ["big"], 0.8, 0.2, 0.0, 0, {}, jobs=1)
    pooled = mix.mix(ws, "two", ["big"], 0.8, 0.2, 0.0, 0, {}, jobs=2)
    assert pooled.counts == inline.counts
    assert read_members(pooled.archive, "two") == read_members(inline.archive, "one")
