"""Runs ON the pytorch host: verify a mixed dataset archive, unpack it, swap it in atomically.

Standard library only, one file, no imports from this package: the orchestrator sends this file
to the host's Python: `python - COMMAND ...` with the script on stdin locally, or uploaded to
target_home/.dlimgmgr/unpack.py and run there over SSH. The host needs nothing installed.

    install --archive A --sha256 HEX --top NAME --dataset-dir D [--state FILE]
        1. the archive's sha256 must equal the manifest's (checked here, on the host);
        2. every member is checked before anything is written: a regular file or folder under
           the single top folder NAME/, or a link that stays inside it; never an absolute path,
           '..', a device, a FIFO or a link pointing outside;
        3. it is unpacked into a temporary folder beside D, then swapped in with renames:
           D -> D.prev, new -> D. A trainer never sees a half-written D; an interrupted unpack
           leaves D and D.prev untouched (the leftover temp folder is removed by the next run).
    rollback --dataset-dir D | --state FILE
        swaps D and D.prev (a second rollback swaps them back).
    where --state FILE
        prints (JSON) the dataset folder the last install filled.

Exit 0 on success (one line on stdout); 1 with one line `error: ...` on stderr.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import posixpath
import shutil
import sys
import tarfile
from contextlib import contextmanager

CHUNK = 1 << 20
INCOMING = ".incoming-"


class UnpackError(Exception):
    """A refused archive or an unusable state; the message is one line for a person."""


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _inside(path: str, top: str) -> bool:
    """Whether a normalised archive path is `top` itself or below it."""
    return path == top or path.startswith(top + "/")


def check_member(member: tarfile.TarInfo, top: str) -> str | None:
    """Why this member may not be unpacked, or None when it is fine."""
    name = member.name
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return f"member {name!r} has an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return f"member {name!r} climbs out with '..'"
    norm = posixpath.normpath(name)
    if not _inside(norm, top):
        return f"member {name!r} is outside the single top folder {top}/"
    if member.issym() or member.islnk():
        target = member.linkname
        if target.startswith("/"):
            return f"link {name!r} points to an absolute path ({target})"
        # A symlink's target is relative to the link's folder; a hard link's to the archive root.
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(norm), target) if member.issym() else target)
        if resolved.startswith("../") or resolved == ".." or not _inside(resolved, top):
            return f"link {name!r} points outside {top}/ ({target})"
        return None
    if member.isreg() or member.isdir():
        return None
    kind = ("a device" if member.ischr() or member.isblk() else "a FIFO" if member.isfifo() else
            f"an unsupported member (type {member.type!r})")
    return f"member {name!r} is {kind}"


def check_archive(archive: str, top: str) -> list[tarfile.TarInfo]:
    """Every member checked, nothing written; UnpackError names the first bad member."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UnpackError(f"{archive}: not a readable .tar.gz ({exc}); mix and deploy again") from None
    if not members:
        raise UnpackError(f"{archive}: the archive is empty; mix again")
    for member in members:
        why = check_member(member, top)
        if why:
            raise UnpackError(f"{archive}: {why}; refused the whole archive, nothing was written")
    return members


