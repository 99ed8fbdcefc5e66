"""Changing files so that a reader never sees half a change: a temp file beside it, then a rename;
a lock per target, Ctrl-C held across a pair of renames, and the removal of a killed run's temps.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import signal
from pathlib import Path


_COUNTER = itertools.count()


def atomic_write(path, data: bytes, mode: int = 0o644) -> None:
    """Replace `path` with `data` in one rename; on any failure the old file stays as it was.

    The temp name is unique per process and call (O_EXCL), which costs a third less than
    tempfile.mkstemp's random names: compose writes two files per carrier through here."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{next(_COUNTER)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), mode)  # exactly `mode`, whatever the umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def held_interrupt():
    """Hold Ctrl-C while the block runs; yields a list that is not empty once one came (the
    caller decides what to say)."""
    got: list = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *a: got.append(a))
    except ValueError:  # not the main thread: nothing to hold
        yield got
        return
    try:
        yield got
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def no_interrupt():
    """Hold Ctrl-C for the few microseconds of a pair of renames, then deliver it."""
    got: list = []
    try:
        with held_interrupt() as got:
            yield
    finally:
        if got:
            raise KeyboardInterrupt


@contextlib.contextmanager
def locked(path, what: str):
    """An exclusive lock on `path` (made if missing) for one run; a second run is refused at once."""
    import fcntl

    from .errors import UserError

    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UserError(f"{path}: another {what} is running; wait for it to finish") from None
        yield


def remove_stale(folder, pattern: str) -> list[Path]:
    """Remove what a killed earlier run left (temp files matching `pattern`); call it under the lock."""
    removed = []
    for path in Path(folder).glob(pattern):
        if path.is_dir() and not path.is_symlink():
            import shutil
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
