"""dlimgmgr.import: harvested images are added unless known by content (sha256), one project each with --each."""
from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from dlimgmgr_tasks.lib import harvest, hashing, projects
from dlimgmgr_tasks.lib.workspace import Workspace


def icon(path: Path, color, fmt=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 32), color).save(path, format=fmt)
    return path


def only_mine(repo):
    for p in (repo.path / "projects").iterdir():
        if p.name != "common":
            shutil.rmtree(p)


def line_for(stdout: str, name: str) -> str:
    found = [line for line in stdout.splitlines() if f" {name}: " in line]
    assert len(found) == 1, (name, stdout)
    return found[0]


def test_import_into_a_project(repo, tmp_path):
    only_mine(repo)
    known = icon(tmp_path / "src" / "close.png", "red")
    repo.inv("dlimgmgr.new", "tp", "--source", str(known), check=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(known, inbox / "again under another name.png")        # known by content
    icon(inbox / "Variant 2.png", "blue")                              # new
    shutil.copy(inbox / "Variant 2.png", inbox / "variant_copy.png")   # same content as the new one
    (inbox / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")  # refused
    (inbox / "notes.txt").write_text("captured on Tuesday")           # not an image: ignored
    (inbox / ".DS_Store").write_bytes(b"\0")                           # hidden: not looked at

    proc = repo.inv("dlimgmgr.import", str(inbox), "--project", "tp", check=False)
    out = proc.stdout
    assert line_for(out, "again under another name.png").startswith("skipped")
    assert "known as projects/tp/master/sources/close.png" in out
    assert line_for(out, "Variant 2.png").startswith("added") and "-> projects/tp/master/sources/variant_2.png" in out
    assert "known as projects/tp/master/sources/variant_2.png" in line_for(out, "variant_copy.png")
    assert line_for(out, "broken.jpg").startswith("refused") and "not a readable image" in out
    assert line_for(out, "notes.txt").startswith("ignored")
    assert ".DS_Store" not in out
    assert "1 image(s) refused" in proc.stderr

    sources = repo.project("tp") / "master" / "sources"
    assert sorted(p.name for p in sources.iterdir()) == ["close.png", "variant_2.png"]
    assert (sources / "variant_2.png").read_bytes() == (inbox / "Variant 2.png").read_bytes()
    # one class, so the new variant is pasted as it
    project = projects.load(Workspace.at(repo.path), "tp")
    assert [project.source_class(s) for s in project.sources()] == ["close", "close"]

    # a second harvest of the same folder minus the broken file adds nothing and exits 0
    (inbox / "broken.jpg").unlink()
    proc = repo.inv("dlimgmgr.import", str(inbox), "--project", "tp", check=True)
    assert "0 added, 3 skipped, 0 refused" in proc.stdout


def test_import_each_makes_one_project_per_new_image(repo, tmp_path):
    only_mine(repo)
    repo.inv("dlimgmgr.new", "close", "--source", str(icon(tmp_path / "close.png", "red")), check=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(tmp_path / "close.png", inbox / "old.png")             # known
    icon(inbox / "Close.png", "green")                                 # new; 'close' is taken
    icon(inbox / "Ad Button.JPG", "yellow", fmt="JPEG")                # new
    icon(inbox / "日本.png", "white")                                   # new; no ASCII in its name

    proc = repo.inv("dlimgmgr.import", str(inbox), "--each", check=True)
    assert line_for(proc.stdout, "old.png").startswith("skipped")
    assert "-> projects/close-2/master/sources/close.png" in line_for(proc.stdout, "Close.png")
    assert "-> projects/ad_button/master/sources/ad_button.jpg" in line_for(proc.stdout, "Ad Button.JPG")
    assert "-> projects/harvested/master/sources/日本.png" in line_for(proc.stdout, "日本.png")
    for name, classes in (("close-2", ["close"]), ("ad_button", ["ad_button"]), ("harvested", ["日本"])):
        project = projects.load(Workspace.at(repo.path), name)
        assert project.classes == classes and len(project.sources()) == 1
    repo.inv("dlimgmgr.check", check=True)


def test_import_refuses_bad_usage(repo, tmp_path):
    only_mine(repo)
    repo.inv("dlimgmgr.new", "tp", check=True)
    (tmp_path / "inbox").mkdir()
    assert "--project NAME" in repo.inv("dlimgmgr.import", str(tmp_path / "inbox"), check=False).stderr
    repo.inv("dlimgmgr.import", str(tmp_path / "inbox"), "--project", "tp", "--each", check=False)
    assert "not a folder" in repo.inv("dlimgmgr.import", str(tmp_path / "nope"), "--project", "tp",
                                      check=False).stderr
    assert "not found" in repo.inv("dlimgmgr.import", str(tmp_path / "inbox"), "--project", "zz",
                                   check=False).stderr


def test_known_sources_spans_every_project(tmp_path):
    for name, color in (("a", "red"), ("b", "blue")):
        icon(tmp_path / "projects" / name / "master" / "sources" / f"{name}.png", color)
    known = harvest.known_sources(Workspace.at(tmp_path))
    assert sorted(p.name for p in known.values()) == ["a.png", "b.png"]
    assert hashing.sha256_file(tmp_path / "projects" / "a" / "master" / "sources" / "a.png") in known


def test_import_class_names_generic_files(repo, tmp_path):
    """--class: a harvest of image.jpg files gets a class, not 'image'; without it --each refuses them."""
    only_mine(repo)
    inbox = tmp_path / "inbox"
    icon(inbox / "image.jpg", "red", fmt="JPEG")
    proc = repo.inv("dlimgmgr.import", str(inbox), "--each", check=False)
    assert line_for(proc.stdout, "image.jpg").startswith("refused") and "--class" in proc.stdout
    assert not [p for p in (repo.path / "projects").iterdir() if p.name != "common"]

    proc = repo.inv("dlimgmgr.import", str(inbox), "--each", "--class", "Close", check=True)
    assert "-> projects/close/master/sources/close.jpg" in line_for(proc.stdout, "image.jpg")
    assert projects.load(Workspace.at(repo.path), "close").classes == ["close"]

    # into a project: named after --class (or, in a one-class project, after that class)
    inbox2 = tmp_path / "inbox2"
    icon(inbox2 / "image.jpg", "blue", fmt="JPEG")
    icon(inbox2 / "IMG_0042.png", "green")
    proc = repo.inv("dlimgmgr.import", str(inbox2), "--project", "close", check=True)
    sources = sorted(p.name for p in (repo.project("close") / "master" / "sources").iterdir())
    assert sources == ["close.jpg", "close_2.png", "close_3.jpg"], proc.stdout
    icon(inbox2 / "photo.png", "yellow")
    proc = repo.inv("dlimgmgr.import", str(inbox2), "--project", "close", "--class", "close", check=True)
    assert "-> projects/close/master/sources/close_4.png" in line_for(proc.stdout, "photo.png")
    repo.inv("dlimgmgr.check", check=True)