@contextmanager
def _locked(dataset_dir: str):
    """One deploy or rollback at a time per dataset folder."""
    parent, base = os.path.split(dataset_dir)
    os.makedirs(parent, exist_ok=True)
    with open(os.path.join(parent, f".{base}.lock"), "a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        yield


def _clear_leftovers(dataset_dir: str) -> None:
    """Temp folders of an earlier run that was killed (we hold the lock, so none is live)."""
    parent, base = os.path.split(dataset_dir)
    for entry in os.listdir(parent):
        if entry.startswith(f".{base}{INCOMING}"):
            shutil.rmtree(os.path.join(parent, entry), ignore_errors=True)


def _write_state(path: str, data: dict) -> None:
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


def install(archive: str, sha256: str, top: str, dataset_dir: str, state: str | None = None) -> str:
    archive = os.path.expanduser(archive)
    dataset_dir = os.path.abspath(os.path.expanduser(dataset_dir)).rstrip("/")
    if not os.path.isfile(archive):
        raise UnpackError(f"{archive}: not found; deploy again")
    got = sha256_file(archive)
    if got != sha256:
        raise UnpackError(f"{archive}: sha256 {got[:16]}... does not match the manifest's {sha256[:16]}...; "
                          f"the copy is damaged or not this mix: deploy again")
    members = check_archive(archive, top)
    prev = dataset_dir + ".prev"
    with _locked(dataset_dir):
        _clear_leftovers(dataset_dir)
        parent, base = os.path.split(dataset_dir)
        tmp = os.path.join(parent, f".{base}{INCOMING}{os.getpid()}")
        os.mkdir(tmp)
        try:
            with _TouchingTarFile.open(archive, "r:gz") as tar:
                # The "data" filter (Python >= 3.11.4 / 3.12) is a second guard behind check_member.
                kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(tmp, members=members, **kw)
            new = os.path.join(tmp, top)
            if not os.path.isdir(new):
                raise UnpackError(f"{archive}: has no top folder {top}/; mix again")
            # The swap: renames in one folder. Between the last two D is briefly absent, never
            # partial. With no current D, an existing D.prev is left as it is.
            had_previous = os.path.lexists(dataset_dir)
            if had_previous:
                if os.path.lexists(prev):
                    os.rename(prev, os.path.join(tmp, "old.prev"))
                os.rename(dataset_dir, prev)
            os.rename(new, dataset_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if state:
        _write_state(os.path.expanduser(state), {"name": top, "sha256": sha256, "dataset_dir": dataset_dir})
    kept = f"; the previous one is kept as {prev}" if had_previous else ""
    return f"deployed {top} into {dataset_dir}{kept}"


def _dataset_dir_from_state(state: str | None) -> str:
    if not state:
        raise UnpackError("no dataset folder given")
    path = os.path.expanduser(state)
    try:
        with open(path) as f:
            return json.load(f)["dataset_dir"]
    except FileNotFoundError:
        raise UnpackError(f"{path}: nothing was deployed here yet; run: inv deploy") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise UnpackError(f"{path}: unreadable deploy record; deploy again") from None


def rollback(dataset_dir: str | None = None, state: str | None = None) -> str:
    dataset_dir = dataset_dir or _dataset_dir_from_state(state)
    dataset_dir = os.path.abspath(os.path.expanduser(dataset_dir)).rstrip("/")
    prev = dataset_dir + ".prev"
    with _locked(dataset_dir):
        if not os.path.lexists(prev):
            raise UnpackError(f"{prev}: no previous dataset to roll back to (it appears after a second deploy)")
        parent, base = os.path.split(dataset_dir)
        tmp = os.path.join(parent, f".{base}.rollback-{os.getpid()}")
        if os.path.lexists(dataset_dir):
            os.rename(dataset_dir, tmp)
        os.rename(prev, dataset_dir)
        if os.path.lexists(tmp):
            os.rename(tmp, prev)
    return f"rolled back {dataset_dir} to the previous dataset; the one it replaced is now {prev}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="unpack", description="verify, unpack and swap in a mixed dataset")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("install")
    p.add_argument("--archive", required=True)
    p.add_argument("--sha256", required=True)
    p.add_argument("--top", required=True)
    p.add_argument("--dataset-dir", required=True)
    p.add_argument("--state")
    p = sub.add_parser("rollback")
    p.add_argument("--dataset-dir")
    p.add_argument("--state")
    p = sub.add_parser("where")
    p.add_argument("--state", required=True)
    args = ap.parse_args(argv)
    try:
        if args.command == "install":
            print(install(args.archive, args.sha256, args.top, args.dataset_dir, args.state))
        elif args.command == "rollback":
            print(rollback(args.dataset_dir, args.state))
        else:
            print(json.dumps(_dataset_dir_from_state(args.state)))
    except UnpackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}; check the folder's permissions and free space",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
