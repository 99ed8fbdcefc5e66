"""Sync: make a host's tool tree (target_home/.dlimgmgr/tree, tree.py) hold exactly our copy of
what its build share reads. The person's files in target_home beside it are never touched.

The scope is the framework (dlimgmgr_tasks/), projects/common/ and the named projects (minus
build/ and in-flight folders). The host lists the sha256 of what it has with lib.hosts' one
listing command (all scope folders in one round trip); only files that differ travel, in one
tar stream (host.push_tree), and files gone here are removed there. Both sides skip exactly the
same names. A host whose target_home is this very checkout (the default `local`) reads our own
files: it is neither listed nor hashed.

Before the tree, the tool synced into target_home itself. What that left there may now be a
person's work (they edit the clone), so none of it is removed: only the build's own in-flight
share folders there that are hours old go, as they always did.
"""
from __future__ import annotations

import fnmatch
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from ..hashing import sha256_file
from ..inflight import BUILD_GLOB, INCOMING, SHARE
from .tree import tool_tree

FRAMEWORK = "dlimgmgr_tasks"
COMMON = "projects/common"
# Never synced: caches, compiled files, and generated or in-flight folders.
SKIP = ("__pycache__", "*.pyc", ".ipynb_checkpoints", ".pytest_cache", BUILD_GLOB, f"*{INCOMING}*")
PROJECT_SKIP = SKIP + ("build",)
RM_BATCH = 200
STALE_MINUTES = 120  # a share folder this old on a host was left by a run that could not clean up
_END = "//\0"        # ends each folder's listing: "//" is in no path find prints
_PRINT_END = "printf '//\\0'"


@dataclass
class SyncStat:
    sent: int = 0
    removed: int = 0


def scope(names) -> list[tuple[str, tuple[str, ...]]]:
    """(folder relative to the workspace root, names skipped in it) a share of these projects reads."""
    return [(FRAMEWORK, SKIP), (COMMON, SKIP), *((f"projects/{n}", PROJECT_SKIP) for n in names)]


def _skipped(name: str, skip) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in skip)


def manifest(ws, names) -> dict[str, str]:
    """{path relative to the workspace root: sha256} of our files in the scope."""
    out: dict[str, str] = {}
    for top, skip in scope(names):
        base = ws.root / top
        for dirpath, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not _skipped(d, skip))
            for f in sorted(files):
                full = Path(dirpath, f)
                if not _skipped(f, skip) and full.is_file() and not full.is_symlink():
                    out[full.relative_to(ws.root).as_posix()] = sha256_file(full)
    return out


def _listing_command(host, names) -> str:
    from ..hosts import sha256s_script
    home = host.home.rstrip("/")
    homes = [home, *([host.workbench.rstrip("/")] if hasattr(host, "workbench") else [])]
    parts = [f"find {host.quote(f'{h}/projects/{n}')} -maxdepth 1 -name '{SHARE}*' "
             f"-mmin +{STALE_MINUTES} -exec rm -rf {{}} + 2>/dev/null; " for h in homes for n in names]
    for top, skip in scope(names):
        word = host.quote(f"{home}/{top}")
        parts.append(f"({sha256s_script(word, skip, hidden=True)}); {_PRINT_END}; ")
    return "".join(parts) + "exit 0"


def listing(host, names) -> dict[str, str]:
    """{path relative to target_home: sha256} of what the host has in the scope."""
    from ..hosts import parse_sha256s
    out = host.run(_listing_command(host, names), what="listing target_home")
    theirs: dict[str, str] = {}
    for (top, _), part in zip(scope(names), out.split(_END)):
        for rel, digest in (parse_sha256s(part) or {}).items():
            theirs[f"{top}/{rel}"] = digest
    return theirs


def sync(host, ws, names, mine: dict[str, str] | None = None) -> SyncStat:
    """Make the host's tool tree hold exactly our scope; `mine`: our manifest, if already made."""
    if host.same_tree(ws.root):
        return SyncStat()   # its stale share folders are the build's own (staging.recover removes them)
    host = tool_tree(host, ws)
    mine = manifest(ws, names) if mine is None else mine
    theirs = listing(host, names)
    send = sorted(p for p, d in mine.items() if theirs.get(p) != d)
    gone = sorted(set(theirs) - set(mine))
    if send:
        host.push_tree(ws.root, host.home, paths=send)
    for i in range(0, len(gone), RM_BATCH):
        words = " ".join(shlex.quote(p) for p in gone[i:i + RM_BATCH])
        host.run(f"cd {host.quote(host.home)} && rm -f -- {words}", what="removing files deleted here")
    return SyncStat(len(send), len(gone))
