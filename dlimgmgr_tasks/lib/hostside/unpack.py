"""Runs ON the pytorch host: verify a mixed dataset archive, unpack it, swap it in atomically.

Standard library only, and of this package only cli, unpack_members (the archive checks) and
lib.inflight: the orchestrator sends them to the host with Host.put_file (hostside/ship.py) and
runs `python -m dlimgmgr_tasks.lib.hostside.unpack COMMAND ...` in the folder it sent them to.

    prepare --archive A --sha256 HEX --top NAME --dataset-dir D --token T [--lock L] [--staging]
            [--inner VOC2012]
        the archive's sha256 must equal the manifest's; every member is checked before anything
        is written (unpack_members); it is unpacked into D's parent as .BASE.incoming.T (its NAME/
        as D/VOC2012 with --inner: vocdevkit's D is VOCdevkit, swapped whole with its year). With
        --staging, A is a copy unique to this run: removed when this fails (so are staging copies
        no prepare holds, untouched for a minute). Nothing is swapped: an interrupted prepare
        leaves the previous dataset in place.
    commit (prepare's arguments, less --staging) [--keep K] [--state FILE]
        swaps the prepared folder in with renames (D -> D.prev, new -> D; the same mix as the
        one in place replaces D and leaves D.prev), renames A to K, records FILE. Ctrl-C is
        ignored here: a commit that started finishes.
    install  (prepare + commit in one, the arguments of both)
    rollback --dataset-dir D | --state FILE [--lock L]
        swaps D and D.prev (a second rollback swaps them back).
    where --state FILE
        prints (JSON) the dataset folder the last install filled (vocdevkit: D's VOC20xx in place).

L (target_home/.dlimgmgr/deploy.lock) serialises every orchestrator deploying to this host; a
per-folder lock beside D covers the rest. While it works, prepare writes a newline to stdout now
and then: once the orchestrator is gone (Ctrl-C dropped the SSH session) that write fails and
prepare stops, removing its temp folder and the staging archive. Temps of a killed run are removed
by the next one. Exit 0 on success (one line on stdout); 1 with one line `error: ...` on stderr;
130 when interrupted.
"""
from __future__ import annotations

import fcntl
import glob
import json
import os
import posixpath
import shutil
import signal
import sys
import tarfile
import time
from contextlib import ExitStack, contextmanager, suppress

from ..inflight import INCOMING, READY
from . import cli
from .unpack_members import UnpackError, check_archive, check_name, sha256_file

COMMANDS = ("prepare", "commit", "install", "rollback", "where")
STALE_STAGING = 60          # seconds after which an unclaimed staging archive is a killed run's
BEAT_EVERY = 0.2


class Cancelled(UnpackError):
    """The orchestrator went away (its end of stdout closed): stop and clean up."""


class Beat:
    """A newline on stdout at most every BEAT_EVERY s; a closed stdout means nobody waits."""

    def __init__(self):
        self.last = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last < BEAT_EVERY:
            return
        self.last = now
        try:
            os.write(sys.stdout.fileno(), b"\n")
        except OSError:
            raise Cancelled("the orchestrator went away; nothing was changed") from None


@contextmanager
def _flock(path: str):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a+") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        yield f


@contextmanager
def _locked(dataset_dir: str, lock: str | None = None):
    """One deploy or rollback at a time per target (lock) and per dataset folder; yields the
    folder's lock file, which also records what D and D.prev hold (Record)."""
    parent, base = os.path.split(dataset_dir)
    with ExitStack() as stack:
        if lock:
            stack.enter_context(_flock(os.path.expanduser(lock)))
        yield Record(stack.enter_context(_flock(os.path.join(parent, f".{base}.lock"))))


