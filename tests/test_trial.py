"""Notebook trials (lib/trial) without a kernel: what try_compose and try_recipe show is byte for
byte what compose and build then write for the same setting; the save step keeps project.yaml's
comments and order; Workspace.at reads invoke.yaml as `inv` does; new writes the notebook."""
from __future__ import annotations

import io
import json
import subprocess

import pytest
import yaml
from PIL import Image

from buildkit import GEOMETRIC, SIZE, add_profiles, build, make_project
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.workspace import Workspace

PNG = b"\x89PNG\r\n\x1a\n"


def comment_lines(text: str) -> list[str]:
    """Every comment in a YAML text, as written (full-line ones and those after a value)."""
    return [line[line.index("#"):].strip() for line in text.splitlines() if "#" in line]


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


def test_try_recipe_shows_the_bytes_build_then_writes(repo):
    add_profiles(repo, tiny=(SIZE, SIZE))
    make_project(repo, "icons", count=3)
    steps = [GEOMETRIC[0], {"HueSaturationValue": {"hue_shift_limit": 20, "p": 1.0}}]
    project = Workspace.at(repo.path).project("icons")
    sheet = project.try_recipe(steps, n=9, size=(SIZE, SIZE))
    assert len(sheet) == 9
    project.save_settings(steps=steps)
    build(repo, "icons")
    built = {p.read_bytes(): p for p in (repo.project("icons") / "build").glob("*.jpg")}
    for name, data in sheet.files.items():
        if name.endswith(".jpg"):
            assert data in built, f"{name}: no built image has these bytes"
            shown = voc.parse(sheet.files[name[:-4] + ".xml"]).objects
            assert voc.read(built[data].with_suffix(".xml")).objects == shown, name


def test_a_sheet_shows_inline_as_png_and_saves(repo, tmp_path):
    project = Workspace.at(repo.path).project("kanji")
    sheet = project.try_compose({}, n=4)
    png = sheet._repr_png_()
    assert png.startswith(PNG) and Image.open(io.BytesIO(png)).width > 400
    assert len(repr(sheet)) < 200                               # Jupyter's text form, never the bytes
    assert sheet.save(tmp_path / "out" / "k.png").read_bytes() == png
    assert sheet.coverage()._repr_png_().startswith(PNG)
    sources = project.show_sources()
    assert len(sources) == 4 and sources._repr_png_().startswith(PNG)


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


def test_workspace_at_reads_invoke_yaml_and_its_profile_as_inv_does(repo, monkeypatch):
    path = repo.path / "invoke.yaml"
    path.write_text(path.read_text().replace("profile: ssd", "profile: resnet34"))
    assert Workspace.at(repo.path).profile.name == "resnet34"
    assert Workspace.at(repo.path, {}).profile.name == "ssd"   # {}: the built-in defaults only
    monkeypatch.setenv("INVOKE_DLIMGMGR_PROFILE", "ssd")
    assert Workspace.at(repo.path).profile.name == "ssd"


def test_a_broken_invoke_yaml_is_one_line_naming_it(repo):
    (repo.path / "invoke.yaml").write_text("dlimgmgr: [1\n")
    with pytest.raises(UserError, match=r"invoke.yaml: not readable YAML"):
        Workspace.at(repo.path)


def test_new_writes_a_notebook_from_the_template(repo):
    repo.inv("dlimgmgr.new", "demo", check=True)
    path = repo.project("demo") / "notebooks" / "demo.ipynb"
    nb = json.loads(path.read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert 'ws.project("demo")' in code[0] and "$name" not in path.read_text()
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert any("save_settings" in c for c in code) and any("try_recipe" in c for c in code)


def _git(repo, *args):
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo.path,
                   check=True, capture_output=True)


def test_check_warns_about_a_committed_notebook_with_outputs(repo):
    nb = json.loads((repo.project("close") / "notebooks" / "close.ipynb").read_text())
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["profile ssd\n"]}]
    (repo.project("close") / "notebooks" / "tried.ipynb").write_text(json.dumps(nb))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "notebooks")
    proc = repo.inv("dlimgmgr.check")
    warned = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warned == [line for line in warned if "projects/close/notebooks/tried.ipynb" in line] and len(warned) == 1
    assert "committed with outputs in 1 cell(s)" in warned[0] and "nbstripout" in warned[0]
    assert proc.returncode == 0, proc.stderr                      # a warning, not a problem
