"""A read-only target_home on this machine (a real read-only mount: root writes anywhere else):
deploy and push end in one line naming the folder, exit 1, nothing changed."""
from __future__ import annotations

import subprocess

import pytest

from tests.helpers.deploydata import MIX
from tests.helpers.mixdata import make_build
from tests.helpers.oneline import one_line_error
from tests.helpers.tmpfs import tmpfs


@pytest.fixture
def readonly(tmp_path):
    with tmpfs(tmp_path / "ro", "4m") as disk:
        (disk / "home").mkdir()
        proc = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if proc.returncode:
            pytest.skip(f"cannot remount read-only: {proc.stderr.strip()}")
        yield disk / "home"


def test_deploy_to_a_read_only_target_home_is_one_line_naming_it(repo, readonly):
    make_build(repo.path, "alpha", ["cat"], 4)
    repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": {"host": "local", "target_home": str(readonly)}})
    line = one_line_error(repo.inv(*MIX, "--name", "ds", "deploy", check=False))
    assert "role pytorch host local" in line and str(readonly) in line and "Read-only file system" in line
    assert list(readonly.iterdir()) == []


def test_push_to_a_read_only_target_home_is_one_line_naming_it(repo, readonly):
    repo.write_hosts({"imglabeling": {"host": "local", "target_home": str(readonly)}})
    line = one_line_error(repo.inv("imglabeling.push", "close", check=False))
    assert str(readonly) in line and "Read-only file system" in line
    assert list(readonly.iterdir()) == []
