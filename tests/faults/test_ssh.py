"""Faults on a live SSH link, against the real sshd of tests/helpers/sshd.py: a link that freezes (a proxy
that stops moving bytes, sockets open), a host that never greets, Ctrl-C (a real SIGINT) in
the middle of a stream, a disk that fills (tmpfs) on either side, hostile file names. Each ends
in one line (UserError), within the host's timeout, the previous state intact."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts import streams
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.ssh import SshHost
from tests.helpers.freezeproxy import FreezeProxy
from tests.helpers.repo import ROOT
from tests.helpers.tmpfs import tmpfs
from tests.helpers.trees import jpeg_tree, leftovers, tree_bytes

TIMEOUT = 2.0
SLACK = 3.0     # thread start-up, the watchdog's step, a loaded CI machine


def entry(sshd, tmp_path, port=None, host=None, timeout=TIMEOUT) -> HostConfig:
    return HostConfig(role="pytorch", host=host or sshd.hosts[0], port=port or sshd.port, user=sshd.user,
                      key_file=str(sshd.client_key), target_home=str(tmp_path / "home"), timeout=timeout)


def known_hosts(sshd, tmp_path, port) -> Path:
    path = tmp_path / "proxy_known_hosts"
    path.write_text(f"[127.0.0.1]:{port} {sshd.host_key_line}\n")
    return path


@pytest.fixture
def proxy(sshd):
    with FreezeProxy((sshd.hosts[0], sshd.port)) as p:
        yield p


@pytest.fixture
def frozen_host(sshd, tmp_path, proxy):
    """An SshHost reached through the proxy, connected and answering."""
    with SshHost(entry(sshd, tmp_path, port=proxy.port, host="127.0.0.1"),
                 known_hosts(sshd, tmp_path, proxy.port)) as h:
        assert h.run("echo up").strip() == "up"
        yield h


def stalls_within_the_timeout(action) -> str:
    start = time.monotonic()
    with pytest.raises(UserError) as exc:
        action()
    assert time.monotonic() - start < TIMEOUT + SLACK
    line = str(exc.value)
    assert "\n" not in line and "role pytorch host" in line and f"no answer for {TIMEOUT:g} s while" in line
    return line


def test_a_frozen_link_ends_a_command_within_the_timeout(frozen_host, proxy):
    proxy.freeze()
    assert "while listing" in stalls_within_the_timeout(lambda: frozen_host.run("ls /", what="listing"))


def test_a_frozen_link_ends_a_push_within_the_timeout(frozen_host, proxy, tmp_path):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)
    proxy.freeze_after(1 << 20)
    line = stalls_within_the_timeout(lambda: frozen_host.push_tree(src, str(tmp_path / "dest" / "tree")))
    assert "while pushing" in line and not (tmp_path / "dest" / "tree").exists()


def test_a_frozen_link_ends_a_pull_within_the_timeout(frozen_host, proxy, tmp_path):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)
    back = tmp_path / "back" / "tree"
    proxy.freeze_after(1 << 20)
    assert "while pulling" in stalls_within_the_timeout(lambda: frozen_host.pull_tree(str(src), back))
    assert not back.exists() and leftovers(back.parent) == []


def test_a_host_that_never_greets_is_one_line_within_the_timeout(sshd, tmp_path):
    with FreezeProxy(None) as silent:
        start = time.monotonic()
        with pytest.raises(UserError, match=rf"no SSH greeting from 127.0.0.1:{silent.port} in 1 s"):
            SshHost(entry(sshd, tmp_path, port=silent.port, host="127.0.0.1", timeout=1),
                    known_hosts(sshd, tmp_path, silent.port)).run("true")
        assert time.monotonic() - start < 1 + SLACK


# The child: one SshHost through the proxy (long timeout: only Ctrl-C may end it), then a stream.
CHILD = """
import json, sys
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.ssh import SshHost
args = json.loads(sys.argv[1])
host = SshHost(HostConfig(**args["entry"]), args["known_hosts"])
host.run("true")
print("ready", flush=True)
try:
    if args["how"] == "put_file":
        host.put_file(args["src"], args["dest"])
    else:
        host.push_tree(args["src"], args["dest"])
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.mark.parametrize("how", ["put_file", "push_tree"])
def test_ctrl_c_on_a_frozen_stream_returns_within_two_seconds(sshd, tmp_path, proxy, how):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)
    big = tmp_path / "big.bin"
    big.write_bytes(b"".join(p.read_bytes() for p in sorted(src.rglob("*.jpg"))))
    cfg = entry(sshd, tmp_path, port=proxy.port, host="127.0.0.1", timeout=60)
    args = {"entry": {k: getattr(cfg, k) for k in ("role", "host", "port", "user", "key_file", "target_home",
                                                    "timeout")},
            "known_hosts": str(known_hosts(sshd, tmp_path, proxy.port)), "how": how,
            "src": str(big if how == "put_file" else src), "dest": str(tmp_path / "dest")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(args)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        proxy.freeze_after(1 << 20)
        assert proxy.frozen.wait(30)
        time.sleep(0.5)            # the child is now blocked on the frozen link
        start = time.monotonic()
        child.send_signal(signal.SIGINT)
        assert child.wait(10) == 130, child.stderr.read()
        assert time.monotonic() - start < 2.0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert not (tmp_path / "dest").exists()


def test_a_full_remote_disk_during_push_says_no_space_and_leaves_no_temp(sshd, tmp_path):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)
    with tmpfs(tmp_path / "disk", "1m") as disk, SshHost(entry(sshd, tmp_path), sshd.known_hosts) as h:
        with pytest.raises(UserError, match=r"receiving into .* failed .*No space left on device"):
            h.push_tree(src, str(disk / "tree"))
        assert list(disk.iterdir()) == []


