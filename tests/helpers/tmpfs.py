"""A small tmpfs disk that fills up, for the full-disk tests (root only; skipped elsewhere).

    with tmpfs(tmp_path / "small", "1m") as disk: ...   # a real ENOSPC at about 1 MiB
"""
from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(mountpoint: Path, size: str):
    if os.geteuid() != 0:
        pytest.skip("a tmpfs disk needs root (mount)")
    mountpoint.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)
