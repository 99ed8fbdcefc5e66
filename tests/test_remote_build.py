"""The dataaug role over real SSH: compose and build on 127.0.0.2/.3, results byte-identical to local.

The "remote" hosts are this machine behind a real sshd, so their `python:` is this checkout's
.venv python (an absolute path computed here, never committed).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from test_build import add_profiles, make_project, snapshot

VENV_PYTHON = str(ROOT / ".venv" / "bin" / "python")
SIZE = 96


@pytest.fixture
def remote(repo, sshd, ssh_entry):
    """repo with a tiny profile; remote(hosts=[overrides...]) makes dataaug those SSH hosts."""
    add_profiles(repo, tiny=(SIZE, SIZE))
    python = VENV_PYTHON if Path(VENV_PYTHON).exists() else sys.executable

    def use(*overrides, port=None):
        entries = []
        for i, extra in enumerate(overrides or ({}, {})):
            e = ssh_entry(i, target_home=str(repo.path.parent / f"dataaug{i}"), python=python)
            e.update(extra)
            if port:
                e["port"] = port
            entries.append(e)
        repo.write_hosts({"dataaug": entries,
                          "imglabeling": {"host": "local", "target_home": str(repo.path.parent / "labeling")},
                          "pytorch": {"host": "local", "target_home": str(repo.path.parent / "pytorch")}},
                         known_hosts=str(sshd.known_hosts))
    repo.use_remote = use
    return repo


def use_local(repo):
    repo.write_hosts({"dataaug": {"host": "local"}})


def local_reference(repo) -> tuple[Path, dict]:
    """The test project `icons` built on this machine alone: its build folder and a snapshot."""
    make_project(repo, "icons", count=4)
    use_local(repo)
    repo.inv("build", "--project", "icons", "--jobs", "1", "--force", "--profile", "tiny", check=True)
    build = repo.project("icons") / "build"
    return build, snapshot(build)


def leftovers(*folders: Path) -> list[str]:
    return sorted(p.name for f in folders if f.exists() for p in f.rglob(".build.*") if p.name != ".build.lock")


def test_two_hosts_build_byte_identical_to_local_and_sync_only_changes(remote, sshd):
    repo = remote
    build, local = local_reference(repo)
    assert len([n for n in local if n.endswith(".jpg")]) == 12

    repo.use_remote()
    shutil.rmtree(build)
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", check=True)
    assert snapshot(build) == local            # fingerprint file included
    for host in sshd.hosts[:2]:                # both hosts did a share, after a full first sync
        assert f"host {sshd.user}@{host}:{sshd.port}: 6 images" in proc.stdout, proc.stdout
    first_sent = [int(line.split("synced, ")[1].split()[0]) for line in proc.stdout.splitlines() if "synced," in line]
    assert len(first_sent) == 2 and min(first_sent) > 20   # framework + project
    home = repo.path.parent / "dataaug0"
    assert (home / "projects" / "icons" / "project.yaml").is_file()
    assert not (home / "projects" / "icons" / "build").exists()
    assert leftovers(repo.project("icons"), home, repo.path.parent / "dataaug1") == []

    # Unchanged inputs, forced: nothing is sent again and the bytes are the same.
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", "--force", check=True)
    assert proc.stdout.count("synced, 0 file(s) sent, 0 removed") == 2, proc.stdout
    assert snapshot(build) == local

    # One master annotation changed and one carrier removed: one file sent, two removed, on each host.
    master = repo.project("icons") / "master"
    xml = master / "icons_c000.xml"
    xml.write_text(xml.read_text().replace("<pose>Unspecified</pose>", "<pose>Frontal</pose>"))
    (master / "icons_c002.jpg").unlink()
    (master / "icons_c002.xml").unlink()
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", check=True)
    assert proc.stdout.count("synced, 1 file(s) sent, 2 removed") == 2, proc.stdout
    assert not (home / "projects" / "icons" / "master" / "icons_c002.jpg").exists()
    remote_build = snapshot(build)
    use_local(repo)
    repo.inv("build", "--project", "icons", "--jobs", "1", "--force", "--profile", "tiny", check=True)
    assert snapshot(build) == remote_build and len(remote_build) == 2 * 8 + 1

    # An unforced unchanged build never connects: it succeeds with the hosts' port closed.
    repo.use_remote(port=1)
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", check=True)
    assert "icons: up to date (8 images), skipped" in proc.stdout


def test_a_failing_host_has_its_share_redone_and_all_failing_leaves_the_build(remote, sshd):
    repo = remote
    build, local = local_reference(repo)

    # .3 has a python that does not exist: its share is redone on .2, with a warning naming it.
    repo.use_remote({}, {"python": "/nonexistent/bin/python3"})
    shutil.rmtree(build)
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", check=True)
    assert snapshot(build) == local
    warning = [ln for ln in proc.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warning) == 1 and f"role dataaug host {sshd.user}@{sshd.hosts[1]}:{sshd.port}" in warning[0]
    assert "redone on the other dataaug host" in warning[0]
    assert f"{sshd.hosts[0]}:{sshd.port}: 12 images" in proc.stdout

    # Every host failing: exit 1, one line naming a host, the previous build exactly as it was.
    before = snapshot(build, mtimes=True)
    repo.use_remote({"python": "/nonexistent/bin/python3"}, {"python": "/nonexistent/bin/python3"})
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", "--force", check=False)
    err = [ln for ln in proc.stderr.splitlines() if ln.strip() and not ln.startswith("warning:")]
    assert len(err) == 1 and err[0].startswith("error: role dataaug host "), proc.stderr
    assert "previous build is untouched" in err[0]
    assert snapshot(build, mtimes=True) == before
    assert leftovers(repo.project("icons"), repo.path.parent / "dataaug0", repo.path.parent / "dataaug1") == []

    # An unreachable single host: one line, nothing changed.
    repo.use_remote({}, port=1)
    proc = repo.inv("build", "--project", "icons", "--profile", "tiny", "--force", check=False)
    assert "connection refused" in proc.stderr and proc.stderr.count("error:") == 1
    assert snapshot(build, mtimes=True) == before


def test_compose_on_a_remote_host_gives_the_local_bytes(remote, tmp_path):
    repo = remote
    master = repo.project("close") / "master"
    original = tmp_path / "original-master"
    shutil.copytree(master, original)
    use_local(repo)
    proc = repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True)
    local = {p.relative_to(master).as_posix(): p.read_bytes() for p in sorted(master.rglob("*")) if p.is_file()}
    local_summary = proc.stdout.strip()

    shutil.rmtree(master)
    shutil.copytree(original, master)
    repo.use_remote({})
    proc = repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True)
    got = {p.relative_to(master).as_posix(): p.read_bytes() for p in sorted(master.rglob("*")) if p.is_file()}
    assert got == local
    assert proc.stdout.strip().splitlines()[-1] == local_summary
    # Composed again there: nothing changes, nothing is written.
    proc = repo.inv("dataaug.compose", "close", "--profile", "tiny", check=True)
    assert "0 written" in proc.stdout
    assert {p.relative_to(master).as_posix(): p.read_bytes() for p in sorted(master.rglob("*")) if p.is_file()} == local


def test_prepare_checks_a_configured_python_and_syncs_the_framework(remote, sshd):
    repo = remote
    repo.use_remote({}, {"python": "/nonexistent/bin/python3"})
    proc = repo.inv("dataaug.prepare", check=False)
    assert f"{sshd.hosts[0]}:{sshd.port}: python " in proc.stdout and "is ready" in proc.stdout
    assert "/nonexistent/bin/python3" in proc.stderr and proc.stderr.count("error:") == 1
    assert (repo.path.parent / "dataaug0" / "dlimgmgr_tasks" / "lib" / "remote_build.py").is_file()
