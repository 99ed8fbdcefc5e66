"""scaffold: names and classes from free text, sources checked before anything is written, a new
project made from the templates in one rename (the `target` fixture: a workspace with the templates)."""
from __future__ import annotations

import os

import pytest
import yaml

from dlimgmgr_tasks.lib import projects, scaffold
from dlimgmgr_tasks.lib.errors import UserError


def test_names_and_classes_from_free_text():
    assert scaffold.sanitise_name("Café Logo (2)") == "cafe_logo_2"
    assert scaffold.sanitise_name("common") == "" and scaffold.sanitise_name("???") == ""
    assert scaffold.sanitise_class(" 閉じる Button ") == "閉じる_button"
    assert scaffold.check_class("Close") == "close"
    with pytest.raises(UserError, match=r"--class '\?\?' leaves no class name"):
        scaffold.check_class("??")


@pytest.mark.parametrize("stem,generic", [("image", True), ("IMG_0042", True), ("icon-2", True),
                                          ("Screenshot 2024-01-01", True), ("image_extended", True),
                                          ("close", False), ("close_button", False)])
def test_generic_stems_name_no_class(stem, generic):
    assert scaffold.is_generic_stem(stem) is generic


def test_source_extension_follows_the_content_not_the_name(tmp_path, jpeg, png):
    assert scaffold.source_extension(jpeg(tmp_path / "a.png")) == ".jpg"
    assert scaffold.source_extension(png(tmp_path / "b.jpg")) == ".png"
    (tmp_path / "c.jpg").write_bytes(b"not an image")
    with pytest.raises(UserError, match=r"c\.jpg: not a readable image"):
        scaffold.source_extension(tmp_path / "c.jpg")
    with pytest.raises(UserError, match=r"d\.jpg: no such file"):
        scaffold.source_extension(tmp_path / "d.jpg")
    from PIL import Image
    Image.new("RGB", (8, 8)).save(tmp_path / "e.gif")
    with pytest.raises(UserError, match="is a GIF image; convert it to png or jpg first"):
        scaffold.source_extension(tmp_path / "e.gif")


def test_plan_sources_numbers_clashes_and_refuses_a_generic_stem(tmp_path, jpeg, png):
    a, b = jpeg(tmp_path / "x/Close.jpg"), png(tmp_path / "y/close.png")
    assert [d for _, d in scaffold.plan_sources([a, b], {"close"})] == ["close_2.jpg", "close_3.png"]
    img = jpeg(tmp_path / "image.jpg")
    with pytest.raises(UserError, match="names no class .* with --class CLASS"):
        scaffold.plan_sources([img])
    assert [d for _, d in scaffold.plan_sources([img], source_class="far")] == ["far.jpg"]


def test_create_renders_the_templates_and_copies_the_sources(target, tmp_path, jpeg):
    src = jpeg(tmp_path / "close.jpg")
    pdir = scaffold.create(target, "demo", sources=[src])
    assert sorted(p.name for p in pdir.iterdir()) == ["README.md", "augment.py", "master", "notebooks", "project.yaml"]
    assert (pdir / "master/sources/close.jpg").read_bytes() == src.read_bytes()
    assert yaml.safe_load((pdir / "project.yaml").read_text())["classes"] == ["close"]
    assert projects.load(target, "demo").classes == ["close"]
    assert not [p for p in target.projects_dir.iterdir() if p.name.startswith(".")], "no staging folder left"


def test_create_refuses_a_taken_name_or_a_bad_source_and_leaves_nothing(target, tmp_path):
    (target.projects_dir / "demo").mkdir()
    with pytest.raises(UserError, match="projects/demo: already exists"):
        scaffold.create(target, "demo")
    (tmp_path / "bad.jpg").write_bytes(b"x")
    before = sorted(os.listdir(target.projects_dir))
    with pytest.raises(UserError, match=r"bad\.jpg: not a readable image"):
        scaffold.create(target, "other", sources=[tmp_path / "bad.jpg"])
    assert sorted(os.listdir(target.projects_dir)) == before


def test_a_missing_template_names_the_file(ws):
    with pytest.raises(UserError, match=r"templates/project\.yaml: template missing"):
        scaffold.create(ws, "demo")


def test_a_failed_staged_project_leaves_no_folder(ws):
    with pytest.raises(RuntimeError):
        with scaffold.staged_project(ws, "demo", ".new-", "taken") as tmp:
            (tmp / "file").write_text("x")
            raise RuntimeError("boom")
    assert list(ws.projects_dir.iterdir()) == []
