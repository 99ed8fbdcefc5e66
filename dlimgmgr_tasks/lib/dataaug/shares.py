"""Shares: one project's work items split over the dataaug hosts, run there, fetched and verified.

Every host -- this machine's `local` one included -- takes the same path: sync its tool tree
(target_home/.dlimgmgr/tree, tree.py; the checkout itself when target_home is it), run the
host-side CLI there on a contiguous slice of the items (in proportion to its
cores: --jobs, else hosts.yaml `jobs:`, else its core count), bring the share folder into the
staging folder as a folder of its own (host.pull_tree, consuming: a host on this disk renames
it) and check every JPEG and XML against the sha256 the host wrote (a renamed share: that its
files are there; its host writes no sha256). The records stay in their
file (staging.finish merges them), so memory does not grow with the number of images. The hosts
run concurrently, one thread each; the calling thread polls their progress.

A host that fails (unreachable, wrong python, killed, a bad transfer) has its share redone by the
hosts that succeeded, with a warning naming it; when none is left the build fails with one line
naming a host. Ctrl-C stops every running share on its host (SIGTERM there) and removes its folder.
"""
from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass

from ..errors import UserError
from ..hashing import sha256_file
from .. import inflight
from ..hostside import hostcall
from .plan import Items, lib_versions
from .pool import chunks
from .staging import TEMP_NAME, read_records
from .sync import SyncStat, sync
from .tree import tool_tree

CANCEL_WAIT = 100  # tenths of a second a cancelled share may take to stop
VERIFY_THREADS = 4
VERIFY_BATCH = 256


@dataclass
class HostShare:
    """One host's part in one project's build, and what came of it."""
    host: object                    # lib.hosts.Host
    cores: int = 1
    images: int = 0
    seconds: float = 0.0
    synced: SyncStat | None = None
    error: str | None = None
    warned: bool = False

    @property
    def label(self) -> str:
        return self.host.label


@dataclass
class _Running:
    share: HostShare
    rel: str                        # the share folder, relative to the host's target_home
    outputs: int                    # at most this many images
    done: int = 0


def _message(exc: BaseException, label: str) -> str:
    text = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
    return text if label in text else f"{label}: {text}"


def fetch(host, remote_dir: str, staging, tag: str):
    """Bring a host's share folder into staging, as a folder of its own, and check every JPEG's
    sha256 against its record (a share made on this machine was moved -- one rename --, not sent:
    its files need only be there). Returns (the records file, now in staging, and how many images
    it lists); the records' names are relative to the records file's folder."""
    folder = staging / remote_dir.rstrip("/").rsplit("/", 1)[-1]
    host.pull_tree(remote_dir, folder, move=True, replace=True)   # the share folder goes afterwards anyway
    records_path = folder / inflight.RECORDS.format(tag)
    if not records_path.is_file():
        raise UserError(f"{host.label}: the build sent no records file; run it again")
    try:
        return records_path, _verify(host, folder, read_records(records_path), sent=not host.on_this_disk)
    except (ValueError, KeyError, TypeError):
        raise UserError(f"{host.label}: the build sent a damaged records file; run it again") from None


def _verify(host, folder, records, sent: bool = True) -> int:
    """Check each record's JPEG and XML in folder; how many there were. sent: the files crossed a
    link, so their sha256 is checked too (threads: hashing releases the GIL); else one listing of
    the folder shows they are there."""
    from concurrent.futures import ThreadPoolExecutor
    # regular files only (the folder was renamed whole: a link in it would come along)
    present = None if sent else {e.name for e in os.scandir(folder) if e.is_file(follow_symlinks=False)}

    def intact(rec) -> bool:
        if not (TEMP_NAME.fullmatch(rec["tmp"]) and TEMP_NAME.fullmatch(rec["tmp_xml"])):
            return False   # a name the sampler never writes (a path, "..") would reach outside folder
        if present is not None:
            return rec["tmp"] in present and rec["tmp_xml"] in present
        return all((folder / rec[name]).is_file() and sha256_file(folder / rec[name]) == rec[digest]
                   for name, digest in (("tmp", "sha256"), ("tmp_xml", "xml_sha256")))
    images = 0
    with ThreadPoolExecutor(max(1, min(VERIFY_THREADS, os.cpu_count() or 1))) as pool:
        for batch in chunks(records, VERIFY_BATCH):
            checked = pool.map(intact, batch) if sent else map(intact, batch)
            for rec, ok in zip(batch, checked):
                if not ok:
                    raise UserError(f"{host.label}: {rec['tmp']} arrived damaged or not at all; run it again")
            images += len(batch)
    return images


