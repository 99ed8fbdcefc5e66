"""The staging folder beside build/: where a build lands before it replaces the previous one.

Nothing lost: a build writes into projects/NAME/.build.tmp-PID, is numbered and finished there,
and is swapped in with two renames (Ctrl-C held for their duration); a crash or Ctrl-C leaves
the previous build/ as it was, and the next build's `recover` removes what it left. A lock
file keeps two builds of one project apart.
"""
from __future__ import annotations

import heapq
import json
import os
import re
import shutil
from pathlib import Path

from .. import files
from ..inflight import BUILD_LOCK, OLD, STAGING, incoming
from ..projects import BUILD_RECORD

# The names a sampler gives an output before numbering (temp_name), and nothing else.
TEMP_NAME = re.compile(r"i\d{5,}_\d{6,}_\d{6,}\.(jpg|xml)")


def lock(project):
    """One build of a project at a time (a second is refused at once)."""
    return files.locked(project.dir / BUILD_LOCK, f"build of {project.name!r}")


def recover(project) -> None:
    """Undo what an interrupted earlier run left: staging and share folders, a half-done swap."""
    olds = sorted(project.dir.glob(OLD + "*"))
    if not project.build_dir.exists() and olds:
        os.rename(olds[-1], project.build_dir)  # died between the swap's two renames
        olds = olds[:-1]
    litter = [*project.dir.glob(STAGING + "*"), *project.dir.glob(incoming(STAGING + "*") + "*")]
    for path in [*litter, *olds]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def create(project) -> Path:
    staging = project.dir / f"{STAGING}{os.getpid()}"
    staging.mkdir()
    return staging


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def temp_name(ci: int, index: int, k: int) -> str:
    """Output k of item (ci, index), as a sampler writes its JPEG (its XML: .xml for .jpg)."""
    return f"i{ci:05d}_{max(index, 0):06d}_{k:06d}.jpg"


def numbered_xml(project_name: str, carrier: str, width: int, height: int, objects: list[list]) -> tuple[bytes, int]:
    """A record's VOC XML, written where the image is made (in a worker), as image NAME_000000's:
    (its bytes, the offset of the six digits that numbering fills in at the finish). `carrier`:
    the master carrier's file name, kept in <source><image> (the mix splits by it).
    objects: [label, x0, y0, x1, y1, pose, truncated, difficult] with 0-based edges."""
    from .. import voc
    rows = [voc.VocObject.from_edges(o[0], *o[1:5], pose=o[5], truncated=o[6], difficult=o[7]) for o in objects]
    data = voc.dumps(voc.Annotation(f"{project_name}_{0:06d}.jpg", width, height, 3, rows, folder=project_name,
                                     source_image=carrier))
    slot = data.index(f"<filename>{project_name}_".encode()) + len(f"<filename>{project_name}_".encode())
    return data, slot


def _number_xml(path: Path, slot: int, n: int) -> None:
    """Put number n into an XML numbered_xml wrote: six digits in place, else (n >= 1,000,000) the
    file rewritten with the longer name."""
    digits = f"{n:06d}".encode()
    if len(digits) == 6:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.pwrite(fd, digits, slot)
        finally:
            os.close(fd)
        return
    data = path.read_bytes()
    path.write_bytes(data[:slot] + digits + data[slot + 6:])


def read_records(path: Path):
    """The records of one share's records file (JSON lines, in item order), one at a time."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _with_folder(records_file: Path):
    """(record, the folder its files are in) for each record of one share."""
    folder = records_file.parent
    for rec in read_records(records_file):
        yield rec, folder


def finish(staging: Path, project, record_files: list[Path], size) -> int:
    """Number the records by (carrier, index, k) -- never by which worker or host made them --:
    put the number into each XML, rename each JPEG and XML from its share's folder to its final
    name in staging, drop anything else (the share folders, what a failed host left half-fetched).
    The workers wrote the files (creating a file is the costly part, here done in parallel); the
    shares' records files are merged as they are read, so memory does not grow with the number
    of images. Returns the number of images."""
    streams = [_with_folder(path) for path in record_files]
    n = 0
    for n, (rec, folder) in enumerate(heapq.merge(*streams, key=lambda r: r[0]["key"]), 1):
        stem = f"{project.name}_{n:06d}"
        tmp_xml = folder / rec["tmp_xml"]
        _number_xml(tmp_xml, rec["xml_slot"], n)
        os.rename(tmp_xml, staging / f"{stem}.xml")
        os.rename(folder / rec["tmp"], staging / f"{stem}.jpg")
    final = re.compile(rf"{re.escape(project.name)}_(\d{{6,}})\.(jpg|xml)")
    for entry in os.scandir(staging):
        match = final.fullmatch(entry.name)
        if not match or not 1 <= int(match.group(1)) <= n:
            shutil.rmtree(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
    return n


def write_fingerprint(staging: Path, digest: str, images: int, size, checked: dict) -> None:
    """checked: the stamps (plan.recipe_stamp, plan.masters_stamp) this build's checks passed with."""
    (staging / BUILD_RECORD).write_text(json.dumps(
        {"fingerprint": digest, "images": images, "size": list(size), **checked}, indent=1) + "\n")


def swap(project, staging: Path) -> None:
    """Put the finished staging folder in build/'s place; the old build goes."""
    old = project.dir / f"{OLD}{os.getpid()}"
    with files.no_interrupt():
        if project.build_dir.exists():
            os.rename(project.build_dir, old)
        os.rename(staging, project.build_dir)
    shutil.rmtree(old, ignore_errors=True)