class Record:
    """{"current": sha256, "prev": sha256} of D and D.prev, kept in D's lock file (read and written
    only under its lock), so that a second deploy of the same mix keeps the real previous D.prev.
    A torn or missing record is no record: the next deploy rotates as if the mix were new."""

    def __init__(self, file):
        self.file = file

    def read(self) -> dict:
        self.file.seek(0)
        try:
            data = json.loads(self.file.read() or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def write(self, current, prev) -> None:
        self.file.seek(0)
        self.file.truncate()
        self.file.write(json.dumps({"current": current, "prev": prev}) + "\n")
        self.file.flush()


def _incoming(dataset_dir: str, token: str) -> str:
    parent, base = os.path.split(dataset_dir)
    return os.path.join(parent, f".{base}{INCOMING}{check_name(token, 'token')}")


def _clear_leftovers(dataset_dir: str, staging: str | None) -> None:
    """Temps of earlier runs that were killed (we hold the lock, so no prepare is live): a folder
    whose prepare never finished, or finished long ago; a staging archive nobody claimed."""
    parent, base = os.path.split(dataset_dir)
    for entry in os.listdir(parent):
        path = os.path.join(parent, entry)
        if entry.startswith(f".{base}{INCOMING}") and (
                not os.path.exists(os.path.join(path, READY)) or _age(os.path.join(path, READY)) > STALE_STAGING):
            shutil.rmtree(path, ignore_errors=True)
    for entry in os.listdir(staging) if staging and os.path.isdir(staging) else ():
        path = os.path.join(staging, entry)
        if _age(path) > STALE_STAGING and not _claimed(path):
            _unlink(path)


def _claimed(path: str) -> bool:
    """Whether a live prepare holds this staging archive (it keeps a shared lock on it)."""
    try:
        with open(path, "rb") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
    except BlockingIOError:
        return True
    except OSError:
        return False


def _age(path: str) -> float:
    try:
        return time.time() - os.stat(path).st_mtime
    except OSError:
        return 0.0


def _write_json(path: str, data: dict) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


class _TouchingTarFile(tarfile.TarFile):
    """Unpacked files get the deploy's time, as `tar --touch` does: the archive's fixed mtime 0
    (what keeps a re-mix byte-identical) would otherwise date every file 1970-01-01."""

    def utime(self, tarinfo, targetpath):
        pass


def dataset_folder(dataset_dir: str) -> str:
    """The dataset folder as an absolute path whose last part is a plain name: the one folder a
    deploy or rollback may rename (never its parent, never a link to another disk)."""
    raw = os.path.expanduser(dataset_dir).rstrip("/")
    check_name(posixpath.basename(raw), "dataset folder")
    path = os.path.abspath(raw)
    parent = os.path.dirname(path)
    if os.path.islink(path):
        raise UnpackError(f"{path}: is a link (to {os.path.realpath(path)}); set dataset_dir to the real "
                          f"folder, a deploy renames it")
    if os.path.lexists(path) and not os.path.isdir(path):
        raise UnpackError(f"{path}: exists and is not a folder; move it away or change dataset_dir")
    probe = parent
    while not os.path.lexists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        raise UnpackError(f"{probe}: is a file, so {path} cannot be made; change dataset_dir")
    return path


def _extract(archive: str, members: list, tmp: str, beat) -> None:
    def beating(items):
        for member in items:
            beat()
            yield member
    with _TouchingTarFile.open(archive, "r:gz") as tar:
        # The "data" filter (Python >= 3.11.4 / 3.12) is a second guard behind Tree and safe_copy.
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(tmp, members=beating(members), **kw)


def prepare(archive: str, sha256: str, top: str, dataset_dir: str, token: str, lock: str | None = None,
            staging: bool = False, beat=None, inner: str | None = None) -> str:
    """Verify and unpack beside D as .BASE.incoming.TOKEN; swap nothing. A `staging` archive (a
    copy unique to this run) is removed when this fails or is stopped."""
    top, archive, beat = check_name(top), os.path.expanduser(archive), beat or Beat()
    dataset_dir = dataset_folder(dataset_dir)
    parent = os.path.dirname(dataset_dir)
    tmp, done, claim = _incoming(dataset_dir, token), False, None
    try:
        if not os.path.isfile(archive):
            raise UnpackError(f"{archive}: not found; deploy again")
        claim = open(archive, "rb")
        fcntl.flock(claim.fileno(), fcntl.LOCK_SH)   # ours: no other run's cleanup removes it
        got = sha256_file(archive, beat)   # the archive is this run's own: no lock needed yet
        if got != sha256:
            raise UnpackError(f"{archive}: sha256 {got[:16]}... does not match the manifest's "
                              f"{sha256[:16]}...; the copy is damaged or not this mix: deploy again")
        os.makedirs(parent, exist_ok=True)
        members = check_archive(archive, top, room=parent, beat=beat)
        with _locked(dataset_dir, lock):
            _clear_leftovers(dataset_dir, os.path.dirname(archive) if staging else None)
            os.mkdir(tmp)
            try:
                _extract(archive, members, tmp, beat)
            except OSError as exc:
                raise UnpackError(f"{archive}: unpacking into {parent} failed: {exc.strerror or exc}; "
                                  f"nothing was changed (free some space there)") from None
            if not os.path.isdir(os.path.join(tmp, top)):
                raise UnpackError(f"{archive}: has no top folder {top}/; mix again")
            if inner:   # NAME/ becomes NAME/VOC20xx/: the folder swapped in holds the year
                os.rename(os.path.join(tmp, top), os.path.join(tmp, READY + ".inner"))
                os.mkdir(os.path.join(tmp, top))
                os.rename(os.path.join(tmp, READY + ".inner"), os.path.join(tmp, top, check_name(inner, "inner")))
            open(os.path.join(tmp, READY), "w").close()
            done = True
    finally:
        if claim is not None:
            claim.close()
        if not done:
            shutil.rmtree(tmp, ignore_errors=True)
            if staging:   # never the user's own file
                _unlink(archive)
    return f"prepared {top} beside {dataset_dir}"


def _unlink(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


def _swap_in(new: str, dataset_dir: str, tmp: str, same: bool) -> bool:
    """D -> D.prev, new -> D: renames in one folder, D briefly absent, never partial. The same mix
    as the one in place replaces D and leaves D.prev; with no current D an existing D.prev is
    left as it is. Whether D.prev now holds the previous dataset."""
    prev = dataset_dir + ".prev"
    if not os.path.lexists(dataset_dir):
        os.rename(new, dataset_dir)
        return False
    if same:
        os.rename(dataset_dir, os.path.join(tmp, "old.same"))
    else:
        if os.path.lexists(prev):
            os.rename(prev, os.path.join(tmp, "old.prev"))
        os.rename(dataset_dir, prev)
    os.rename(new, dataset_dir)
    return os.path.lexists(prev)


def commit(archive: str, sha256: str, top: str, dataset_dir: str, token: str, lock: str | None = None,
           keep: str | None = None, state: str | None = None, inner: str | None = None) -> str:
    """Swap the prepared folder in (Ctrl-C ignored from here: a commit that started finishes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    top, archive, dataset_dir = check_name(top), os.path.expanduser(archive), dataset_folder(dataset_dir)
    tmp = _incoming(dataset_dir, token)
    with _locked(dataset_dir, lock) as record:
        if not os.path.exists(os.path.join(tmp, READY)):
            raise UnpackError(f"{tmp}: the prepared dataset is gone (another run cleared it?); deploy again")
        held = record.read()
        same = os.path.isdir(dataset_dir) and held.get("current") == sha256
        try:
            kept = _swap_in(os.path.join(tmp, top), dataset_dir, tmp, same)
            record.write(sha256, held.get("prev") if same else held.get("current"))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if keep:
            os.replace(archive, os.path.expanduser(keep))
        if state:
            _write_json(os.path.expanduser(state), {"name": top, "sha256": sha256, "dataset_dir": dataset_dir,
                                                    **({"vocdevkit": True} if inner else {})})
    dataset_dir = os.path.join(dataset_dir, inner) if inner else dataset_dir   # as messages name it
    if same:
        return (f"deployed {top} into {dataset_dir} again (the same mix as the one it replaced)"
                + (f"; the previous one is still {dataset_dir}.prev" if kept else ""))
    return f"deployed {top} into {dataset_dir}" + (f"; the previous one is kept as {dataset_dir}.prev" if kept else "")


def _dataset_dir_from_state(state: str | None, inner: bool = False) -> str:
    if not state:
        raise UnpackError("no dataset folder given")
    path = os.path.expanduser(state)
    try:
        with open(path) as f:
            record = json.load(f)
        years = sorted(glob.glob(os.path.join(record["dataset_dir"], "VOC20[01][0-9]"))) if inner else []
        return (years if record.get("vocdevkit") and years else [record["dataset_dir"]])[0]
    except FileNotFoundError:
        raise UnpackError(f"{path}: nothing was deployed here yet; run: inv deploy") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise UnpackError(f"{path}: unreadable deploy record; deploy again") from None


def rollback(dataset_dir: str | None = None, state: str | None = None, lock: str | None = None) -> str:
    dataset_dir = dataset_folder(dataset_dir or _dataset_dir_from_state(state))
    prev = dataset_dir + ".prev"
    with _locked(dataset_dir, lock) as record:
        if not os.path.lexists(prev):
            raise UnpackError(f"{prev}: no previous dataset to roll back to (it appears after a second deploy)")
        parent, base = os.path.split(dataset_dir)
        tmp = os.path.join(parent, f".{base}.rollback-{os.getpid()}")
        if os.path.lexists(dataset_dir):
            os.rename(dataset_dir, tmp)
        os.rename(prev, dataset_dir)
        if os.path.lexists(tmp):
            os.rename(tmp, prev)
        held = record.read()
        record.write(held.get("prev"), held.get("current"))
    return f"rolled back {dataset_dir} to the previous dataset; the one it replaced is now {prev}"


def _parser() -> cli.Parser:
    ap = cli.Parser(prog="unpack", description="verify, unpack and swap in a mixed dataset",
                    hint=" (pass values that start with '-' as --top=VALUE)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for command in ("prepare", "commit", "install"):
        p = sub.add_parser(command)
        for flag in ("--archive", "--sha256", "--top", "--dataset-dir"):
            p.add_argument(flag, required=True)
        p.add_argument("--token", required=command != "install")
        for flag in ("--inner", "--lock") + (("--keep", "--state") if command != "prepare" else ()):
            p.add_argument(flag)
        if command == "prepare":
            p.add_argument("--staging", action="store_true")
    p = sub.add_parser("rollback")
    for flag in ("--dataset-dir", "--state", "--lock"):
        p.add_argument(flag)
    p = sub.add_parser("where")
    p.add_argument("--state", required=True)
    return ap


def _run(args) -> str:
    what = (args.archive, args.sha256, args.top, args.dataset_dir) if args.cmd in ("prepare", "commit",
                                                                                  "install") else ()
    if args.cmd == "prepare":
        return prepare(*what, args.token, args.lock, args.staging, inner=args.inner)
    if args.cmd == "commit":
        return commit(*what, args.token, args.lock, args.keep, args.state, args.inner)
    if args.cmd == "install":
        token = args.token or str(os.getpid())
        prepare(*what, token, args.lock, beat=lambda: None, inner=args.inner)  # its stdout is the one line
        return commit(*what, token, args.lock, args.keep, args.state, args.inner)
    if args.cmd == "rollback":
        return rollback(args.dataset_dir, args.state, args.lock)
    return json.dumps(_dataset_dir_from_state(args.state, inner=True))


def _print(run):
    def handler(args) -> int:
        print(run(args))
        return 0
    return handler


def main(argv=None) -> int:
    return cli.main(_parser(), {c: _print(_run) for c in COMMANDS}, argv, expected=(UnpackError,), quiet=(Cancelled,),
                    where=lambda a: getattr(a, "dataset_dir", None) or getattr(a, "state", None) or "the dataset folder",
                    advice="; check the folder's permissions and free space",
                    interrupted="interrupted before the swap; the previous dataset was left in place",
                    unexpected="unpack")


if __name__ == "__main__":
    sys.exit(main())
