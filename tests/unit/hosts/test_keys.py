"""lib/hosts/keys.py: known_hosts names, ssh-keygen fingerprints, the trust step."""
import shutil
import socket
import subprocess

import paramiko
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts import keys


@pytest.fixture(scope="module")
def key():
    return paramiko.ECDSAKey.generate()


def test_known_hosts_name():
    assert keys.known_hosts_name("h", 22) == "h"
    assert keys.known_hosts_name("10.0.0.1", 2222) == "[10.0.0.1]:2222"


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")
def test_fingerprint_is_what_ssh_keygen_prints(key, tmp_path):
    pub = tmp_path / "k.pub"
    pub.write_text(f"{key.get_name()} {key.get_base64()}\n")
    out = subprocess.run(["ssh-keygen", "-lf", str(pub)], capture_output=True, text=True, timeout=60).stdout
    assert out.split()[1] == keys.fingerprint(key)


def test_add_then_recorded_and_replacing_the_same_type(key, tmp_path):
    kh = tmp_path / "ssh" / "known_hosts"
    assert keys.recorded_keys(kh, "h", 2222) == []
    kh.parent.mkdir()
    kh.write_text("other ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")  # no newline
    kh.chmod(0o600)
    keys.add_known_host(kh, "h", 2222, key)
    lines = kh.read_text().splitlines()
    assert lines[0].startswith("other ") and lines[1] == f"[h]:2222 {key.get_name()} {key.get_base64()}"
    assert kh.stat().st_mode & 0o777 == 0o600                 # its mode is kept
    assert [k.get_base64() for k in keys.recorded_keys(kh, "h", 2222)] == [key.get_base64()]
    assert keys.recorded_keys(kh, "h", 22) == []
    newer = paramiko.ECDSAKey.generate()
    keys.add_known_host(kh, "h", 2222, newer)                 # a changed key replaces the old one
    assert [k.get_base64() for k in keys.recorded_keys(kh, "h", 2222)] == [newer.get_base64()]
    assert len(kh.read_text().splitlines()) == 2


def test_fetch_from_a_closed_port_is_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]      # bound, never listening: refused
    with pytest.raises(UserError, match=rf"host 127.0.0.1:{port}: connection refused; is sshd running there"):
        keys.fetch_host_key("127.0.0.1", port, timeout=5)


def test_fetch_from_something_that_is_not_ssh(tmp_path):
    # A server that greets with HTTP and closes: the handshake fails in one line.
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def answer():
        conn, _ = srv.accept()
        conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
        conn.close()
    t = threading.Thread(target=answer, daemon=True)
    t.start()
    try:
        with pytest.raises(UserError, match="SSH handshake failed .*is it an SSH server"):
            keys.fetch_host_key("127.0.0.1", srv.getsockname()[1], timeout=5)
    finally:
        t.join(10)
        srv.close()
