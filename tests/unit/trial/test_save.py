"""lib/trial/save.py: saving tried settings keeps project.yaml's comments and order, refuses a bad
setting, and leaves an unchanged file untouched."""
from __future__ import annotations


import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.trial.save import save_settings, updated_text
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


def test_updated_text_sets_keys_and_keeps_comments_and_flow_style():
    text = ("# the close button\nclasses: [close]\ncount: 4   # per carrier\n"
            "recipe:\n  steps:\n    - Affine: {rotate: [-5, 5], p: 0.9}\n")
    out = updated_text(text, "projects/x/project.yaml", compose={"scale": [1, 3]}, recipe={"min_visibility": 0.5},
                       top={"count": 6})
    assert out.startswith("# the close button\nclasses: [close]\ncount: 6   # per carrier\n")
    assert "    - Affine: {rotate: [-5, 5], p: 0.9}\n" in out and "  min_visibility: 0.5\n" in out
    assert "compose:\n  scale: [1, 3]\n" in out
    assert yaml.safe_load(out)["compose"] == {"scale": [1, 3]}
    assert updated_text(text, "p.yaml") == text                       # nothing to set: the same text


def test_a_project_yaml_that_is_not_yaml_is_one_line_naming_it():
    with pytest.raises(UserError, match=r"^projects/x/project.yaml: not valid YAML \(.*\); fix the file$"):
        updated_text("classes: [close\n", "projects/x/project.yaml", top={"count": 1})


def test_save_settings_writes_count_and_seed_and_returns_the_path(make_project):
    project = make_project("close")
    path = save_settings(project, count=7, seed=3)
    assert path == str(project.yaml_path) and project.config["count"] == 7
    assert yaml.safe_load(project.yaml_path.read_text())["seed"] == 3
