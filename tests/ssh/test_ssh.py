"""Remote roles against a real OpenSSH sshd on 127.0.0.2-4 (tests/helpers/sshd.py): no mocks of SSH."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from dlimgmgr_tasks.lib.hosts import connection as connections, streams as transfer
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig as Host
from tests.helpers.oneline import one_line_error
from tests.helpers.trees import jpeg_tree, leftovers, tree_bytes


def host(sshd, i=0, **kw) -> Host:
    base = dict(role="dataaug", host=sshd.hosts[i], target_home="dlimgmgr", port=sshd.port, user=sshd.user,
                key_file=str(sshd.client_key))
    base.update(kw)
    return Host(**base)


# ------------------------------------------------------------------ inv dlimgmgr.hosts


def test_hosts_all_ok_over_ssh(ssh_repo, sshd):
    out = ssh_repo.inv("dlimgmgr.hosts", check=True).stdout
    rows = [ln.split() for ln in out.splitlines()[1:]]
    assert [r[0] for r in rows] == ["dataaug", "dataaug", "imglabeling", "pytorch"]
    for r in rows:
        assert r[2:6] == ["ok", "ok", "ok", "ok"], out
    assert rows[0][6].startswith("3.")           # dataaug's python answered with its version
    assert (ssh_repo.path.parent / "labeling").is_dir()   # target_home was made and written to


def test_hosts_with_empty_known_hosts_fails_cleanly(ssh_repo, tmp_path):
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    data = yaml.safe_load((ssh_repo.path / "hosts.yaml").read_text())
    ssh_repo.write_hosts(data["roles"], known_hosts=str(empty))
    proc = ssh_repo.inv("dlimgmgr.hosts", check=False)
    assert "4 of 4 host check(s) failed" in proc.stderr
    assert proc.stdout.count("inv dlimgmgr.trust 127.0.0.") == 4
    assert empty.read_text() == ""               # nothing was auto-added


def test_trust_shows_fingerprint_and_adds_only_when_confirmed(ssh_repo, sshd, tmp_path):
    known = tmp_path / "kh" / "known_hosts"
    data = yaml.safe_load((ssh_repo.path / "hosts.yaml").read_text())
    ssh_repo.write_hosts(data["roles"], known_hosts=str(known))
    proc = ssh_repo.inv("dlimgmgr.trust", "127.0.0.3", check=False)   # stdin closed: no answer = no
    assert sshd.fingerprint() in proc.stdout
    assert "key not added" in one_line_error(proc)
    assert not known.exists()
    proc = ssh_repo.inv("dlimgmgr.trust", "127.0.0.3", "--yes", check=True)  # port taken from the hosts file
    assert sshd.fingerprint() in proc.stdout
    assert known.read_text() == sshd.known_hosts_text(["127.0.0.3"])
    # Now exactly that host passes the key check; the others still do not.
    out = ssh_repo.inv("dlimgmgr.hosts", check=False).stdout
    rows = {r[1]: r for r in (ln.split() for ln in out.splitlines()[1:5])}
    assert rows[f"{sshd.user}@127.0.0.3:{sshd.port}"][3] == "ok"
    assert rows[f"{sshd.user}@127.0.0.4:{sshd.port}"][3] == "FAIL"
    assert "already trusted" in ssh_repo.inv("dlimgmgr.trust", "127.0.0.3", "--port", str(sshd.port), check=True).stdout


def test_changed_host_key_is_refused(sshd, tmp_path):
    other = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    known = tmp_path / "known_hosts"
    fake = " ".join(other.with_suffix(".pub").read_text().split()[:2])
    known.write_text(f"[{sshd.hosts[0]}]:{sshd.port} {fake}\n")
    with pytest.raises(UserError, match="host key CHANGED .*ssh-keygen -R") as exc:
        connections.connect(host(sshd), known)
    assert sshd.fingerprint() in str(exc.value)
    assert known.read_text().count("\n") == 1


def test_unreachable_port_is_one_line(ssh_repo, ssh_entry, sshd):
    import socket
    with socket.socket() as s:   # a port nobody listens on
        s.bind((sshd.hosts[0], 0))
        port = s.getsockname()[1]
    ssh_repo.write_hosts({"pytorch": ssh_entry(0, port=port)}, known_hosts=str(sshd.known_hosts))
    proc = ssh_repo.inv("dlimgmgr.hosts", check=False)
    assert f"role pytorch host {sshd.user}@{sshd.hosts[0]}:{port}: connection refused" in proc.stdout
    with pytest.raises(UserError, match="connection refused; is sshd running"):
        connections.connect(host(sshd, port=port), sshd.known_hosts)


# ------------------------------------------------------------------ passwords


def test_password_from_env_and_never_in_argv(ssh_repo, ssh_entry, password_user):
    s = password_user
    ssh_repo.write_hosts({"pytorch": ssh_entry(2, user=s.password_user, key_file=None, password_env="DLT_PASS",
                                               target_home=str(s.password_home / "pt"))},
                         known_hosts=str(s.known_hosts))
    ssh_repo.env["DLT_PASS"] = s.password
    proc = ssh_repo.inv("dlimgmgr.hosts", check=True)
    assert s.password not in proc.stdout + proc.stderr
    # While a password connection is open, no process on this machine carries it in its argv.
    h = host(s, 2, user=s.password_user, key_file=None, password_env="DLT_PASS", password=s.password)
    conn = connections.connect(h, s.known_hosts)
    try:
        assert transfer.run_remote(conn, "id -un").strip() == s.password_user
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
        assert s.password not in ps
        assert s.password not in repr(h) and s.password not in repr(conn)
    finally:
        conn.close()


def test_wrong_password_is_one_line_without_the_password(ssh_repo, ssh_entry, password_user):
    s = password_user
    ssh_repo.write_hosts({"pytorch": ssh_entry(2, user=s.password_user, key_file=None, password_env="DLT_PASS")},
                         known_hosts=str(s.known_hosts))
    ssh_repo.env["DLT_PASS"] = "not-" + s.password
    proc = ssh_repo.inv("dlimgmgr.hosts", check=False)
    assert "authentication refused (tried password from DLT_PASS)" in proc.stdout
    assert "not-" + s.password not in proc.stdout + proc.stderr
    proc = ssh_repo.inv("dlimgmgr.distribute-config", check=False)
    assert "authentication refused" in one_line_error(proc)
    assert "not-" + s.password not in proc.stdout + proc.stderr


def test_password_in_hosts_yaml_is_refused(ssh_repo, ssh_entry):
    ssh_repo.write_hosts({"pytorch": ssh_entry(0, password="hunter2-secret")})
    line = one_line_error(ssh_repo.inv("dlimgmgr.hosts", check=False))
    assert "roles.pytorch has a password" in line and "password_env" in line
    assert "hunter2-secret" not in line


def test_secrets_file_mode_enforced_and_used(ssh_repo, ssh_entry, password_user):
    s = password_user
    ssh_repo.write_hosts({"pytorch": ssh_entry(2, user=s.password_user, key_file=None, password_env="DLT_PASS",
                                               target_home=str(s.password_home / "cfg"))},
                         known_hosts=str(s.known_hosts))
    secrets = ssh_repo.path / "secrets.yaml"
    secrets.write_text(yaml.safe_dump({"DLT_PASS": s.password}))
    secrets.chmod(0o644)
    line = one_line_error(ssh_repo.inv("dlimgmgr.hosts", check=False))
    assert f"chmod 600 {secrets}" in line and s.password not in line
    secrets.chmod(0o600)
    ssh_repo.inv("dlimgmgr.hosts", check=True)
    # distribute-config puts both files in target_home, the secrets file 0600.
    out = ssh_repo.inv("dlimgmgr.distribute-config", check=True).stdout
    assert s.password not in out
    got = s.password_home / "cfg"
    assert (got / "hosts.yaml").read_bytes() == (ssh_repo.path / "hosts.yaml").read_bytes()
    assert (got / "secrets.yaml").stat().st_mode & 0o777 == 0o600
    assert (got / "secrets.yaml").stat().st_uid == __import__("pwd").getpwnam(s.password_user).pw_uid


# ------------------------------------------------------------------ transfers


def test_push_pull_tree_byte_identical(sshd, tmp_path):
    src = jpeg_tree(tmp_path / "src")
    conn = connections.connect(host(sshd, 1), sshd.known_hosts)
    try:
        remote = tmp_path / "remote" / "tree"
        sent = transfer.push_tree(conn, src, str(remote))
        assert len(sent) == 13 and tree_bytes(remote) == tree_bytes(src)
        back = tmp_path / "back"
        got = transfer.pull_tree(conn, str(remote), back, replace=True)
        assert got == sent and tree_bytes(back) == tree_bytes(src)
        # Only some paths, merged into an existing folder: others there stay.
        (back / "keep.txt").write_text("mine")
        (remote / "a" / "img_001.jpg").write_bytes(b"changed remotely")
        transfer.pull_tree(conn, str(remote), back, paths=["a/img_001.jpg"])
        assert (back / "a" / "img_001.jpg").read_bytes() == b"changed remotely"
        assert (back / "keep.txt").read_text() == "mine"
        assert leftovers(back.parent) == [] and leftovers(remote.parent) == []
        # A missing remote folder: one line, nothing created.
        with pytest.raises(UserError, match=r"role dataaug host .*: sending .* failed .*No such file"):
            transfer.pull_tree(conn, str(tmp_path / "nope"), tmp_path / "nope_back")
        assert not (tmp_path / "nope_back").exists()
    finally:
        conn.close()


def test_a_local_host_moves_trees_and_runs_commands_like_an_ssh_host(tmp_path):
    from dlimgmgr_tasks.lib.hosts.local import LocalHost

    src = jpeg_tree(tmp_path / "src", n=4)
    local = LocalHost(Host(role="dataaug", host="local", target_home=str(tmp_path)))
    local.push_tree(src, str(tmp_path / "dst"))
    local.pull_tree(str(tmp_path / "dst"), tmp_path / "back", replace=True)
    assert tree_bytes(tmp_path / "back") == tree_bytes(src)
    assert local.run("echo hi") == "hi\n"
    with pytest.raises(UserError, match="role dataaug host local: false failed"):
        local.run("false")


def _interrupt_after_first_chunk(n):
    raise KeyboardInterrupt   # as if the user pressed Ctrl-C mid-transfer


@pytest.mark.parametrize("direction", ["push", "pull"])
def test_interrupted_transfer_leaves_the_old_tree(sshd, tmp_path, direction):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)           # several MiB: more than one chunk
    assert sum(len(b) for b in tree_bytes(src).values()) > 3 * transfer.CHUNK
    old = tmp_path / "dest" / "tree"
    old.mkdir(parents=True)
    (old / "old.txt").write_text("previous good state")
    conn = connections.connect(host(sshd), sshd.known_hosts)
    try:
        with pytest.raises(KeyboardInterrupt):
            if direction == "push":
                transfer.push_tree(conn, src, str(old), replace=True, progress=_interrupt_after_first_chunk)
            else:
                transfer.pull_tree(conn, str(src), old, replace=True, progress=_interrupt_after_first_chunk)
    finally:
        conn.close()
    assert tree_bytes(old) == {"old.txt": b"previous good state"}
    deadline = time.monotonic() + 10     # the remote tar sees the stream end and cleans up
    while leftovers(old.parent) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftovers(old.parent) == []


def test_remote_tar_killed_midway_is_one_line_and_nothing_changes(sshd, tmp_path):
    src = jpeg_tree(tmp_path / "src", n=24, size=400)
    dest = tmp_path / "killdest" / "tree"
    dest.mkdir(parents=True)
    (dest / "old.txt").write_text("previous")
    killed = []

    def kill_remote_tar(n):
        if killed:
            return
        # The remote tar extracts into killdest/.tree.incoming.*: find it by its working folder.
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if args[0] == b"tar" and b"-xf" in args and str(dest.parent).encode() in b" ".join(args):
                    os.kill(int(pid), 9)
                    killed.append(pid)
        time.sleep(0.2)

    conn = connections.connect(host(sshd), sshd.known_hosts)
    try:
        with pytest.raises(UserError, match=r"role dataaug host .*: receiving into .* failed"):
            transfer.push_tree(conn, src, str(dest), replace=True, progress=kill_remote_tar)
    finally:
        conn.close()
    assert killed
    assert tree_bytes(dest) == {"old.txt": b"previous"}
    assert leftovers(dest.parent) == []
