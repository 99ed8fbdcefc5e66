"""The dataaug role over SSH, shared by tests/ssh/test_remote_build.py, test_remote_verbs.py and
tests/faults/test_remote_build.py: the `remote` and `local_icons` fixtures (loaded through
pytest_plugins) and the python the "remote" hosts run.

The "remote" hosts are this machine behind a real sshd, so their `python:` is this checkout's
.venv python (an absolute path computed here, never committed).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.buildkit import SIZE, add_profiles, build, make_project, snapshot
from tests.helpers.leftovers import in_flight
from tests.helpers.repo import ROOT, make_repo

VENV_PYTHON = str(ROOT / ".venv" / "bin" / "python")
PYTHON = VENV_PYTHON if Path(VENV_PYTHON).exists() else sys.executable


@pytest.fixture(scope="module")
def local_icons(tmp_path_factory) -> dict:
    """`icons` (3 carriers x count 4) built on this machine alone: a snapshot of its build folder."""
    repo = make_repo(tmp_path_factory.mktemp("local"))
    add_profiles(repo, tiny=(SIZE, SIZE))
    make_project(repo, "icons", count=4)
    build(repo, "icons", "--jobs", "1")
    return snapshot(repo.project("icons") / "build")


@pytest.fixture
def remote(repo, sshd, ssh_entry):
    """repo with `icons` and a tiny profile; repo.use_remote(*overrides) makes dataaug SSH hosts
    (.2, .3, ...), an override "local" puts this machine's local host in that place."""
    add_profiles(repo, tiny=(SIZE, SIZE))
    make_project(repo, "icons", count=4)

    def use(*overrides, port=None):
        entries = []
        for i, extra in enumerate(overrides or ({}, {})):
            if extra == "local":
                entries.append({"host": "local"})
                continue
            e = ssh_entry(i, target_home=str(repo.path.parent / f"dataaug{i}"), python=PYTHON)
            e.update(extra)
            if port:
                e["port"] = port
            entries.append(e)
        repo.write_hosts({"dataaug": entries,
                          "imglabeling": {"host": "local", "target_home": str(repo.path.parent / "labeling")},
                          "pytorch": {"host": "local", "target_home": str(repo.path.parent / "pytorch")}},
                         known_hosts=str(sshd.known_hosts))
    repo.use_remote = use
    repo.icons = repo.project("icons") / "build"
    return repo



def leftovers(*folders: Path) -> list[str]:
    return in_flight(*folders, deep=True)
