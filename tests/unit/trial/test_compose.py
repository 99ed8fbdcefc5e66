"""lib/trial/compose.py: what try_compose shows is byte for byte what compose then writes."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.trial.compose import try_compose, with_settings
from dlimgmgr_tasks.lib.workspace import Workspace

PNG = b"\x89PNG\r\n\x1a\n"


def test_try_compose_shows_the_bytes_compose_then_writes(repo):
    tried = {"scale": [1.0, 2.0], "per_carrier": [1, 2], "count": 4}
    project = Workspace.at(repo.path).project("close")
    sheet = project.try_compose(tried, n=6)
    assert len(sheet) == 4 and len(sheet.files) == 8           # compose.count's carriers, JPEG and pre-label
    assert not any((project.master / name).read_bytes() == data for name, data in sheet.files.items()
                   if name.endswith(".jpg")), "the trial should differ from the committed carriers"
    project.save_settings(compose=tried)
    repo.inv("dataaug.compose", "close", check=True)
    for name, data in sheet.files.items():
        assert (project.master / name).read_bytes() == data, name


def test_with_settings_replaces_keys_in_a_copy_and_leaves_the_file(make_project):
    project = make_project("close", compose={"scale": [1, 2], "margin": 4})
    before = project.yaml_path.read_bytes()
    tried = with_settings(project, compose={"scale": [2, 3]}, recipe={"min_visibility": 0.5})
    assert tried.config["compose"] == {"scale": [2, 3], "margin": 4}
    assert tried.config["recipe"]["min_visibility"] == 0.5 and tried.name == "close"
    assert project.config["compose"] == {"scale": [1, 2], "margin": 4} and "recipe" not in project.config
    assert project.yaml_path.read_bytes() == before
    with pytest.raises(UserError, match=r"^compose settings must be a mapping like project.yaml's compose: "
                                        r"\(got \[1, 2\]\)$"):
        with_settings(project, compose=[1, 2])


def test_try_compose_stops_at_compose_count_and_writes_nothing(make_project, png):
    project = make_project("close", count=3)
    png(project.dir / "master" / "sources" / "close.png")
    sheet = try_compose(project, {"count": 2}, n=5, size=(96, 80))
    assert [name for name, _, _ in sheet.items] == list(sheet.files)[::2]
    assert len(sheet) == 2 and all(ann.width == 96 and ann.objects for _, _, ann in sheet.items)
    assert sheet.title == "close: compose trial 96x80"
    assert sorted(p.name for p in (project.dir / "master").iterdir()) == ["sources"]
