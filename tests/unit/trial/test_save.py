"""lib/trial/save.py: saving tried settings keeps project.yaml's comments and order, refuses a bad
setting, and leaves an unchanged file untouched."""
from __future__ import annotations


import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.buildkit import GEOMETRIC
from tests.helpers.yamltext import comment_lines

PNG = b"\x89PNG\r\n\x1a\n"


def test_save_settings_keeps_comments_and_key_order(repo):
    project = Workspace.at(repo.path).project("close")
    before = project.yaml_path.read_text()
    project.save_settings(compose={"margin": 12, "scale": [1.0, 3.0]}, steps=[GEOMETRIC[0]], count=5)
    after = project.yaml_path.read_text()
    assert comment_lines(after)[:12] == comment_lines(before)[:12]   # up to the replaced steps
    data = yaml.safe_load(after)
    assert list(data) == list(yaml.safe_load(before))
    assert list(data["compose"]) == list(yaml.safe_load(before)["compose"])
    assert data["compose"]["margin"] == 12 and data["count"] == 5 and data["recipe"]["steps"] == [GEOMETRIC[0]]
    assert "  scale: [1.0, 3.0]           # log-uniform on the 32x32 icon" in after

def test_save_settings_refuses_a_bad_setting_and_leaves_the_file(repo):
    project = Workspace.at(repo.path).project("close")
    before = project.yaml_path.read_bytes()
    with pytest.raises(UserError, match="project.yaml"):
        project.save_settings(compose={"scale": "big"})
    with pytest.raises(UserError, match="project.yaml"):
        project.save_settings(steps=[{"NoSuchStep": {}}])
    assert project.yaml_path.read_bytes() == before

def test_unchanged_settings_leave_the_file_untouched(repo):
    project = Workspace.at(repo.path).project("kanji")
    stat = project.yaml_path.stat()
    project.save_settings(compose={}, steps=None)
    assert project.yaml_path.stat().st_mtime_ns == stat.st_mtime_ns
