"""LocalHost: a role played by this machine (`host: local`), no SSH.

Commands run under `sh -c`; trees are copied into a temp folder beside their destination,
checked, then renamed into place, exactly as an SSH transfer lands. A consuming pull (`move`,
the source is removed afterwards anyway) of a tree on the destination's disk renames it -- the
whole folder in one rename when the destination does not exist yet -- instead of copying it.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .. import inflight
from ..errors import UserError
from . import parse_sha256s, sha256s_script
from .config import HostConfig
from .streams import copy_tree, failed


class LocalHost:
    def __init__(self, config: HostConfig):
        self.config = config
        self._home_made = False

    def __enter__(self) -> "LocalHost":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LocalHost {self.label}>"

    def close(self) -> None:
        pass

    @property
    def label(self) -> str:
        return self.config.label

    @property
    def home(self) -> str:
        home = self.config.target_home
        if not self._home_made:
            try:
                Path(home).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UserError(f"{self.label}: cannot make target_home {home} ({exc.strerror}); "
                                f"fix target_home in the hosts file or the folder's permissions") from None
            self._home_made = True
        return home

    @property
    def python(self) -> str:
        return shlex.quote(self.config.python_path or sys.executable)

    def path(self, *parts: str) -> str:
        return self.config.path(*parts)

    def quote(self, path: str) -> str:
        return shlex.quote(os.path.expanduser(str(path)))

    on_this_disk = True

    def same_tree(self, root: Path) -> bool:
        try:
            return os.path.samefile(os.path.expanduser(self.home), root)
        except OSError:
            return False

    def check_access(self) -> tuple[dict[str, str], str]:
        """Reaching this machine takes no network, no host key and no login."""
        return {"reachable": "ok", "key": "-", "auth": "-"}, ""

    def run(self, command: str, *, what: str | None = None, timeout: float | None = None,
            input: bytes | None = None) -> str:
        what = what or command.split()[0]
        try:
            res = subprocess.run(["sh", "-c", command], capture_output=True, timeout=timeout, input=input,
                                 stdin=None if input is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise UserError(f"{self.label}: {what} took longer than {timeout:g}s; stopped") from None
        out, err = res.stdout.decode(errors="replace"), res.stderr.decode(errors="replace")
        if res.returncode != 0:
            raise UserError(failed(self.label, what, res.returncode, err or out))
        return out

    def stream(self, command: str, *, env: dict | None = None) -> int:
        sys.stdout.flush()
        # Inherited stdout/stderr: the command's lines appear as it prints them.
        return subprocess.call(["sh", "-c", command], cwd=self.home, env={**os.environ, **(env or {})},
                               stdin=subprocess.DEVNULL)

    def push_tree(self, local_dir, dest: str, paths=None, replace: bool = False) -> dict[str, int]:
        return copy_tree(Path(local_dir), Path(os.path.expanduser(str(dest))), paths, replace)

    def pull_tree(self, src: str, local_dir, paths=None, replace: bool = False,
                  move: bool = False) -> None:
        src, dest = Path(os.path.expanduser(str(src))), Path(local_dir)
        if move and paths is None and (not replace or not dest.exists()) and _same_disk(src, dest):
            _move_files(src, dest)
        else:
            copy_tree(src, dest, paths, replace)

    def put_file(self, local, dest: str) -> None:
        dest = os.path.expanduser(str(dest))
        tmp = f"{os.path.dirname(dest)}/{inflight.part(os.path.basename(dest), os.getpid())}"
        try:
            shutil.copyfile(local, tmp)
            os.replace(tmp, dest)
        except OSError as exc:
            raise UserError(f"{self.label}: cannot write {dest} ({exc.strerror}); check target_home "
                            f"in the hosts file and the free space there") from None
        finally:
            Path(tmp).unlink(missing_ok=True)

    def sha256s(self, folder: str, *, prune: tuple[str, ...] = ()) -> dict[str, str] | None:
        out = self.run(sha256s_script(self.quote(folder), prune), what=f"listing {folder}")
        return parse_sha256s(out)

    def forward(self, remote_port: int, local_port: int = 0):
        """This machine's port needs no carrying; a different local_port is forwarded in-process."""
        if not local_port or int(local_port) == int(remote_port):
            return _Direct(int(remote_port))
        from ..notebook.forward import Forward
        return Forward(_LocalTransport(), remote_port, local_port, self.label)

    def cores(self) -> int:
        return self.config.jobs or os.cpu_count() or 1


class _Direct:
    def __init__(self, port: int):
        self.port = port

    def close(self) -> None:
        pass


class _LocalTransport:
    """Forward's `open_channel` as a plain TCP connection on this machine."""

    def open_channel(self, kind, dest, peer, timeout=None):
        import socket
        sock = socket.create_connection(dest, timeout=timeout)
        sock.settimeout(None)   # Forward waits with select
        return sock


def _same_disk(src: Path, dest: Path) -> bool:
    try:
        return src.is_dir() and src.stat().st_dev == (dest if dest.exists() else dest.parent).stat().st_dev
    except OSError:
        return False


def _move_files(src: Path, dest: Path) -> None:
    """Rename src's regular files into dest (merged, as copy_tree lands them); src goes."""
    try:
        if not dest.exists():   # nothing to merge with: one rename, not one per file
            os.rename(src, dest)
            return
        dest.mkdir(parents=True, exist_ok=True)
        for dirpath, dirs, files in os.walk(src):
            dirs.sort()
            rel = Path(dirpath).relative_to(src)
            (dest / rel).mkdir(exist_ok=True)
            for name in sorted(files):
                path = Path(dirpath, name)
                if path.is_file() and not path.is_symlink():
                    os.replace(path, dest / rel / name)
        shutil.rmtree(src, ignore_errors=True)
    except OSError as exc:
        raise UserError(f"{dest}: moving {src} there failed ({exc.strerror or exc}); fix the permissions "
                        f"and run it again") from None
