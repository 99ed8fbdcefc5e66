"""Ctrl-C of a remote build, and a link that freezes during one: dataaug on the real sshd reached through a proxy
(tests/helpers/freezeproxy.py) that stops moving bytes once the host's workers run. `inv build` ends
within the hosts.yaml timeout with one line naming role, host and step; the previous build stays
byte-identical; the host's worker goes once its SSH session does. Ctrl-C returns within 2 s
and stops the host's workers and removes their share folder there."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.helpers.buildkit import SIZE, add_profiles, build, edit_yaml, make_project, snapshot
from tests.helpers.freezeproxy import FreezeProxy
from tests.helpers.killkit import count_files, start_inv, stop_group
from tests.helpers.signals import wait_for
from tests.helpers.remotebuild import PYTHON

TIMEOUT = 3.0
SLACK = 4.0     # the watchdog's step, closing the host, a loaded machine


def known_hosts(sshd, tmp_path, port: int):
    path = tmp_path / "proxy_known_hosts"
    path.write_text(f"[127.0.0.1]:{port} {sshd.host_key_line}\n")
    return path


def workers_in(folder) -> list[int]:
    """Processes whose working folder is inside `folder` (the host-side CLI runs in its home)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/cwd").startswith(str(folder)):
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture
def through_proxy(repo, sshd, ssh_entry, tmp_path):
    """icons built once (count 2) on one SSH dataaug host behind a FreezeProxy, then count 4000."""
    add_profiles(repo, tiny=(SIZE, SIZE))
    pdir = make_project(repo, "icons", count=2)
    home = tmp_path / "dataaug0"
    with FreezeProxy((sshd.hosts[0], sshd.port)) as proxy:
        entry = ssh_entry(0, host="127.0.0.1", port=proxy.port, target_home=str(home), python=PYTHON,
                          timeout=TIMEOUT)
        repo.write_hosts({"dataaug": [entry]}, known_hosts=str(known_hosts(sshd, tmp_path, proxy.port)))
        build(repo, "icons", "--jobs", "2")
        edit_yaml(pdir, lambda conf: conf.update(count=4000))
        yield repo, pdir, proxy, home

    wait_for(lambda: not workers_in(home), 15)


def freeze_a_running_build(repo, pdir, proxy, home, log):
    """Start the long build, freeze the link once the host writes; (seconds to exit, exit code)."""
    proc = start_inv(repo, log, "build", "--project", "icons", "--profile", "tiny", "--jobs", "2")
    try:
        wait_for(lambda: count_files([home / ".dlimgmgr" / "tree" / "projects" / "icons"], ".build.tmp-share-*/*.jpg") >= 20, 120, proc)
        proxy.freeze()
        start = time.monotonic()
        code = proc.wait(TIMEOUT * 3 + 30)
        return time.monotonic() - start, code
    finally:
        stop_group(proc.pid)


def test_a_frozen_link_ends_a_remote_build_within_the_timeout_in_one_line(through_proxy, tmp_path, sshd):
    repo, pdir, proxy, home = through_proxy
    seconds, code = freeze_a_running_build(repo, pdir, proxy, home, tmp_path / "build.err")
    err = (tmp_path / "build.err").read_text()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 1 and len(lines) == 1 and "Traceback" not in err, err
    assert seconds < TIMEOUT + SLACK, (seconds, err)
    assert f"role dataaug host {sshd.user}@127.0.0.1:{proxy.port}" in lines[0], err
    assert f"no answer for {TIMEOUT:g} s while the build" in lines[0], err


def test_a_frozen_link_during_a_remote_build_keeps_the_previous_build(through_proxy, tmp_path):
    repo, pdir, proxy, home = through_proxy
    before = snapshot(pdir / "build", mtimes=True)
    freeze_a_running_build(repo, pdir, proxy, home, tmp_path / "build.err")
    assert snapshot(pdir / "build", mtimes=True) == before
    assert not [p.name for p in pdir.iterdir() if p.name.startswith((".build.tmp-", ".build.old-"))]


def interrupt_a_running_build(repo, pdir, home, log):
    """Start the long build, SIGINT the orchestrator once the host writes; (seconds to exit, exit code)."""
    proc = start_inv(repo, log, "build", "--project", "icons", "--profile", "tiny", "--jobs", "2")
    try:
        wait_for(lambda: count_files([home / ".dlimgmgr" / "tree" / "projects" / "icons"], ".build.tmp-share-*/*.jpg") >= 20, 120, proc)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(30)
        return time.monotonic() - start, code
    finally:
        stop_group(proc.pid)


def test_ctrl_c_of_a_remote_build_returns_within_two_seconds_in_one_line(through_proxy, tmp_path):
    repo, pdir, _, home = through_proxy
    seconds, code = interrupt_a_running_build(repo, pdir, home, tmp_path / "build.err")
    err = (tmp_path / "build.err").read_text()
    assert code == 130 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert seconds < 2.0, (seconds, err)


def test_ctrl_c_of_a_remote_build_stops_the_hosts_workers_and_removes_their_share(through_proxy, tmp_path):
    repo, pdir, _, home = through_proxy
    before = snapshot(pdir / "build", mtimes=True)
    interrupt_a_running_build(repo, pdir, home, tmp_path / "build.err")
    wait_for(lambda: not workers_in(home), 5)
    wait_for(lambda: not count_files([home / ".dlimgmgr" / "tree" / "projects" / "icons"], ".build.tmp-share-*"), 5)
    assert snapshot(pdir / "build", mtimes=True) == before
