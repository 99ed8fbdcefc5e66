"""Deploy a mixed dataset to the pytorch role; roll it back; run the role's train_command.

`deploy(root, hosts_path, name=None)`: the newest mix in dist/ (by manifest mtime) or the named
one is copied into the role's target_home (temp name, then rename; SFTP for an SSH host);
everything after that runs ON the host through lib/unpack.py (standard library only: `python -`
with the script on stdin locally, uploaded and run with the host's python3 over SSH): the
sha256 is verified there against the manifest, every member is checked before anything is
written, and the dataset is unpacked beside the role's dataset_dir (default
target_home/datasets/<name>) and swapped in with renames, keeping the previous one as
<dataset_dir>.prev. `rollback` swaps the two back; `train` runs train_command there, its output
streamed as it comes.
"""
from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import UserError

STATE = ".dlimgmgr/deployed.json"     # under target_home: what was deployed where (for rollback)
UNPACK = Path(__file__).with_name("unpack.py")


class Role:
    """The pytorch role: `host: local` (this machine) or an SSH host (an opened, host-key-checked
    connection from lib/connections). The same four verbs serve both."""

    def __init__(self, root, hosts_path):
        from .hosts import load_hosts

        hosts = load_hosts(hosts_path, root=root)
        self.host = hosts.one("pytorch")
        self.known_hosts = hosts.known_hosts
        self.conn = None
        self._home = None

    def __enter__(self) -> "Role":
        if not self.host.is_local:
            from .hosts.connection import connect

            self.conn = connect(self.host, self.known_hosts)
        return self

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            self.conn.close()

    @property
    def label(self) -> str:
        return self.host.label

    def home(self) -> str:
        """target_home, made if missing; on an SSH host as an absolute path (SFTP expands no ~)."""
        if self._home is None:
            if self.conn is None:
                Path(self.host.target_home).mkdir(parents=True, exist_ok=True)
                self._home = self.host.target_home
            else:
                from .hosts.streams import qpath, run_remote

                q = qpath(self.host.target_home)
                self._home = run_remote(self.conn, f"mkdir -p {q} && cd {q} && pwd", what="target_home").strip()
        return self._home

    def put(self, local: Path, dest: str) -> None:
        """One file to `dest` there, through a temp name and a rename: never half a file."""
        tmp = f"{posixpath.dirname(dest)}/.{posixpath.basename(dest)}.part-{os.getpid()}"
        if self.conn is None:
            try:
                shutil.copyfile(local, tmp)
                os.replace(tmp, dest)
            except OSError as exc:
                raise UserError(f"{self.label}: cannot write {dest} ({exc.strerror}); check target_home "
                                f"in hosts.yaml and the free space there") from None
            finally:
                Path(tmp).unlink(missing_ok=True)
            return
        sftp = self.conn.sftp()
        try:
            sftp.put(str(local), tmp)
            sftp.posix_rename(tmp, dest)
        except OSError as exc:
            try:
                sftp.remove(tmp)
            except OSError:
                pass
            raise UserError(f"{self.label}: cannot write {dest} ({exc}); check target_home and the free space "
                            f"there") from None

    def unpack(self, *args: str) -> str:
        """Run lib/unpack.py there; its one-line result, or a UserError with its one-line error."""
        if self.conn is None:
            # `python -` with the script on stdin: exactly what the host gets, no package imports.
            proc = subprocess.run([sys.executable, "-", *args], input=UNPACK.read_bytes(), capture_output=True)
            code, out, err = proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
        else:
            from .hosts.streams import qpath

            script = f"{self.home()}/.dlimgmgr/unpack.py"
            self._mkdir(posixpath.dirname(script))
            self.put(UNPACK, script)
            python = self.host.python_path or "python3"
            res = self.conn.run(" ".join([qpath(python), qpath(script), *(qpath(a) for a in args)]),
                                hide=True, warn=True, in_stream=False)
            code, out, err = res.exited, res.stdout, res.stderr
        if code != 0:
            lines = err.strip().splitlines()
            line = next((ln for ln in reversed(lines) if ln.startswith("error: ")), lines[-1] if lines else "")
            raise UserError(f"{self.label}: {line.removeprefix('error: ') or f'unpack failed (exit {code})'}")
        return out.strip()

    def _mkdir(self, path: str) -> None:
        from .hosts.streams import qpath, run_remote

        run_remote(self.conn, f"mkdir -p {qpath(path)}", what="mkdir")

    def shell(self, command: str, env: dict) -> int:
        """Run a shell command in target_home there, its output streamed as it comes; its exit code."""
        home = self.home()
        sys.stdout.flush()
        if self.conn is None:
            # Inherited stdout/stderr: the trainer's lines appear as it prints them.
            return subprocess.call(command, shell=True, cwd=home, env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        from .hosts.streams import qpath

        exports = "".join(f"export {k}={qpath(v)}; " for k, v in env.items())
        return self.conn.run(f"cd {qpath(home)} && {exports}{command}", warn=True, pty=False, in_stream=False).exited


def find_manifest(root, name: str | None = None) -> Path:
    """dist/<name>.manifest.json, or the newest manifest in dist/ when no name is given."""
    dist = Path(root) / "dist"
    if name:
        from .mix import check_name

        path = dist / f"{check_name(name)}.manifest.json"
        if not path.is_file():
            known = sorted(p.name[: -len(".manifest.json")] for p in dist.glob("*.manifest.json")) if dist.is_dir() else []
            raise UserError(f"{path}: no mix named {name!r} (mixed: {', '.join(known) or 'none'}); "
                            f"run: inv mix --name {name}")
        return path
    found = sorted(dist.glob("*.manifest.json"), key=lambda p: p.stat().st_mtime) if dist.is_dir() else []
    if not found:
        raise UserError(f"{dist}: no mixed dataset yet; run: inv mix")
    return found[-1]


def read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name, sha256 = data["name"], data["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(f"{path}: unreadable manifest; mix again: inv mix") from None
    archive = path.with_name(f"{name}.tar.gz")
    if not archive.is_file():
        raise UserError(f"{archive}: missing (its manifest is {path.name}); mix again: inv mix --name {name}")
    return {**data, "archive_path": archive, "sha256": sha256}


def dataset_dir(host, name: str) -> str:
    return host.dataset_dir or host.path("datasets", name)


def deploy(root, hosts_path, name: str | None = None) -> str:
    """Ship the newest (or the named) mix to the pytorch role and swap it in; the line to print."""
    manifest = read_manifest(find_manifest(root, name))
    name = manifest["name"]
    with Role(root, hosts_path) as role:
        remote_archive = f"{role.home()}/{name}.tar.gz"
        role.put(manifest["archive_path"], remote_archive)
        return role.unpack("install", "--archive", remote_archive, "--sha256", manifest["sha256"], "--top", name,
                           "--dataset-dir", dataset_dir(role.host, name), "--state", f"{role.home()}/{STATE}")


def rollback(root, hosts_path) -> str:
    """Swap the role's dataset_dir and dataset_dir.prev (the last deploy's folder by default)."""
    with Role(root, hosts_path) as role:
        args = ["rollback", "--state", f"{role.home()}/{STATE}"]
        if role.host.dataset_dir:
            args += ["--dataset-dir", role.host.dataset_dir]
        return role.unpack(*args)


def train(root, hosts_path) -> None:
    """Run the role's train_command in target_home, its output streamed; a non-zero exit is a UserError.

    DLIMGMGR_DATASET_DIR is set to the folder the last deploy filled, when there was one."""
    with Role(root, hosts_path) as role:
        command = role.host.train_command
        if not command:
            raise UserError(f"{hosts_path}: roles.pytorch has no train_command; add one, "
                            f"e.g. train_command: cd ~/pytorch_ssd && ./run_learn.sh")
        env = {}
        try:
            env["DLIMGMGR_DATASET_DIR"] = json.loads(role.unpack("where", "--state", f"{role.home()}/{STATE}"))
        except (UserError, ValueError):
            pass
        rc = role.shell(command, env)
        if rc != 0:
            raise UserError(f"{role.label}: train_command exited with status {rc} (its output is above)")
