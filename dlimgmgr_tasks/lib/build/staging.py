"""The staging folder beside build/: where a build lands before it replaces the previous one.

Nothing lost: a build writes into projects/NAME/.build.tmp-PID, is numbered and finished there,
and is swapped in with two renames (Ctrl-C held for their duration); a crash or Ctrl-C leaves
the previous build/ as it was, and the next build's `recover` removes what it left. A lock
file keeps two builds of one project apart.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .. import files
from .plan import FINGERPRINT

STAGING_PREFIX = ".build.tmp-"          # the orchestrator's staging folder
SHARE_PREFIX = ".build.tmp-share-"      # a host's share folder (in that host's target_home)
OLD_PREFIX = ".build.old-"
LOCK = ".build.lock"
INCOMING = ".incoming."                 # lib.hosts.streams' temp folders beside a destination


def lock(project):
    """One build of a project at a time (a second is refused at once)."""
    return files.locked(project.dir / LOCK, f"build of {project.name!r}")


def recover(project) -> None:
    """Undo what an interrupted earlier run left: staging and share folders, a half-done swap."""
    olds = sorted(project.dir.glob(OLD_PREFIX + "*"))
    if not project.build_dir.exists() and olds:
        os.rename(olds[-1], project.build_dir)  # died between the swap's two renames
        olds = olds[:-1]
    litter = [*project.dir.glob(STAGING_PREFIX + "*"), *project.dir.glob(f".{STAGING_PREFIX}*{INCOMING}*")]
    for path in [*litter, *olds]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def create(project) -> Path:
    staging = project.dir / f"{STAGING_PREFIX}{os.getpid()}"
    staging.mkdir()
    return staging


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def finish(staging: Path, project, records: list[dict], size) -> int:
    """Number the records by (carrier, index, k) -- never by which worker or host made them --,
    write each XML, rename each JPEG to its final name, drop anything else, write the fingerprint
    file's images and size (the caller adds the digest). Returns the number of images."""
    from .. import voc
    records = sorted(records, key=lambda r: r["key"])
    keep = set()
    for n, rec in enumerate(records, 1):
        stem = f"{project.name}_{n:06d}"
        objects = [voc.VocObject.from_edges(o[0], *o[1:5], pose=o[5], truncated=o[6], difficult=o[7])
                   for o in rec["objects"]]
        ann = voc.Annotation(f"{stem}.jpg", rec["width"], rec["height"], 3, objects, folder=project.name)
        voc.write(staging / f"{stem}.xml", ann)
        os.rename(staging / rec["tmp"], staging / f"{stem}.jpg")
        keep.update((f"{stem}.jpg", f"{stem}.xml"))
    for path in staging.iterdir():  # e.g. what a failed host's share left half-fetched
        if path.name not in keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return len(records)


def write_fingerprint(staging: Path, digest: str, images: int, size) -> None:
    (staging / FINGERPRINT).write_text(json.dumps(
        {"fingerprint": digest, "images": images, "size": list(size)}, indent=1) + "\n")


def swap(project, staging: Path) -> None:
    """Put the finished staging folder in build/'s place; the old build goes."""
    old = project.dir / f"{OLD_PREFIX}{os.getpid()}"
    with files.no_interrupt():
        if project.build_dir.exists():
            os.rename(project.build_dir, old)
        os.rename(staging, project.build_dir)
    shutil.rmtree(old, ignore_errors=True)
