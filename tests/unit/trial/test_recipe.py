"""lib/trial/recipe.py: what try_recipe shows is byte for byte what the build then writes."""
from __future__ import annotations

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.trial.recipe import try_recipe
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.buildkit import GEOMETRIC, SIZE, add_profiles, build, make_project

PNG = b"\x89PNG\r\n\x1a\n"


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


def test_a_project_without_labelled_carriers_says_how_to_make_them(make_project, png):
    project = make_project("fresh")
    png(project.dir / "master" / "sources" / "fresh.png")
    sheet = try_recipe(project, [GEOMETRIC[0]], n=4, size=(64, 48))
    assert len(sheet) == 0 and sheet.files == {}
    assert sheet.title == "fresh: no labelled carriers yet; make them: inv dataaug.compose fresh"
