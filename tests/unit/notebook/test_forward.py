"""lib/notebook/forward.py: a local port carried to a loopback echo server, as `ssh -L` does (here
through LocalHost.forward, whose channel is a plain TCP connection); closing stops the listener."""
import socket
import threading

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.notebook.forward import Forward


@pytest.fixture
def echo():
    """A loopback server that sends back what it gets, upper-cased (so the answer is its own)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def one(conn):
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data.upper())

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    listener.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        got = b""
        while len(got) < len(data):
            got += s.recv(65536)
        return got


@pytest.mark.timeout(60)
def test_a_forwarded_port_carries_both_ways_and_closes(tmp_path, echo):
    host = LocalHost(HostConfig(role="dataaug", host="local", target_home=str(tmp_path)))
    assert host.forward(echo).port == echo                          # this machine's own port: no carrying
    with host.forward(echo, _free_port()) as fwd:
        assert isinstance(fwd, Forward) and fwd.port != echo
        assert _ask(fwd.port, b"hello") == b"HELLO"
        big = bytes(range(97, 123)) * 20000                          # many chunks, both ways
        assert _ask(fwd.port, big) == big.upper()
        port = fwd.port
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_busy_local_port_is_one_line(tmp_path, echo):
    host = LocalHost(HostConfig(role="dataaug", host="local", target_home=str(tmp_path)))
    with socket.create_server(("127.0.0.1", 0)) as busy:
        taken = busy.getsockname()[1]
        with pytest.raises(UserError, match=f"^127.0.0.1:{taken}: cannot listen there .*; pick another --port$"):
            host.forward(echo, taken)