class Shares:
    """Runs one project's plan on the hosts into the staging folder."""

    def __init__(self, ws, project, size, plan, hosts, jobs: int | None, staging, progress=None):
        self.ws, self.project, self.size, self.plan = ws, project, tuple(size), plan
        self.shares = [HostShare(tool_tree(h, ws)) for h in hosts]   # never the person's files
        self.jobs, self.staging, self.progress = jobs, staging, progress
        self.running: dict[str, _Running] = {}
        self.finished = 0                       # outputs of the shares fetched so far
        self.warnings: list[str] = []

    def run(self) -> list:
        """The records files of every item, whichever host made them (in staging); UserError when
        no host is left."""
        try:
            return self._distribute()
        except BaseException:
            self.cancel()
            raise

    # -- the steps

    def _prepare(self, share: HostShare) -> None:
        share.synced = sync(share.host, self.ws, [self.project.name], self._manifest)
        share.cores = self.jobs or share.host.cores()

    def _distribute(self) -> list:
        from .sync import manifest
        # Only a host with a target_home of its own compares our files with its copy.
        synced = [s for s in self.shares if not s.host.same_tree(self.ws.root)]
        self._manifest = manifest(self.ws, [self.project.name]) if synced else {}
        alive = []
        for share, res in zip(self.shares, self._parallel(self._prepare, self.shares)):
            if isinstance(res, BaseException):
                self._failed(share, res)
            else:
                alive.append(share)
        todo, record_files = [self.plan.items], []
        while todo:
            if not alive:
                raise self._none_left()
            pending = Items.join(todo)
            jobs = [(s, part) for s, part in zip(alive, pending.split([s.cores for s in alive])) if len(part)]
            results = self._parallel(lambda job: self._share(*job), jobs)
            todo, alive = [], [s for s in alive]
            for (share, part), res in zip(jobs, results):
                if isinstance(res, BaseException):
                    self._failed(share, res)
                    alive.remove(share)
                    todo.append(part)
                else:
                    record_files.append(res)
            if todo and alive:
                self._warn(f"its share ({sum(len(p) for p in todo)} item(s)) is redone on the other dataaug host(s)")
        self._warn("it was left out of this build")
        return record_files

    def _share(self, share: HostShare, items: Items):
        start = time.monotonic()
        host, tag = share.host, f"{share.host.config.index}-{secrets.token_hex(4)}"
        rel = f"projects/{self.project.name}/{inflight.SHARE}{tag}"
        home = host.home.rstrip("/")
        run = _Running(share, rel, len(items) * self.plan.per_item)
        self.running[tag] = run
        cmd = hostcall.command(
            host, "items", self.project.name, f"{self.size[0]}x{self.size[1]}", rel, "--jobs", str(share.cores),
            "--per-item", str(self.plan.per_item), "--tag", tag, "--expect", lib_versions(),
            "--progress", f"{rel}.progress", *(["--no-digests"] if host.on_this_disk else []),
            before=f"mkdir -p {host.quote(rel)} && echo $$ > {host.quote(rel + '.pid')} && ")
        try:
            host.run(cmd, what="the build", input=items.encode().encode())
            records, images = fetch(host, f"{home}/{rel}", self.staging, tag)
        finally:
            self.running.pop(tag, None)
            _quietly(host.run, f"cd {host.quote(home)} && rm -rf {_words(rel)}", what="cleaning up")
        self.finished += run.outputs
        share.images += images
        share.seconds = max(share.seconds, time.monotonic() - start)
        return records

    def cancel(self) -> None:
        """Stop every running share on its host (SIGTERM to the host-side CLI) and remove its folder."""
        for run in list(self.running.values()):
            host, rel = run.share.host, run.rel
            pid = host.quote(f"{rel}.pid")
            _quietly(host.run, f"cd {host.quote(host.home)} && p=$(cat {pid} 2>/dev/null); "
                     f"if [ -n \"$p\" ] && grep -q hostside /proc/$p/cmdline 2>/dev/null; then kill -TERM $p; i=0; "
                     f"while kill -0 $p 2>/dev/null && [ $i -lt {CANCEL_WAIT} ]; do sleep 0.1; i=$((i+1)); done; fi; "
                     f"rm -rf {_words(rel)}", what="stopping the build", timeout=CANCEL_WAIT / 10 + 20)
        self.running.clear()

    # -- bookkeeping

    def _failed(self, share: HostShare, exc: BaseException) -> None:
        share.error = _message(exc, share.label)
        share.host.close()  # a later project reconnects afresh

    def _warn(self, what: str) -> None:
        for share in self.shares:
            if share.error and not share.warned:
                self.warnings.append(f"{share.error}; {what}")
                share.warned = True

    def _none_left(self) -> UserError:
        failed = [s for s in self.shares if s.error]
        more = f" ({len(failed) - 1} more dataaug host(s) failed too)" if len(failed) > 1 else ""
        return UserError(f"{failed[0].error}{more}; the previous build is untouched")

    def _poll(self) -> None:
        """Ask each running share how far it is (the host-side CLI keeps a count in a file)."""
        if self.progress is None:
            return
        for run in list(self.running.values()):
            host = run.share.host
            try:
                text = host.run(f"cd {host.quote(host.home)} && cat {host.quote(run.rel + '.progress')} "
                                f"2>/dev/null; exit 0", what="progress", timeout=10)
                run.done = min(int(text.strip() or 0), run.outputs)
            except (UserError, ValueError):
                pass
        self.progress.set(self.finished + sum(r.done for r in self.running.values()))

    def _parallel(self, fn, args) -> list:
        """fn(a) for each a in its own daemon thread; results or the exceptions raised, in order.
        This thread polls progress meanwhile, and a Ctrl-C here reaches it at once."""
        results: list = [None] * len(args)

        def run(i, a):
            try:
                results[i] = fn(a)
            except BaseException as exc:  # noqa: BLE001 -- handed back to the caller
                results[i] = exc
        threads = [threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(args)]
        for t in threads:
            t.start()
        poll = self.progress.poll if self.progress is not None else 0.5
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(poll)
                if t.is_alive():
                    break
            self._poll()
        return results


def _words(rel: str) -> str:
    import shlex
    return " ".join(shlex.quote(p) for p in (rel, f"{rel}.pid", f"{rel}.progress"))


def _quietly(fn, *args, **kw) -> None:
    """Best effort: a folder left behind is removed by a later sync (stale) or build (recover)."""
    try:
        fn(*args, **kw)
    except Exception:  # noqa: BLE001
        pass
