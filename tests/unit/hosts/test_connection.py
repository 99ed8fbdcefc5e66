"""hosts.connection: every failure to open is one line naming role, host and fix. Real sockets on
loopback, no sshd: a closed port, a server that never greets, one that is not SSH."""
from __future__ import annotations

import socket
import threading

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts import connection
from dlimgmgr_tasks.lib.hosts.config import HostConfig


def _host(port, **kw):
    return HostConfig(role="dataaug", host="127.0.0.1", target_home="t", port=port, user="me", **kw)


@pytest.fixture
def listener():
    """listener(greeting) -> a loopback port whose server accepts and sends `greeting` (or nothing)."""
    socks, threads = [], []

    def make(greeting: bytes | None):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        socks.append(server)

        def serve():
            try:
                peer, _ = server.accept()
            except OSError:
                return
            socks.append(peer)
            if greeting:
                peer.sendall(greeting)
        threads.append(threading.Thread(target=serve, daemon=True))
        threads[-1].start()
        return server.getsockname()[1]
    yield make
    for s in socks:
        s.close()
    for t in threads:
        t.join(5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_closed_port_is_connection_refused(tmp_path):
    with pytest.raises(UserError, match=r"role dataaug host me@127\.0\.0\.1:\d+: connection refused; is sshd running"):
        connection.connect(_host(_free_port()), tmp_path / "known_hosts", timeout=2)


def test_a_silent_server_is_no_greeting_within_the_timeout(tmp_path, listener):
    port = listener(None)
    with pytest.raises(UserError, match=f"no SSH greeting from 127.0.0.1:{port} in 1 s"):
        connection.connect(_host(port), tmp_path / "known_hosts", timeout=1)


def test_a_server_that_is_not_ssh_is_named(tmp_path, listener):
    port = listener(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    with pytest.raises(UserError, match="127.0.0.1:.*(no SSH greeting|SSH failed)"):
        connection.connect(_host(port), tmp_path / "known_hosts", timeout=2)


def test_an_unset_password_env_is_named_before_connecting(tmp_path, monkeypatch):
    monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
    with pytest.raises(UserError, match="password_env NO_SUCH_PASSWORD is not set; export it"):
        connection.connection(_host(22, password_env="NO_SUCH_PASSWORD"), tmp_path / "known_hosts")


def test_a_connection_is_labelled_by_its_host_and_never_made_for_local(tmp_path):
    conn = connection.connection(_host(2222), tmp_path / "known_hosts")
    assert connection.label(conn) == "role dataaug host me@127.0.0.1:2222" and not conn.is_connected
    assert connection._trust_hint(_host(2222), tmp_path) == "inv dlimgmgr.trust 127.0.0.1 --port 2222"
    with pytest.raises(ValueError, match="is local"):
        connection.connection(HostConfig(role="dataaug", host="local", target_home=str(tmp_path)), tmp_path)


def test_failures_we_know_become_lines_others_stay_themselves(tmp_path):
    host = _host(22)
    line = connection._open_failure(host, tmp_path, 3, socket.gaierror("nope"))
    assert str(line) == "role dataaug host me@127.0.0.1:22: unknown host name '127.0.0.1'; fix host in the hosts file"
    assert "timed out connecting (3 s)" in str(connection._open_failure(host, tmp_path, 3, TimeoutError()))
    assert connection._open_failure(host, tmp_path, 3, ValueError("x")) is None
