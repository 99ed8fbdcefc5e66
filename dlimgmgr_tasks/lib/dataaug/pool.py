"""The worker pool of one host's share: N processes, each with its own Sampler, over the items.

Workers come from a forkserver (plain fork hung: a child forked from a parent whose OpenCV
thread pool has run hangs in its first cv2 call), which imports the heavy libraries once and
forks every worker from that state. Each worker ignores SIGINT (its parent cleans up), runs
OpenCV single-threaded (one process per core already) and keeps image buffers on the heap.
"""
from __future__ import annotations

import signal
from collections import deque
from itertools import islice
from pathlib import Path

CHUNK_MAX = 16   # items per task: small, so the last tasks end close together
IN_FLIGHT = 4   # chunks queued per worker: enough to keep it busy, few enough to keep memory flat

# Worker-process globals (the pool's initializer sets them once per process).
_STATE: dict = {}


def tune_malloc() -> None:
    """Keep image-sized buffers on the heap: glibc's default mmaps and unmaps every array over
    128 KiB, so each 400x400 image cost page faults (measured: a third less system time, ~15% more
    images/s with one job). A no-op where the C library is not glibc."""
    import ctypes
    try:
        # The running process's own symbols: ctypes.util.find_library("c") runs `ldconfig -p`, a
        # subprocess in every worker.
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 64 << 20)   # M_MMAP_THRESHOLD
        libc.mallopt(-1, 128 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def mp_context():
    import multiprocessing
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["dlimgmgr_tasks.lib.dataaug.sampler", "albumentations", "cv2"])
        return ctx
    return multiprocessing.get_context("spawn")


def _sampler(root: str, name: str, size, digests: bool):
    from ..workspace import Workspace
    from .sampler import Sampler
    return Sampler(Workspace.at(root, {}).project(name), tuple(size), digests)


def _init_worker(root: str, name: str, size, out_dir: str, digests: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    tune_malloc()
    import cv2
    cv2.setNumThreads(1)
    _STATE["out"] = Path(out_dir)
    try:
        _STATE["sampler"] = _sampler(root, name, size, digests)
    except Exception as exc:  # noqa: BLE001 -- raised by the first task instead (see _work)
        _STATE["failed"] = exc


def _work(items):
    # A Pool whose initializer raises starts a new worker in its place, forever: the build would
    # hang on a bad augment.py. The error comes back with the first task instead.
    if "failed" in _STATE:
        raise _STATE["failed"]
    return _STATE["sampler"].run(items, _STATE["out"])


def chunks(items, n: int):
    """Lists of up to n items, taken from any iterable as they are needed."""
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


def outputs(chunk, per_item: int) -> int:
    """Outputs a chunk of items makes at most (a script carrier makes per_item)."""
    return sum(per_item if index == -1 else 1 for _, index in chunk)


def sample(root, name: str, size, items, n_items: int, out_dir, jobs: int, done=None, digests: bool = True):
    """Records of every item, in item order, made by `jobs` processes (1: this one) in out_dir.

    items: any iterable of n_items items, read as the workers need them; the records come as
    they are made (a generator), so memory does not grow with the number of items.
    done(chunk) is called as each chunk of items finishes (for progress); digests: the records
    carry each file's sha256 (Sampler)."""
    jobs = max(1, min(jobs, n_items))
    if jobs == 1:
        yield from _sample_here(root, name, size, items, out_dir, done, digests)
        return
    pool = mp_context().Pool(jobs, _init_worker, (str(root), name, tuple(size), str(out_dir), digests))
    try:
        size_chunk = max(1, min(CHUNK_MAX, n_items // (jobs * 16) or 1))
        yield from _ordered(pool, chunks(items, size_chunk), IN_FLIGHT * jobs, done)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _ordered(pool, parts, in_flight: int, done):
    """Each part's records in order, with at most `in_flight` parts queued (Pool.imap would queue
    every part at once)."""
    pending: deque = deque()
    for part in parts:
        pending.append((pool.apply_async(_work, (part,)), part))
        if len(pending) >= in_flight:
            yield from _take(pending, done)
    while pending:
        yield from _take(pending, done)


def _take(pending: deque, done):
    result, part = pending.popleft()
    records = result.get()
    if done:
        done(part)
    return records


def _sample_here(root, name, size, items, out_dir, done, digests: bool):
    import cv2
    tune_malloc()
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # one job = one core, as each pool worker runs
    try:
        sampler = _sampler(str(root), name, size, digests)
        for part in chunks(items, 16):
            yield from sampler.run(part, Path(out_dir))
            if done:
                done(part)
    finally:
        cv2.setNumThreads(threads)
