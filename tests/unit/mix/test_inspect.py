"""lib/mix/inspect.py: the one check inside the mix, one build pair at a time (moved from test_mix.py)."""
from __future__ import annotations

import zlib

import pytest

from dlimgmgr_tasks.lib import checks
from dlimgmgr_tasks.lib.mix import inspect
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.mixdata import make_build


def workspace(root) -> Workspace:
    return Workspace.at(root, profile="resnet34")


@pytest.fixture
def ws(tmp_path):
    make_build(tmp_path, "alpha", ["cat"], 12)
    return workspace(tmp_path)


def inspected(ws, stem: str):
    project = ws.project("alpha")
    ctx = inspect.Context("alpha", checks.project_rules(project, ws.root, build=True), "projects/alpha/build",
                          {}, "ds", (64, 64), "resnet34")
    build = project.build_dir
    return inspect.inspect(ctx, inspect.Row("alpha", stem, str(build / f"{stem}.jpg"), str(build / f"{stem}.xml")))


def test_a_damaged_build_xml_has_the_same_code_in_the_mix_as_in_the_check(ws):
    xml = ws.projects_dir / "alpha" / "build" / "alpha_000002.xml"
    xml.write_text(xml.read_text()[:60])
    item, problems = inspected(ws, "alpha_000002")
    report = checks.check_projects(ws, ["alpha"])
    assert item is None and [p.code for p in problems] == [p.code for p in report.problems] == ["malformed-xml"]


def test_a_build_image_of_another_size_than_the_profile_is_a_profile_size_problem(tmp_path):
    make_build(tmp_path, "alpha", ["cat"], 2, size=(32, 32))
    _, problems = inspected(workspace(tmp_path), "alpha_000001")
    assert [p.code for p in problems] == ["profile-size"]


def test_a_clean_pair_becomes_an_item_with_the_files_own_bytes(ws):
    item, problems = inspected(ws, "alpha_000001")
    xml = ws.projects_dir / "alpha" / "build" / "alpha_000001.xml"
    image = (ws.projects_dir / "alpha" / "build" / "alpha_000001.jpg").read_bytes()
    assert problems == [] and item.xml == xml.read_bytes() and item.split == ""   # split once all are read
    assert item.carrier == "alpha_c000.jpg" and item.content == (len(image), zlib.crc32(image))
