"""One way to reach a host: `LocalHost` (this machine) and `SshHost` behind one small interface.

Every verb (compose, a build share, push, pull, deploy, rollback, train, the hosts check,
distribute-config, prepare) takes a `Host` and never asks where it runs, the way Invoke's
`Local` and Fabric's `Remote` are two runners behind one `Context.run`. `open_host` is the one
place that decides local or SSH, from a hosts.yaml entry.

    with ws.host("pytorch") as host:          # lib.workspace.Workspace
        host.run(f"ls {host.quote(host.path('datasets'))}", what="listing datasets")

  config.py      hosts.yaml and the secrets file -> HostsFile / HostConfig (validated)
  keys.py        known_hosts: fingerprints, the trust step, host keys never auto-added
  connection.py  a Fabric Connection with host-key checking and one-line failures
  streams.py     tar streams over an SSH channel (one stream per direction, verified)
  local.py       LocalHost
  ssh.py         SshHost
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .config import HostConfig, HostsFile, load_hosts

__all__ = ["Host", "HostConfig", "HostsFile", "load_hosts", "open_host", "parse_sha256s", "sha256s_script"]

MISSING = "<missing>"


class Host(Protocol):
    """What every verb may ask of a host. Paths are posix strings on that host."""

    config: HostConfig

    @property
    def label(self) -> str: ...            # how messages name it: "role pytorch host a@b:22"

    @property
    def home(self) -> str: ...             # target_home, absolute there, made if missing

    @property
    def python(self) -> str: ...           # its python as a shell word

    def path(self, *parts: str) -> str: ...   # a path under target_home

    def quote(self, path: str) -> str: ...    # a shell word for a path there

    # Whether what the host writes is on this machine's disk: a folder it made is taken with a
    # rename, not sent, so nobody needs the sha256 of its files (False over SSH).
    on_this_disk: bool

    def same_tree(self, root: Path) -> bool: ...   # target_home is the folder root itself, here

    def check_access(self) -> tuple[dict[str, str], str]: ...   # reachable/key/auth, first problem

    def run(self, command: str, *, what: str | None = None, timeout: float | None = None,
            input: bytes | None = None) -> str: ...            # stdout; UserError naming the host

    def stream(self, command: str, *, env: dict | None = None) -> int: ...   # output as it comes

    def push_tree(self, local_dir, dest: str, paths=None, replace: bool = False) -> dict[str, int]: ...

    # move: src may be consumed (renamed). Returns nothing: what came is in local_dir, and listing
    # a moved build share cost 1.9 KB of memory per image (56 MB for 30,000 images).
    def pull_tree(self, src: str, local_dir, paths=None, replace: bool = False,
                  move: bool = False) -> None: ...

    def put_file(self, local, dest: str) -> None: ...         # temp name, then rename

    def sha256s(self, folder: str, *, prune: tuple[str, ...] = ()) -> dict[str, str] | None: ...

    def cores(self) -> int: ...

    # A listener on this machine's 127.0.0.1 reaching 127.0.0.1:remote_port on the host (over SSH:
    # a direct-tcpip channel): `.port`, `.close()`.
    def forward(self, remote_port: int, local_port: int = 0): ...

    def close(self) -> None: ...


def sha256s_script(folder_word: str, prune: tuple[str, ...] = (), hidden: bool = False) -> str:
    """One listing command for both kinds of host: `sha256  ./path` NUL-separated for every file
    under the folder, dot files and folders (unless `hidden`) and the `prune` names (find -name
    patterns, or paths relative to the folder when they hold a '/') skipped; MISSING when the
    folder is not there."""
    import shlex

    tests = ([] if hidden else ["-name '.*'"]) + [
        f"-path {shlex.quote('./' + p)}" if "/" in p else f"-name {shlex.quote(p)}" for p in prune]
    pruned = f"\\( {' -o '.join(tests)} \\) -prune -o " if tests else ""
    return (f"d={folder_word}; if [ ! -d \"$d\" ]; then printf '%s' '{MISSING}'; exit 0; fi; cd \"$d\" && "
            f"find . -mindepth 1 {pruned}-type f -print0 | xargs -0 -r sha256sum -z")


def parse_sha256s(out: str) -> dict[str, str] | None:
    """The listing `sha256s_script` prints, as {relative posix path: sha256}."""
    if out == MISSING:
        return None
    listing = {}
    for entry in out.split("\0"):
        digest, sep, name = entry.partition("  ")
        if sep and len(digest) == 64:
            listing[name[2:] if name.startswith("./") else name] = digest
    return listing


def open_host(config: HostConfig, hosts: HostsFile, timeout: float | None = None) -> Host:
    """The Host for a hosts.yaml entry: the only place that tells local from SSH."""
    if config.is_local:
        from .local import LocalHost
        return LocalHost(config)
    from .ssh import SshHost
    return SshHost(config, hosts.known_hosts, timeout=timeout)
