"""The `repo` fixture: a throw-away copy of the repository and a way to run `inv` in it.

Tests run the real `inv` command (a subprocess, as a user would) against a copy, so the
checkout's projects/ and dist/ are never touched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

COPIED = ("tasks.py", "invoke.yaml", "dlimgmgr_tasks", "projects", "requirements.txt")


def _ignore(dirpath, names):
    # Generated folders and caches never travel with the copy.
    skip = {"__pycache__", ".pytest_cache"}
    if Path(dirpath).parent.name == "projects" or Path(dirpath).name == "projects":
        skip |= {"build"}
    return [n for n in names if n in skip or n.endswith(".pyc")]


@dataclass
class Repo:
    path: Path
    env: dict

    def inv(self, *args: str, check: bool | None = None, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
        """Run `inv ARGS` in the copy. check=True asserts exit 0, check=False asserts exit 1."""
        proc = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=self.path, env=self.env,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
        if check is True:
            assert proc.returncode == 0, f"inv {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
        elif check is False:
            assert proc.returncode == 1, f"inv {' '.join(args)} gave {proc.returncode}, expected 1:\n{proc.stdout}\n{proc.stderr}"
            assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
        return proc

    def project(self, name: str) -> Path:
        return self.path / "projects" / name

    def write_hosts(self, roles: dict, **extra) -> Path:
        path = self.path / "hosts.yaml"
        path.write_text(yaml.safe_dump({**extra, "roles": roles}, sort_keys=False))
        return path


@pytest.fixture
def repo(tmp_path) -> Repo:
    """A copy of the repository whose roles are all local, with homes inside tmp_path."""
    return make_repo(tmp_path)


def make_repo(tmp_path: Path) -> Repo:
    """The `repo` fixture's copy under tmp_path (for fixtures of a wider scope)."""
    dest = tmp_path / "repo"
    dest.mkdir()
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=_ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    env = {**os.environ, "HOME": str(tmp_path / "home"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DLIMGMGR_HOSTS_FILE", None)
    (tmp_path / "home").mkdir()
    r = Repo(dest, env)
    r.write_hosts({
        "dataaug": {"host": "local"},
        "imglabeling": {"host": "local", "target_home": str(tmp_path / "labeling")},
        "pytorch": {"host": "local", "target_home": str(tmp_path / "pytorch")},
    })
    return r