def test_a_full_local_disk_during_pull_says_no_space_and_leaves_no_temp(sshd, tmp_path):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)
    with tmpfs(tmp_path / "disk", "1m") as disk, SshHost(entry(sshd, tmp_path), sshd.known_hosts) as h:
        with pytest.raises(UserError, match=r"this machine: tar extracting .* No space left on device"):
            h.pull_tree(str(src), disk / "tree")
        assert list(disk.iterdir()) == []


def test_a_full_remote_disk_during_put_file_says_no_space(sshd, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(3 << 20))
    with tmpfs(tmp_path / "disk", "1m") as disk, SshHost(entry(sshd, tmp_path), sshd.known_hosts) as h:
        with pytest.raises(UserError, match=r"cannot write .*No space left on device"):
            h.put_file(big, str(disk / "big.bin"))
        assert list(disk.iterdir()) == []


def test_file_names_starting_with_a_dash_are_carried_both_ways(sshd, tmp_path):
    src = tmp_path / "src"
    (src / "-d").mkdir(parents=True)
    (src / "-rf.jpg").write_bytes(b"one")
    (src / "-d" / "--help").write_bytes(b"two")
    with SshHost(entry(sshd, tmp_path), sshd.known_hosts) as h:
        h.push_tree(src, str(tmp_path / "remote"))
        h.pull_tree(str(tmp_path / "remote"), tmp_path / "back", paths=["-rf.jpg", "-d"])
    assert tree_bytes(tmp_path / "remote") == tree_bytes(src) == tree_bytes(tmp_path / "back")


def test_a_file_name_with_a_newline_is_refused_up_front_naming_it(sshd, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "two\nlines.jpg").write_bytes(b"x")
    with SshHost(entry(sshd, tmp_path), sshd.known_hosts) as h:
        with pytest.raises(UserError, match=r"two\\nlines.jpg.*line break cannot be sent") as exc:
            h.push_tree(src, str(tmp_path / "remote"))
    assert "\n" not in str(exc.value) and not (tmp_path / "remote").exists()


def test_a_remote_command_given_a_dash_path_is_not_read_as_an_option(sshd, tmp_path):
    (tmp_path / "-n").mkdir()
    with SshHost(entry(sshd, tmp_path), sshd.known_hosts) as h:
        assert h.sha256s(str(tmp_path / "-n")) == {}
        assert streams.qpath("-n") == "-n" and h.quote("~/-n") == '"$HOME"/-n'
