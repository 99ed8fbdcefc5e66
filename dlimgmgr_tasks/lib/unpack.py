"""Runs ON the pytorch host: verify a mixed dataset archive, unpack it, swap it in atomically.

Standard library only, one file, no imports from this package: the orchestrator sends this file
to the host's Python: `python - COMMAND ...` with the script on stdin locally, or uploaded to
target_home/.dlimgmgr/unpack.py and run there over SSH. The host needs nothing installed.

    install --archive A --sha256 HEX --top NAME --dataset-dir D [--state FILE]
        1. the archive's sha256 must equal the manifest's (checked here, on the host);
        2. every member is checked before anything is written, on any Python (with or without
           tarfile's "data" filter): a regular file or folder under the single top folder NAME/
           (a plain name), or a link that stays inside it once resolved through the links
           before and after it; never an absolute path, '..', a device, a FIFO, a name twice;
           modes lose setuid/setgid/sticky and group/other write; the sizes the headers
           declare must fit the free space (a gzip bomb stops at its first header);
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
import copy
import fcntl
import hashlib
import json
import os
import posixpath
import shutil
import signal
import sys
import tarfile
import zlib
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


def check_name(name: str, what: str = "dataset name") -> str:
    """A plain dataset name (one folder name, no option, no path), or UnpackError."""
    if (not name or name in (".", "..") or "/" in name or "\\" in name or name.startswith("-")
            or any(ord(ch) < 32 for ch in name)):
        raise UnpackError(f"{what} {name!r} is not a plain folder name (no '/', not '.' or '..', "
                          f"no leading '-'); fix the manifest's name or --name")
    return name


MAX_LINKS = 40   # as the kernel's ELOOP limit: a longer chain of links is refused


class Tree:
    """The archive's members as the filesystem will see them once unpacked in order: where
    each link leads is resolved against the links accepted before it, as the kernel would."""

    def __init__(self, top: str):
        self.top = top
        self.links: dict[str, str] = {}     # accepted symlink path -> its target
        self.kinds: dict[str, str] = {}     # accepted path -> "file" | "dir" | "link"

    def resolve(self, path: str, follow_last: bool = True) -> str | None:
        """Where `path` (relative to the unpack folder) really lands, or None when it leaves it."""
        todo = [p for p in path.split("/") if p not in ("", ".")]
        done: list[str] = []
        hops = 0
        while todo:
            part = todo.pop(0)
            if part == "..":
                if not done:
                    return None
                done.pop()
                continue
            done.append(part)
            here = "/".join(done)
            if here in self.links and (todo or follow_last):
                hops += 1
                target = self.links[here]
                if hops > MAX_LINKS or target.startswith("/"):
                    return None
                done.pop()
                todo = [p for p in target.split("/") if p not in ("", ".")] + todo
        return "/".join(done)

    def why_not(self, member: tarfile.TarInfo, norm: str) -> str | None:
        """Why this member, unpacked after the ones accepted so far, could write or point outside."""
        name, top = member.name, self.top
        parent = self.resolve(posixpath.dirname(norm))
        if parent is None or not _inside(posixpath.join(parent, posixpath.basename(norm)), top):
            return f"member {name!r} is written through a link that leads outside {top}/"
        real = posixpath.join(parent, posixpath.basename(norm))
        if real in self.kinds:
            return f"member {name!r} appears twice in the archive"
        if member.issym():
            target = member.linkname
            lands = self.resolve(posixpath.join(parent, target)) if not target.startswith("/") else None
            if lands is None or not _inside(lands, top):
                return f"link {name!r} points outside {top}/ ({target})"
            self.links[real] = target
        elif member.islnk():
            lands = self.resolve(member.linkname)
            if lands is None or not _inside(lands, top) or self.kinds.get(lands) != "file":
                return f"link {name!r} points outside {top}/ or to no file before it ({member.linkname})"
        self.kinds[real] = "link" if member.issym() else "dir" if member.isdir() else "file"
        return None

    def escaping_link(self) -> str | None:
        """A link that leads outside once every member is in place (a later link can re-route it)."""
        for path, target in self.links.items():
            lands = self.resolve(path)
            if lands is None or not _inside(lands, self.top):
                return f"link {path!r} points outside {self.top}/ through the links after it ({target})"
        return None


def check_member(member: tarfile.TarInfo, top: str) -> str | None:
    """Why this member may not be unpacked (on its own, without the others), or None."""
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
        return None
    if member.isreg() or member.isdir():
        return None
    kind = ("a device" if member.ischr() or member.isblk() else "a FIFO" if member.isfifo() else
            f"an unsupported member (type {member.type!r})")
    return f"member {name!r} is {kind}"


def safe_copy(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """The member as it may land: no setuid/setgid/sticky, nobody else may write, owned by us
    (what tarfile's "data" filter does, done here for every Python)."""
    safe = copy.copy(member)
    safe.mode = (member.mode & 0o755) | (0o700 if member.isdir() else 0o600)
    safe.uid, safe.gid, safe.uname, safe.gname = os.getuid(), os.getgid(), "", ""
    return safe


def _free_space(folder: str) -> tuple[int, int]:
    """(bytes, inodes) free for this user in `folder`'s filesystem."""
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize, st.f_favail


def check_archive(archive: str, top: str, room: str | None = None) -> list[tarfile.TarInfo]:
    """Every member checked, nothing written; UnpackError names the first bad member. With `room`
    (the folder it will land in) the sizes the headers declare must fit its free space: a bomb
    is refused at the first header that overflows it, without inflating the rest."""
    free, inodes = _free_space(room) if room else (None, None)
    tree, members, total = Tree(top), [], 0
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:       # lazily: one header at a time
                why = check_member(member, top) or tree.why_not(member, posixpath.normpath(member.name))
                if why:
                    raise UnpackError(f"{archive}: {why}; refused the whole archive, nothing was written")
                total += member.size
                members.append(safe_copy(member))
                if free is not None and (total > free or len(members) > inodes):
                    raise UnpackError(f"{archive}: unpacks to more than {total} bytes in {len(members)} files, "
                                      f"more than the {free} bytes / {inodes} files free in {room}; refused, "
                                      f"nothing was written (free some space, or is it a gzip bomb?)")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise UnpackError(f"{archive}: not a readable .tar.gz ({exc}); mix and deploy again") from None
    if not members:
        raise UnpackError(f"{archive}: the archive is empty; mix again")
    why = tree.escaping_link()
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


def _extract(archive: str, members: list, tmp: str) -> None:
    with _TouchingTarFile.open(archive, "r:gz") as tar:
        # The "data" filter (Python >= 3.11.4 / 3.12) is a second guard behind Tree and safe_copy.
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(tmp, members=members, **kw)


def _swap_in(new: str, dataset_dir: str, tmp: str) -> bool:
    """D -> D.prev, new -> D: renames in one folder, D briefly absent, never partial. With no
    current D an existing D.prev is left as it is. Whether there was a previous D."""
    prev = dataset_dir + ".prev"
    had_previous = os.path.lexists(dataset_dir)
    if had_previous:
        if os.path.lexists(prev):
            os.rename(prev, os.path.join(tmp, "old.prev"))
        os.rename(dataset_dir, prev)
    os.rename(new, dataset_dir)
    return had_previous


def install(archive: str, sha256: str, top: str, dataset_dir: str, state: str | None = None) -> str:
    top = check_name(top)
    archive = os.path.expanduser(archive)
    dataset_dir = dataset_folder(dataset_dir)
    parent, base = os.path.split(dataset_dir)
    if not os.path.isfile(archive):
        raise UnpackError(f"{archive}: not found; deploy again")
    got = sha256_file(archive)
    if got != sha256:
        raise UnpackError(f"{archive}: sha256 {got[:16]}... does not match the manifest's {sha256[:16]}...; "
                          f"the copy is damaged or not this mix: deploy again")
    os.makedirs(parent, exist_ok=True)
    members = check_archive(archive, top, room=parent)
    with _locked(dataset_dir):
        _clear_leftovers(dataset_dir)
        tmp = os.path.join(parent, f".{base}{INCOMING}{os.getpid()}")
        os.mkdir(tmp)
        try:
            try:
                _extract(archive, members, tmp)
            except OSError as exc:
                raise UnpackError(f"{archive}: unpacking into {parent} failed: {exc.strerror or exc}; "
                                  f"nothing was changed (free some space there)") from None
            new = os.path.join(tmp, top)
            if not os.path.isdir(new):
                raise UnpackError(f"{archive}: has no top folder {top}/; mix again")
            # No Ctrl-C between the renames: the dataset is swapped in whole, or not at all.
            old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                had_previous = _swap_in(new, dataset_dir, tmp)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if state:
        _write_state(os.path.expanduser(state), {"name": top, "sha256": sha256, "dataset_dir": dataset_dir})
    kept = f"; the previous one is kept as {dataset_dir}.prev" if had_previous else ""
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
    dataset_dir = dataset_folder(dataset_dir or _dataset_dir_from_state(state))
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


class _Parser(argparse.ArgumentParser):
    def error(self, message):   # one line, exit 1, as every other refusal (not usage + exit 2)
        print(f"error: unpack: {message} (pass values that start with '-' as --top=VALUE)", file=sys.stderr)
        sys.exit(1)


def main(argv=None) -> int:
    ap = _Parser(prog="unpack", description="verify, unpack and swap in a mixed dataset")
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
        where = exc.filename or getattr(args, "dataset_dir", None) or args.state or "the dataset folder"
        print(f"error: {where}: {exc.strerror or exc}; check the folder's permissions and free space",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted before the swap; the previous dataset was left in place", file=sys.stderr)
        return 130
    except Exception as exc:   # never a traceback on the host: one line, exit 1
        print(f"error: unpack failed unexpectedly ({type(exc).__name__}: {exc}); the previous dataset was "
              f"left in place", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
