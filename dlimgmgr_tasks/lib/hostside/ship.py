"""The orchestrator's side of the pytorch host's unpacker: send its files, spell its command.

The pytorch host has only Python, and no copy of this package: the unpacker's files (standard
library only, see lib/hostside/__init__.py) go there with Host.put_file, at their own paths under
target_home/.dlimgmgr/hostside/VERSION/ (VERSION: a digest of their bytes, so a changed unpacker
is a new folder and an unchanged one is sent once), and run there as
`python -m dlimgmgr_tasks.lib.hostside.unpack`, the same module this machine's tests run.

    where = ensure(host, first="mkdir -p -- ...")   # one round trip when the files are there
    host.run(command(host, where, "prepare", "--archive=...", ...))
"""
from __future__ import annotations

import hashlib
from pathlib import Path

MODULE = "dlimgmgr_tasks.lib.hostside.unpack"
SHIPPED = ".dlimgmgr/hostside"      # under target_home: one folder per version of the files
COMPLETE = ".complete"              # in a version's folder: every file arrived
_PACKAGE = Path(__file__).resolve().parent.parent.parent    # dlimgmgr_tasks/
# Relative to dlimgmgr_tasks/; the two __init__ files above hostside import nothing.
FILES = ("__init__.py", "lib/__init__.py", "lib/inflight.py", "lib/hostside/__init__.py",
         "lib/hostside/cli.py", "lib/hostside/unpack.py", "lib/hostside/unpack_members.py")


def files() -> dict[str, Path]:
    """{path in the shipped tree: the file here} of everything the unpacker imports."""
    return {f"{_PACKAGE.name}/{rel}": _PACKAGE / rel for rel in FILES}


def version() -> str:
    h = hashlib.sha256()
    for rel, path in files().items():
        data = path.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode() + data)
    return h.hexdigest()[:16]


def ensure(host, first: str = "", what: str = "checking the unpacker") -> str:
    """The folder on host that holds the unpacker's files, sent now if they are not all there.
    `first`: a shell command to run in the same round trip (before the check); `what`: how a
    failure of that round trip is named."""
    where = f"{host.home}/{SHIPPED}/{version()}"
    check = f"if [ -f {host.quote(f'{where}/{COMPLETE}')} ]; then echo have; fi"
    if host.run(f"{first} && {check}" if first else check, what=what).strip() == "have":
        return where
    folders = sorted({f"{where}/{rel.rpartition('/')[0]}" for rel in files()})
    host.run("mkdir -p -- " + " ".join(host.quote(f) for f in folders), what="making the unpacker's folder")
    for rel, path in files().items():
        host.put_file(path, f"{where}/{rel}")   # each a temp name, then renamed: never half a file
    host.run(f": > {host.quote(f'{where}/{COMPLETE}')}", what="sending the unpacker")
    return where


def command(host, where: str, *args: str) -> str:
    """The shell command that runs the unpacker in `where` with the host's python."""
    # `; exit $?`: the shell stays the program's parent, so a killed shell leaves the program to
    # notice its closed stdout and clean up.
    words = " ".join(host.quote(a) for a in args)
    return f"cd {host.quote(where)} && {host.python} -m {MODULE} {words}; exit $?"
