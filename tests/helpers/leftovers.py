"""The suite's end check (tests/conftest.py): no test may leave a process running or a temp
folder behind.

At the start the run gets a temp folder of its own (TMPDIR, so every `inv`, pool worker, sshd
and tempfile of the run writes there) and a mark in the environment every child inherits. At
the end, any process that still carries the mark, or whose command line or working folder
points into the run's temp folders, is a leftover, and so is anything still in the run's TMPDIR.
Runs that were killed before their end left such folders too: the next run removes them.
Inside a test, `in_flight(folder)` lists what a step that ended left of its temp names
(lib.inflight, the names the library makes and sweeps).
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from dlimgmgr_tasks.lib import inflight

MARK = "DLIMGMGR_TEST_RUN"
PREFIX = "dlimgmgr-test-run-"


def start_run() -> tuple[str, Path]:
    """(the run's mark, its temp folder); sets TMPDIR and the mark for everything started later."""
    system = Path(tempfile.gettempdir())
    clear_killed_runs(system)
    run_tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=system))
    run_tmp.chmod(0o711)   # the sshd's password test user reaches its home inside (no listing)
    mark = run_tmp.name
    os.environ[MARK] = mark
    os.environ["TMPDIR"] = str(run_tmp)
    tempfile.tempdir = None      # recomputed from TMPDIR
    return mark, run_tmp


def clear_killed_runs(system: Path) -> None:
    """Temp folders of earlier runs whose pytest process is gone."""
    for folder in system.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _proc_text(pid: str, name: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return b""


def _is_leftover(pid: str, mark: str, roots: list[str]) -> bool:
    stat = _proc_text(pid, "stat")
    if not stat or stat.rsplit(b")", 1)[-1].split()[:1] == [b"Z"]:   # gone, or a zombie
        return False
    if f"{MARK}={mark}".encode() in _proc_text(pid, "environ").split(b"\0"):
        return True
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        cwd = ""
    cmdline = _proc_text(pid, "cmdline").replace(b"\0", b" ").decode(errors="replace")
    return any(root in cmdline or cwd.startswith(root) for root in roots)


def processes(mark: str, roots: list[str], wait: float = 5.0) -> dict[int, str]:
    """{pid: command line} of the run's processes still alive after `wait` seconds of grace."""
    me = os.getpid()
    deadline = time.monotonic() + wait
    while True:
        found = {int(p): _proc_text(p, "cmdline").replace(b"\0", b" ").decode(errors="replace").strip()
                 for p in os.listdir("/proc") if p.isdigit() and int(p) != me and _is_leftover(p, mark, roots)}
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def in_flight(*folders: Path, deep: bool = False) -> list[str]:
    """The in-flight names (lib.inflight) in folders, or anywhere below them with deep: none may
    be left once the step that made them ended (the locks stay, empty, by design)."""
    found = []
    for folder in folders:
        if folder.exists():
            found += [p.name for p in (folder.rglob("*") if deep else folder.iterdir()) if inflight.is_in_flight(p.name)]
    return sorted(found)


def temps(run_tmp: Path) -> list[str]:
    return sorted(p.name for p in run_tmp.iterdir()) if run_tmp.is_dir() else []


def end_run(found: dict[int, str], run_tmp: Path) -> None:
    """Stop what the run left (by pid) and remove its temp folder, once reported."""
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(run_tmp, ignore_errors=True)
