"""SshHost: a role played by another machine, reached over one host-key-checked SSH connection.

The connection opens on first use (so a plan or a skipped build never connects) and every
failure to open is one line naming role, host and the fix (lib.hosts.connection). Commands run
on their own session channel: stdin bytes are sent in bulk (never Invoke's byte-per-loop
in_stream), stdout and stderr are read by two threads so neither can block the other. Every
step is bounded (lib.hosts.channel): the host's `timeout` covers connect, greeting, login and
channel open, and a watchdog notices a link that stopped answering within it; Ctrl-C drops
the connection at once.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UserError
from . import parse_sha256s, sha256s_script
from .config import HostConfig
from .channel import exec_remote
from .connection import connection
from .streams import pull_tree, push_tree, put_file, qpath, run_remote


class SshHost:
    def __init__(self, config: HostConfig, known_hosts, timeout: float | None = None):
        self.config = config
        self.known_hosts = Path(known_hosts)
        self.timeout = timeout or config.timeout
        self._conn = None
        self._home = None

    def __enter__(self) -> "SshHost":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SshHost {self.label}>"

    @property
    def conn(self):
        """The opened Fabric connection (opened here, once)."""
        if self._conn is None:
            conn = connection(self.config, self.known_hosts, timeout=self.timeout)
            conn.open()
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def label(self) -> str:
        return self.config.label

    @property
    def home(self) -> str:
        """target_home as an absolute path there (SFTP expands no ~), made if missing."""
        if self._home is None:
            q = qpath(self.config.target_home)
            self._home = self.run(f"mkdir -p -- {q} && cd -- {q} && pwd", what="target_home").strip()
        return self._home

    @property
    def python(self) -> str:
        return qpath(self.config.python_path or "python3")

    def path(self, *parts: str) -> str:
        return self.config.path(*parts)

    def quote(self, path: str) -> str:
        return qpath(path)

    on_this_disk = False   # its files are on the other side of the link

    def same_tree(self, root: Path) -> bool:
        return False

    def check_access(self) -> tuple[dict[str, str], str]:
        """The SSH part of `inv dlimgmgr.hosts`: reach the host, compare the key it offers with
        known_hosts (nothing is added), log in; the connection stays open for what follows.
        ({"reachable", "key", "auth": "ok" | "FAIL" | "-"}, the first problem or "")."""
        from . import keys

        steps, host = dict.fromkeys(("reachable", "key", "auth"), "-"), self.config
        try:
            key = keys.fetch_host_key(host.host, host.port, timeout=self.timeout)
        except UserError as exc:
            steps["reachable"] = "FAIL"
            return steps, f"{self.label}: {str(exc).split(': ', 1)[-1]}"
        steps["reachable"] = "ok"
        recorded = keys.recorded_keys(self.known_hosts, host.host, host.port)
        if not any(k.get_name() == key.get_name() and k.asbytes() == key.asbytes() for k in recorded):
            changed = any(k.get_name() == key.get_name() for k in recorded)
            port = f" --port {host.port}" if host.port != 22 else ""
            steps["key"] = "FAIL"
            return steps, (f"{self.label}: host key {keys.fingerprint(key)} "
                           f"{'CHANGED from the one in' if changed else 'not in'} {self.known_hosts}; check it, "
                           f"then run: inv dlimgmgr.trust {host.host}{port}")
        steps["key"] = "ok"
        try:
            self.conn
        except UserError as exc:
            steps["auth"] = "FAIL"
            return steps, str(exc)
        steps["auth"] = "ok"
        return steps, ""

    # -- commands

    def run(self, command: str, *, what: str | None = None, timeout: float | None = None,
            input: bytes | None = None) -> str:
        return run_remote(self.conn, command, what=what, timeout=timeout, input=input)

    def stream(self, command: str, *, env: dict | None = None) -> int:
        """Run in target_home, its output copied here as it comes; its exit code."""
        exports = "".join(f"export {k}={qpath(v)}; " for k, v in (env or {}).items())
        sys.stdout.flush()
        sys.stderr.flush()
        cmd = f"cd -- {qpath(self.home)} && {exports}{command}"
        code, _, _ = exec_remote(self.conn, cmd, what=command.split()[0] if command.split() else "a command",
                                 out=sys.stdout.buffer, err=sys.stderr.buffer)
        return code

    # -- files

    def push_tree(self, local_dir, dest: str, paths=None, replace: bool = False) -> dict[str, int]:
        return push_tree(self.conn, local_dir, dest, paths=paths, replace=replace)

    def pull_tree(self, src: str, local_dir, paths=None, replace: bool = False,
                  move: bool = False) -> None:
        # move: the source may be consumed; a stream copies it either way and the caller removes it.
        pull_tree(self.conn, src, local_dir, paths=paths, replace=replace)

    def put_file(self, local, dest: str) -> None:
        put_file(self.conn, local, dest)

    def sha256s(self, folder: str, *, prune: tuple[str, ...] = ()) -> dict[str, str] | None:
        out = self.run(sha256s_script(qpath(folder), prune), what=f"listing {folder}")
        return parse_sha256s(out)

    def forward(self, remote_port: int, local_port: int = 0):
        """A listener on this machine's 127.0.0.1 carried over this connection to 127.0.0.1:remote_port
        there (lib.notebook.forward.Forward: `.port`, `.close()`)."""
        from ..notebook.forward import Forward
        return Forward(self.conn.transport, remote_port, local_port, self.label)

    def cores(self) -> int:
        if self.config.jobs:
            return self.config.jobs
        try:
            return max(1, int(self.run("nproc 2>/dev/null || echo 1", what="nproc").strip()))
        except ValueError:
            return 1
