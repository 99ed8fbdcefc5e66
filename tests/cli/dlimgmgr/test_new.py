"""dlimgmgr.new: scaffolding a project from real source images; hostile names create nothing."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dlimgmgr_tasks.lib import projects, scaffold
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.repo import ROOT


def icon(path: Path, color, size=(32, 32), fmt=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, format=fmt)
    return path


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_new_with_sources(repo, tmp_path):
    a = icon(tmp_path / "in" / "Close Icon.PNG", "red")
    b = icon(tmp_path / "in" / "ok.jpeg", "blue", fmt="JPEG")
    c = icon(tmp_path / "in" / "日.png", "green")
    proc = repo.inv("dlimgmgr.new", "demo", "--source", str(a), "--source", str(b), "--source", str(c), check=True)
    assert "created projects/demo" in proc.stdout
    pdir = repo.project("demo")
    assert {p.name for p in (pdir / "master" / "sources").iterdir()} == {"close_icon.png", "ok.jpg", "日.png"}
    assert (pdir / "master" / "sources" / "ok.jpg").read_bytes() == b.read_bytes()  # copied, not re-encoded
    assert (pdir / "notebooks").is_dir() and (pdir / "README.md").read_text().startswith("# demo")
    project = projects.load(Workspace.at(repo.path), "demo")
    assert project.classes == ["close_icon", "ok", "日"]
    assert [project.source_class(s) for s in project.sources()] == ["close_icon", "ok", "日"]
    assert not [p for p in (repo.path / "projects").iterdir() if p.name.startswith(".")]  # no temp left
    # the new project passes check (nothing composed yet, nothing wrong)
    repo.inv("dlimgmgr.check", "--project", "demo", check=True)


def test_new_without_sources_uses_the_name_as_class(repo):
    repo.inv("dlimgmgr.new", "solo", check=True)
    project = projects.load(Workspace.at(repo.path), "solo")
    assert project.classes == ["solo"] and project.sources() == []


@pytest.mark.parametrize("name", ["x;touch PWNED", "../x", "A", "", "common", "a/b", "-"])
def test_hostile_or_bad_names_create_nothing(repo, name):
    before = tree(repo.path)
    proc = repo.inv("dlimgmgr.new", name, check=False)
    assert "error:" in proc.stderr
    assert tree(repo.path) == before
    assert not (repo.path / "PWNED").exists() and not (repo.path.parent / "x").exists()


def test_existing_project_and_unreadable_source_are_refused(repo, tmp_path):
    repo.inv("dlimgmgr.new", "demo", check=True)
    yaml_before = (repo.project("demo") / "project.yaml").read_bytes()
    good = icon(tmp_path / "good.png", "red")
    proc = repo.inv("dlimgmgr.new", "demo", "--source", str(good), check=False)
    assert "projects/demo: already exists" in proc.stderr
    assert (repo.project("demo") / "project.yaml").read_bytes() == yaml_before
    assert not (repo.project("demo") / "master" / "sources" / "good.png").exists()

    broken = tmp_path / "broken.jpg"
    broken.write_bytes(icon(tmp_path / "x.jpg", "red", fmt="JPEG").read_bytes()[:100])
    before = tree(repo.path)
    proc = repo.inv("dlimgmgr.new", "other", "--source", str(good), "--source", str(broken), check=False)
    assert "broken.jpg: not a readable image" in proc.stderr
    assert tree(repo.path) == before


def test_sanitising():
    assert scaffold.sanitise_name("Close Button (2)") == "close_button_2"
    assert scaffold.sanitise_name("日本") == "" and scaffold.sanitise_name("common") == ""
    assert scaffold.sanitise_class(" OK: Button ") == "ok_button"
    assert scaffold.sanitise_class("日") == "日"


def test_augment_template_follows_the_contract(tmp_path):
    """The scaffolded augment.py runs on a real sample: seeded, boxes inside, labels kept."""
    (tmp_path / "projects" / "common").mkdir(parents=True)
    os.symlink(ROOT / "projects" / "common" / "templates", tmp_path / "projects" / "common" / "templates")
    pdir = scaffold.create(Workspace.at(tmp_path), "aug")
    spec = importlib.util.spec_from_file_location("aug_augment", pdir / "augment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    image = np.full((64, 64, 3), 255, np.uint8)
    image[8:40, 8:40] = (200, 0, 0)
    sample = {"image": image, "boxes": [(8, 8, 40, 40)], "labels": ["aug"]}

    def take(seed, n=5):
        gen = module.augment(sample, np.random.default_rng(seed))
        return [next(gen) for _ in range(n)]

    first, again, other = take(7), take(7), take(8)
    for out in first:
        assert out["image"].shape == (64, 64, 3) and out["labels"] == ["aug"]
        (x0, y0, x1, y1), = out["boxes"]
        assert 0 <= x0 < x1 <= 64 and 0 <= y0 < y1 <= 64
    assert all(np.array_equal(a["image"], b["image"]) and a["boxes"] == b["boxes"] for a, b in zip(first, again))
    assert not all(np.array_equal(a["image"], b["image"]) for a, b in zip(first, other))


def test_new_refuses_a_generic_stem_and_takes_class(repo, tmp_path):
    """Every dl_image_manager icon is image.jpg: a class 'image' would be wrong without a word."""
    src = icon(tmp_path / "legacy" / "image.jpg", "red", fmt="JPEG")
    before = tree(repo.path)
    proc = repo.inv("dlimgmgr.new", "ru_close", "--source", str(src), check=False)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "image.jpg" in lines[0] and "--class" in lines[0], proc.stderr
    assert tree(repo.path) == before
    assert "--class" in repo.inv("--dry", "dlimgmgr.new", "ru_close", "--source", str(src), check=False).stderr
    out = repo.inv("--dry", "dlimgmgr.new", "ru_close", "--source", str(src), "--class", "close", check=True).stdout
    assert "image.jpg as close.jpg" in out and tree(repo.path) == before
    repo.inv("dlimgmgr.new", "ru_close", "--source", str(src), "--class", "close", check=True)
    project = projects.load(Workspace.at(repo.path), "ru_close")
    assert project.classes == ["close"]
    assert [s.name for s in project.sources()] == ["close.jpg"]
    assert [scaffold.is_generic_stem(s) for s in ("IMG_0042", "icon-2", "Screenshot 2024-01-01", "close", "日")] \
        == [True, True, True, False, False]
