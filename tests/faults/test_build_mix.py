"""Faults in a local build and mix, with real signals and real full disks: SIGKILL of the
orchestrator while its pool works (no orphan left running, none prints a traceback, the next run
cleans up and succeeds), a small tmpfs that fills under dist/ or a project's staging (one line
naming the path, the previous archive or build byte-identical, no temp), and Ctrl-C held across
a pair of renames by `files.no_interrupt`."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.helpers.buildkit import add_tiny_profiles, build, edit_yaml, make_project, snapshot
from tests.helpers.killkit import children, count_files, group_ends_within, sigkill, start_inv, stop_group
from tests.helpers.leftovers import in_flight
from tests.helpers.mixdata import PROFILE, make_build
from tests.helpers.oneline import one_line_error
from tests.helpers.signals import wait_for
from tests.helpers.tmpfs import tmpfs

from dlimgmgr_tasks.lib import files
from dlimgmgr_tasks.lib.hashing import sha256_file

ORPHANS_END = 5.0       # seconds the orphans of a killed orchestrator may take to go


@pytest.fixture
def tiny(repo):
    return add_tiny_profiles(repo)


def litter(pdir) -> list[str]:
    return in_flight(pdir)


def kill_a_build_mid_pool(repo, pdir, log):
    """Start a long `inv build --jobs 2`, SIGKILL only the orchestrator once its pool writes."""
    proc = start_inv(repo, log, "build", "--project", "icons", "--profile", "tiny", "--jobs", "2")
    try:
        wait_for(lambda: count_files([pdir], ".build.tmp-*/*.jpg") >= 20, 120, proc)
        sigkill(proc)
        return group_ends_within(proc.pid, ORPHANS_END)
    finally:
        stop_group(proc.pid)


@pytest.fixture
def killed_build(tiny, tmp_path):
    """icons built once (count 2), then a build of count 4000 SIGKILLed while its pool works."""
    pdir = make_project(tiny, "icons", count=2)
    build(tiny, "icons", "--jobs", "2")
    edit_yaml(pdir, lambda conf: conf.update(count=4000))
    log = tmp_path / "killed-build.err"
    ended = kill_a_build_mid_pool(tiny, pdir, log)
    return tiny, pdir, ended, log.read_text()


def test_the_orphans_of_a_killed_build_exit_within_seconds(killed_build):
    _, _, ended, err = killed_build
    assert ended, "a worker of the killed build was still running after a few seconds"


def test_the_orphans_of_a_killed_build_print_no_traceback(killed_build):
    _, _, _, err = killed_build
    assert "Traceback" not in err, err


def test_the_build_after_a_killed_one_removes_its_leftovers_and_succeeds(killed_build):
    repo, pdir, _, _ = killed_build
    edit_yaml(pdir, lambda conf: conf.update(count=3))
    build(repo, "icons", "--jobs", "2")
    assert litter(pdir) == []
    assert json.loads((pdir / "build" / ".fingerprint.json").read_text())["images"] == 9


def big_mix_builds(repo) -> None:
    """alpha and beta of 700 images each: more than two chunks, so the mix checks in a pool."""
    make_build(repo.path, "alpha", ["cat"], 700, size=(16, 16))
    make_build(repo.path, "beta", ["dog"], 700, size=(16, 16))
    edit_profile_size(repo, (16, 16))


def edit_profile_size(repo, size) -> None:
    import yaml
    path = repo.path / "invoke.yaml"
    conf = yaml.safe_load(path.read_text())
    conf["dlimgmgr"]["profiles"]["resnet34"]["size"] = list(size)
    path.write_text(yaml.safe_dump(conf, sort_keys=False))


def killed_mix(repo, err) -> bool:
    """A mix of two big builds SIGKILLed once its checkers run; whether its group ended in time."""
    big_mix_builds(repo)
    proc = start_inv(repo, err, "mix", *PROFILE, "--projects", "alpha,beta")
    try:
        wait_for(lambda: len(children(proc.pid)) >= 2, 120, proc)
        sigkill(proc)
        return group_ends_within(proc.pid, ORPHANS_END)
    finally:
        stop_group(proc.pid)


def test_no_checker_of_a_killed_mix_is_left_running(repo, tmp_path):
    assert killed_mix(repo, tmp_path / "mix.err"), "a checker of the killed mix is still running"
    assert "Traceback" not in (tmp_path / "mix.err").read_text()


def test_the_mix_after_a_killed_one_leaves_a_matching_pair(repo, tmp_path):
    killed_mix(repo, tmp_path / "mix.err")
    repo.inv("mix", *PROFILE, "--projects", "alpha,beta", check=True)
    dist = repo.path / "dist"
    manifest = json.loads((dist / "voc.manifest.json").read_text())
    assert manifest["sha256"] == sha256_file(dist / "voc.tar.gz")
    assert sorted(p.name for p in dist.iterdir()) == [".voc.lock", "voc.manifest.json", "voc.tar.gz"]


def test_a_full_disk_under_dist_is_one_line_and_keeps_the_previous_pair(repo, tmp_path):
    make_build(repo.path, "alpha", ["cat"], 4)
    make_build(repo.path, "beta", ["dog"], 120)
    with tmpfs(repo.path / "dist", "256k") as dist:
        repo.inv("mix", *PROFILE, "--projects", "alpha", check=True)
        before = snapshot(dist)
        proc = repo.inv("mix", *PROFILE, "--projects", "alpha,beta", check=False)
        line = one_line_error(proc)
        after = snapshot(dist)
    assert "No space left on device" in line and str(dist) in line, line
    assert after == before


def test_a_full_disk_under_the_staging_is_one_line_and_keeps_the_previous_build(tiny):
    pdir = tiny.project("icons")
    with tmpfs(pdir, "2m"):
        make_project(tiny, "icons", count=2)
        build(tiny, "icons", "--jobs", "2")
        before = snapshot(pdir / "build", mtimes=True)
        edit_yaml(pdir, lambda conf: conf.update(count=3000))
        proc = build(tiny, "icons", "--jobs", "2", check=False)
        line = one_line_error(proc)
        after, left = snapshot(pdir / "build", mtimes=True), litter(pdir)
    assert "No space left on device" in line and str(pdir) in line, line
    assert after == before and left == []


# The child: SIGINT itself inside a no_interrupt() block, then say whether both renames happened.
HELD = """
import os, signal, sys
from pathlib import Path
from dlimgmgr_tasks.lib import files
d = Path(sys.argv[1])
try:
    with files.no_interrupt():
        os.replace(d / "a.tmp", d / "a")
        os.kill(os.getpid(), signal.SIGINT)
        os.replace(d / "b.tmp", d / "b")
        print("after both renames", flush=True)
    print("not reached", flush=True)
except KeyboardInterrupt:
    print("interrupted after the block", flush=True)
    sys.exit(130)
"""


def test_a_sigint_inside_no_interrupt_arrives_after_both_renames(tmp_path):
    for name in ("a.tmp", "b.tmp"):
        (tmp_path / name).write_text(name)
    proc = subprocess.run([sys.executable, "-c", HELD, str(tmp_path)], cwd=files.__file__.rsplit("/dlimgmgr_tasks", 1)[0],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130, proc.stderr
    assert proc.stdout.splitlines() == ["after both renames", "interrupted after the block"]
    assert sorted(os.listdir(tmp_path)) == ["a", "b"]


def test_no_interrupt_restores_the_previous_sigint_handler(tmp_path):
    before = signal.getsignal(signal.SIGINT)
    with files.no_interrupt():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before
