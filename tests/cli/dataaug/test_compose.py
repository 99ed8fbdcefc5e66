"""`inv dataaug.compose` in a copy of the repository: the sample projects, --profile, hostile names, chaining,
negative carriers through a build.

Carriers, boxes and the person-edit record (lib/compose/) are in tests/unit/compose/."""
from __future__ import annotations

import pytest
import yaml
from PIL import Image

from dlimgmgr_tasks.lib import projects, voc
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.composehelp import all_annotations, make_project


def test_sample_projects_are_composed_and_up_to_date(repo):
    proc = repo.inv("dataaug.compose", "close", "dataaug.compose", "kanji", check=True)
    assert "close: 8 carriers 400x400: 0 written, 8 unchanged" in proc.stdout
    assert "kanji: 8 carriers 400x400: 0 written, 8 unchanged" in proc.stdout
    for name, classes in (("close", {"close"}), ("kanji", {"yama", "kawa", "hi", "ki"})):
        pairs = projects.load(Workspace.at(repo.path), name).labelled_carriers()
        assert len(pairs) == 8
        seen = set()
        for image, xml in pairs:
            ann = voc.read(xml)
            assert Image.open(image).size == (ann.width, ann.height) == (400, 400)
            seen |= set(ann.labels)
        assert seen == classes


def test_profile_flag_makes_64x64_carriers(repo):
    proc = repo.inv("dataaug.compose", "close", "--profile", "resnet34", check=True)
    assert "close: 8 carriers 64x64: 8 written" in proc.stdout
    for image, xml in projects.load(Workspace.at(repo.path), "close").labelled_carriers():
        ann = voc.read(xml)
        assert Image.open(image).size == (64, 64) and (ann.width, ann.height) == (64, 64)
        for obj in ann.objects:  # the sample close has 0 (negatives) to 3 buttons per carrier
            assert 1 <= obj.xmin <= obj.xmax <= 64 and 1 <= obj.ymin <= obj.ymax <= 64
    proc = repo.inv("dataaug.compose", "close", "--profile", "yolo", check=False)
    assert "unknown profile 'yolo'" in proc.stderr


@pytest.mark.parametrize("name", ["x;touch PWNED", "../x", "nope"])
def test_hostile_or_missing_names_exit_1_and_create_nothing(repo, name):
    before = sorted(p.relative_to(repo.path) for p in repo.path.rglob("*"))
    proc = repo.inv("dataaug.compose", name, check=False)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("error: ") and "project" in proc.stderr
    assert sorted(p.relative_to(repo.path) for p in repo.path.rglob("*")) == before
    assert not (repo.path / "PWNED").exists() and not (repo.path.parent / "x").exists()


def test_compose_chains_with_the_next_task(repo):
    proc = repo.inv("dataaug.compose", "kanji", "dataaug.preview", "kanji", check=True)
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("kanji: 8 carriers") and lines[1].endswith("build/previews/kanji-master.png")


def test_negative_carriers_survive_a_build_that_keeps_negatives(repo):
    pdir = make_project(repo.path, "negs", compose={"count": 4, "negatives": 0.5, "placement": "anywhere"})
    data = yaml.safe_load((pdir / "project.yaml").read_text())
    data["recipe"] = {"negatives": True, "redraw_lost": True,
                      "steps": [{"RandomBrightnessContrast": {"brightness_limit": 0.1, "p": 1.0}}]}
    (pdir / "project.yaml").write_text(yaml.safe_dump(data))
    repo.inv("dataaug.compose", "negs", check=True)
    repo.inv("build", "--project", "negs", "--jobs", "1", check=True)
    built = all_annotations(pdir / "build")
    assert len(built) == 4 * 3 and sum(not a.objects for a in built) == 2 * 3
    assert "no problems" in repo.inv("dlimgmgr.check", "--project", "negs", check=True).stdout
