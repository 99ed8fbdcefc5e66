"""The dataaug role over real SSH when hosts fail, and its other verbs: compose and prepare there.

Hosts and the `icons` project come from the fixtures of tests/helpers/remotebuild.py.
"""
from __future__ import annotations

import shutil

import pytest

from tests.helpers.buildkit import build, snapshot
from tests.helpers.remotebuild import leftovers

MISSING_PYTHON = {"python": "/nonexistent/bin/python3"}


def test_a_failing_hosts_share_is_redone_on_the_others(remote, local_icons):
    remote.use_remote({}, MISSING_PYTHON)
    build(remote, "icons")
    assert snapshot(remote.icons) == local_icons


def test_a_failing_host_is_one_warning_naming_it(remote, sshd):
    remote.use_remote({}, MISSING_PYTHON)
    proc = build(remote, "icons")
    warning = [ln for ln in proc.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warning) == 1 and f"role dataaug host {sshd.user}@{sshd.hosts[1]}:{sshd.port}" in warning[0]
    assert "redone on the other dataaug host" in warning[0]
    assert f"{sshd.hosts[0]}:{sshd.port}: 12 images" in proc.stdout


@pytest.fixture
def built_then_all_failing(remote):
    """icons built on two good hosts, then both hosts given a python that does not exist."""
    remote.use_remote()
    build(remote, "icons")
    before = snapshot(remote.icons, mtimes=True)
    remote.use_remote(MISSING_PYTHON, MISSING_PYTHON)
    return remote, before


def test_every_host_failing_is_one_line_naming_a_host(built_then_all_failing):
    repo, _ = built_then_all_failing
    proc = build(repo, "icons", "--force", check=False)
    err = [ln for ln in proc.stderr.splitlines() if ln.strip() and not ln.startswith("warning:")]
    assert len(err) == 1 and err[0].startswith("error: role dataaug host "), proc.stderr
    assert "previous build is untouched" in err[0]


def test_every_host_failing_leaves_the_previous_build_and_no_litter(built_then_all_failing):
    repo, before = built_then_all_failing
    build(repo, "icons", "--force", check=False)
    assert snapshot(repo.icons, mtimes=True) == before
    assert leftovers(repo.project("icons"), repo.path.parent / "dataaug0", repo.path.parent / "dataaug1") == []


def test_an_unreachable_single_host_is_one_line_and_changes_nothing(built_then_all_failing):
    repo, before = built_then_all_failing
    repo.use_remote({}, port=1)
    proc = build(repo, "icons", "--force", check=False)
    assert "connection refused" in proc.stderr and proc.stderr.count("error:") == 1
    assert snapshot(repo.icons, mtimes=True) == before


def _master_files(master) -> dict:
    return {p.relative_to(master).as_posix(): p.read_bytes() for p in sorted(master.rglob("*")) if p.is_file()}


@pytest.fixture
def composed_here(remote, tmp_path):
    """`close` composed on this machine: (its master files, compose's line); master then restored."""
    master = remote.project("close") / "master"
    original = tmp_path / "original-master"
    shutil.copytree(master, original)
    remote.write_hosts({"dataaug": {"host": "local"}})
    line = remote.inv("dataaug.compose", "close", "--profile", "tiny", check=True).stdout.strip()
    files = _master_files(master)
    shutil.rmtree(master)
    shutil.copytree(original, master)
    remote.use_remote({})
    return remote, master, files, line


def test_compose_on_a_remote_host_gives_the_local_bytes(composed_here):
    repo, master, files, _ = composed_here
    repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True)
    assert _master_files(master) == files


def test_compose_on_a_remote_host_prints_the_local_summary(composed_here):
    repo, _, _, line = composed_here
    proc = repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True)
    assert proc.stdout.strip().splitlines()[-1] == line


def test_composing_again_there_writes_nothing(composed_here):
    repo, master, files, _ = composed_here
    repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True)
    assert "0 written" in repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True).stdout
    assert _master_files(master) == files


def test_prepare_says_a_configured_python_is_ready(remote, sshd):
    remote.use_remote({}, MISSING_PYTHON)
    proc = remote.inv("dataaug.prepare", check=False)
    assert f"{sshd.hosts[0]}:{sshd.port}: python " in proc.stdout and "is ready" in proc.stdout


def test_prepare_names_a_configured_python_that_is_missing(remote):
    remote.use_remote({}, MISSING_PYTHON)
    proc = remote.inv("dataaug.prepare", check=False)
    assert "/nonexistent/bin/python3" in proc.stderr and proc.stderr.count("error:") == 1


def test_prepare_syncs_the_framework(remote):
    remote.use_remote({}, MISSING_PYTHON)
    remote.inv("dataaug.prepare", check=False)
    tree = remote.path.parent / "dataaug0" / ".dlimgmgr" / "tree"
    assert (tree / "dlimgmgr_tasks" / "lib" / "hostside" / "dataaug.py").is_file()


def test_a_compose_error_there_is_one_line_naming_the_ssh_host_once(remote, sshd):
    import yaml

    path = remote.project("close") / "project.yaml"
    data = yaml.safe_load(path.read_text())
    data["compose"]["distractors"] = {"count": [1, 2], "shapes": False, "folder": "master/none"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    remote.use_remote({})
    proc = remote.inv("dataaug.compose", "close", "--profile", "tiny", check=False)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].count("error:") == 1, proc.stderr
    assert lines[0].startswith(f"error: role dataaug host {sshd.user}@{sshd.hosts[0]}:{sshd.port}: "), lines[0]
    assert "failed (exit" not in lines[0] and "master/none" in lines[0]
