"""hosts.ssh without an sshd: an SshHost connects only on first use (a plan or a skipped build never
does), names and quotes paths as the other side reads them, and an unreachable host is one line.
Its commands and transfers over a real sshd are in tests/ssh/."""
from __future__ import annotations

import socket

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.ssh import SshHost


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(port=22, **kw):
    return HostConfig(role="dataaug", host="127.0.0.1", target_home="~/work", port=port, user="me", **kw)


def test_nothing_connects_until_used_and_paths_are_the_remote_ones(tmp_path):
    with SshHost(_config(python="venv/bin/python"), tmp_path / "known_hosts") as host:
        assert host._conn is None and repr(host) == "<SshHost role dataaug host me@127.0.0.1:22>"
        assert host.path("datasets", "m1") == "~/work/datasets/m1"
        assert host.quote("~/a b") == "\"$HOME\"/'a b'"
        assert host.python == '"$HOME"/work/venv/bin/python'   # under target_home, ~ left to the shell there
        assert not host.same_tree(tmp_path) and not host.on_this_disk
    assert host._conn is None, "closing a host never used opens nothing"


def test_an_unreachable_host_is_one_line_on_first_use_and_stays_unopened(tmp_path):
    host = SshHost(_config(_closed_port(), timeout=2), tmp_path / "known_hosts")
    with pytest.raises(UserError, match=r"role dataaug host me@127\.0\.0\.1:\d+: connection refused"):
        host.run("true")
    assert host._conn is None
    host.close()
