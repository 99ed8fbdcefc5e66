"""A dataaug host's target_home is a person's working clone: over real SSH, their notebook, an
edited project.yaml, an untracked file and an edited augment.py there all survive compose and
build byte-identical. Compose and build work in the tool's own tree (target_home/.dlimgmgr/tree)."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from tests.helpers.buildkit import SIZE, add_profiles, build, make_project
from tests.helpers.repo import COPIED, _ignore
from dlimgmgr_tasks.lib import inflight
from tests.helpers.remotebuild import PYTHON

TREE = Path(inflight.TOOL_TREE)


def clone_into(repo, home: Path) -> None:
    """target_home as a person's clone of the repository: the same files, then their own work."""
    home.mkdir()
    for name in COPIED:
        src = repo.path / name
        if src.is_dir():
            shutil.copytree(src, home / name, ignore=_ignore)
        elif src.exists():
            shutil.copy2(src, home / name)


def persons_work(home: Path) -> None:
    close, icons = home / "projects" / "close", home / "projects" / "icons"
    (close / "notebooks" / "trying-blur.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, '
                                                          '"nbformat_minor": 5}\n')
    yaml_path = close / "project.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("margin: 8", "margin: 20   # mine: wider"))
    (icons / "project.yaml").write_text((icons / "project.yaml").read_text() + "# trying count 50 next\n")
    (icons / "augment.py").write_text("def augment(sample, rng):\n    yield sample   # my draft\n")
    (close / "master" / "sources" / "close_cut2.png").write_bytes(b"not yet a real cut\n")
    (home / "NOTES.md").write_text("untracked: what I tried today\n")


def files(home: Path) -> dict[str, bytes]:
    """Every file of the person's clone (the tool's own .dlimgmgr/ left out)."""
    out = {}
    for dirpath, dirs, names in os.walk(home):
        dirs[:] = [d for d in dirs if not (Path(dirpath) == home and d == ".dlimgmgr")]
        for name in names:
            path = Path(dirpath, name)
            out[path.relative_to(home).as_posix()] = path.read_bytes()
    return out


def test_a_persons_files_on_the_dataaug_host_survive_compose_and_build(repo, sshd, ssh_entry):
    add_profiles(repo, tiny=(SIZE, SIZE))
    make_project(repo, "icons", count=2)
    home = repo.path.parent / "dataaug0"
    clone_into(repo, home)
    persons_work(home)
    stale = home / "projects" / "icons" / f"{inflight.SHARE}0-dead"   # left by the old layout's killed build
    stale.mkdir()
    os.utime(stale, (time.time() - 4 * 3600,) * 2)
    before = {k: v for k, v in files(home).items() if not k.startswith(stale.relative_to(home).as_posix())}
    repo.write_hosts({"dataaug": ssh_entry(0, target_home=str(home), python=PYTHON)},
                     known_hosts=str(sshd.known_hosts))

    proc = repo.inv("dataaug.compose", "close", check=True)
    assert "8 carriers" in proc.stdout
    build(repo, "icons")
    build(repo, "icons", "--force")

    assert files(home) == before                                   # byte for byte, nothing added or gone
    assert not stale.exists()                                      # only the tool's own stale share went
    assert (home / TREE / "projects" / "icons" / "project.yaml").read_bytes() == \
        (repo.project("icons") / "project.yaml").read_bytes()      # the build read ours, in the tree
    assert len(list((repo.project("icons") / "build").glob("*.jpg"))) == 6


def test_the_tree_is_the_tools_and_git_ignores_it():
    from tests.helpers.repo import ROOT
    assert ".dlimgmgr/" in (ROOT / ".gitignore").read_text().split()
