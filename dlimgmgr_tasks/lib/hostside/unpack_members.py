"""The archive checks of hostside/unpack.py (standard library only, runs on the pytorch host with it):
every member of a mixed dataset archive checked before anything is written, on any Python.

A regular file or folder under the single top folder NAME/ (a plain name), or a link that stays
inside it once resolved through the links before and after it; never an absolute path, '..', a
device, a FIFO, a name twice; modes lose setuid/setgid/sticky and group/other write; the sizes
the headers declare must fit the free space (a gzip bomb stops at its first header).
"""
from __future__ import annotations

import copy
import hashlib
import os
import posixpath
import tarfile
import zlib

CHUNK = 1 << 20


class UnpackError(Exception):
    """A refused archive or an unusable state; the message is one line for a person."""


def _no_beat() -> None:
    pass


def sha256_file(path: str, beat=_no_beat) -> str:
    """The file's sha256; `beat()` is called between chunks (unpack.py's liveness check)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
            beat()
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


def check_archive(archive: str, top: str, room: str | None = None, beat=_no_beat) -> list[tarfile.TarInfo]:
    """Every member checked, nothing written; UnpackError names the first bad member. With `room`
    (the folder it will land in) the sizes the headers declare must fit its free space: a bomb
    is refused at the first header that overflows it, without inflating the rest."""
    free, inodes = _free_space(room) if room else (None, None)
    tree, members, total = Tree(top), [], 0
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:       # lazily: one header at a time
                beat()
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


