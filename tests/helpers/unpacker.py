"""The pytorch host's unpacker as that host gets it: its shipped files (lib/hostside/ship.py) alone
in a folder, run as `python -m` with a Python that sees only the standard library and that folder
(-I -S: no site-packages, not this checkout), so an import beyond them fails here too."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dlimgmgr_tasks.lib.hostside import ship


def shipped(folder: Path) -> Path:
    """Lay the unpacker's files out in folder, as ship.ensure does on the host."""
    for rel, path in ship.files().items():
        dest = folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return folder


def command(folder: Path, before: str = "") -> list[str]:
    """argv running the shipped unpacker in folder; `before`: Python run first (to break tarfile)."""
    code = "\n".join(["import runpy, sys", f"sys.path.insert(0, {str(folder)!r})", before,
                      f"runpy.run_module({ship.MODULE!r}, run_name='__main__', alter_sys=True)"])
    return [sys.executable, "-I", "-S", "-c", code]
