"""What the SIGKILL and frozen-link tests share: a real `inv` in its own process group with its
stderr in a file (the orphans it leaves still write there), and waits on that group's processes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers.signals import wait_for

_TEMPS: dict[int, str] = {}   # the TMPDIR of each group start_inv began


def start_inv(repo, log: Path, *args: str) -> subprocess.Popen:
    """`inv ARGS` in repo, leader of a new process group; stdout and stderr go to files beside log."""
    out, err = open(log.with_suffix(".out"), "wb"), open(log, "wb")
    # A killed process cannot remove its temps (multiprocessing's pymp-* folder): it gets a TMPDIR
    # of its own, removed with its group (short: a socket path there must fit AF_UNIX's 108 bytes).
    tmp = tempfile.mkdtemp(prefix="k")
    try:
        proc = subprocess.Popen([sys.executable, "-m", "invoke", *args], cwd=repo.path, env={**repo.env, "TMPDIR": tmp},
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        _TEMPS[proc.pid] = tmp
        return proc
    finally:
        out.close()
        err.close()


def _live(field: int, value: int) -> list[int]:
    """Live processes (zombies left out) whose /proc/PID/stat field (after the name) equals value:
    1 is the parent's pid, 2 the process group."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat[0] != "Z" and int(stat[field]) == value:
            found.append(int(pid))
    return found


def group(pgid: int) -> list[int]:
    """Live processes of process group pgid."""
    return _live(2, pgid)


def children(pid: int) -> list[int]:
    """Live children of pid."""
    return _live(1, pid)


def group_ends_within(pgid: int, seconds: float) -> bool:
    """True when every process of the group is gone in time; else kill them all and say False."""
    deadline = time.monotonic() + seconds
    while group(pgid):
        if time.monotonic() > deadline:
            stop_group(pgid)
            return False
        time.sleep(0.05)
    return True


def stop_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
    wait_for(lambda: not group(pgid), 10)
    shutil.rmtree(_TEMPS.pop(pgid, ""), ignore_errors=True)


def sigkill(proc: subprocess.Popen) -> None:
    """SIGKILL the orchestrator alone (not its group) and reap it."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def count_files(folders, pattern: str) -> int:
    return sum(1 for folder in folders for _ in folder.glob(pattern))
