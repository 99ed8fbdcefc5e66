"""Deploy a mixed dataset to the pytorch role; roll it back; run the role's train_command.

`deploy(root, hosts_path, name=None)`: the newest mix in dist/ (by manifest mtime) or the named
one is copied into the role's target_home (temp name, then rename); everything after that runs
ON the host through lib/unpack.py (standard library only, sent as `python3 - install ...`):
the sha256 is verified there against the manifest, every member is checked before anything is
written, and the dataset is unpacked beside the role's dataset_dir (default
target_home/datasets/<name>) and swapped in with renames, keeping the previous one as
<dataset_dir>.prev. `rollback` swaps the two back; `train` runs train_command there, its output
streamed as it comes.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import UserError

STATE = ".dlimgmgr/deployed.json"     # under target_home: what was deployed where (for rollback)
UNPACK = Path(__file__).with_name("unpack.py")


def pytorch_host(root, hosts_path):
    """The pytorch role's entry of hosts.yaml (lib/hosts: validated, local paths expanded)."""
    from .hosts import load_hosts

    return load_hosts(hosts_path, root=root).one("pytorch")


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


def _local_only(host) -> None:
    if not host.is_local:
        raise UserError(f"{host.label}: deploying to an SSH host is not wired yet; "
                        f"set roles.pytorch.host: local in hosts.yaml for now")


def run_unpack(host, *args: str) -> str:
    """Run lib/unpack.py ON the host (`python - ARGS`, the script on stdin); its one-line result."""
    _local_only(host)
    proc = subprocess.run([sys.executable, "-", *args], input=UNPACK.read_bytes(), capture_output=True)
    out = proc.stdout.decode(errors="replace").strip()
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        line = next((line for line in reversed(err) if line.startswith("error: ")), err[-1] if err else "")
        raise UserError(f"{host.label}: {line.removeprefix('error: ') or f'unpack failed (exit {proc.returncode})'}")
    return out


def upload(host, archive: Path, name: str) -> str:
    """Copy the archive into target_home under a temp name, then rename it: never half a file."""
    _local_only(host)
    home = Path(host.target_home)
    home.mkdir(parents=True, exist_ok=True)
    dest = home / f"{name}.tar.gz"
    tmp = home / f".{name}.tar.gz.part-{os.getpid()}"
    try:
        shutil.copyfile(archive, tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        raise UserError(f"{host.label}: cannot write {dest} ({exc.strerror}); check target_home in hosts.yaml") from None
    finally:
        tmp.unlink(missing_ok=True)
    return str(dest)


def deploy(root, hosts_path, name: str | None = None) -> str:
    """Ship the newest (or the named) mix to the pytorch role and swap it in; the line to print."""
    manifest = read_manifest(find_manifest(root, name))
    host = pytorch_host(root, hosts_path)
    name = manifest["name"]
    remote_archive = upload(host, manifest["archive_path"], name)
    return run_unpack(host, "install", "--archive", remote_archive, "--sha256", manifest["sha256"],
                      "--top", name, "--dataset-dir", dataset_dir(host, name), "--state", host.path(STATE))


def rollback(root, hosts_path) -> str:
    """Swap the role's dataset_dir and dataset_dir.prev (the last deploy's folder by default)."""
    host = pytorch_host(root, hosts_path)
    args = ["rollback", "--state", host.path(STATE)]
    if host.dataset_dir:
        args += ["--dataset-dir", host.dataset_dir]
    return run_unpack(host, *args)


def train(root, hosts_path) -> None:
    """Run the role's train_command in target_home, its output streamed; non-zero exit is a UserError."""
    host = pytorch_host(root, hosts_path)
    if not host.train_command:
        raise UserError(f"{hosts_path}: roles.pytorch has no train_command; add one, "
                        f"e.g. train_command: cd ~/pytorch_ssd && ./run_learn.sh")
    _local_only(host)
    home = Path(host.target_home)
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    try:
        env["DLIMGMGR_DATASET_DIR"] = json.loads((home / STATE).read_text())["dataset_dir"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    sys.stdout.flush()
    # Inherited stdout/stderr: the trainer's lines appear as it prints them, nothing is buffered here.
    rc = subprocess.call(host.train_command, shell=True, cwd=home, env=env, stdin=subprocess.DEVNULL)
    if rc != 0:
        raise UserError(f"{host.label}: train_command exited with status {rc} (its output is above)")
