"""The leakage check of a mix (dist/NAME.tar.gz) or a Pascal VOC folder: a master carrier in two
splits, identical image bytes in two splits, and, as a warning, a near-duplicate source icon in
two projects. Either leak makes val (or test) score images the model trained on.

A carrier is what an annotation's `<source><image>` names (the build writes it), within its
project (an id is PROJECT_NNNNNN); an image that names none cannot be checked for it and is
counted. Splits come from ImageSets/Main/{train,val,test}.txt; an id listed in two is two copies.
"""
from __future__ import annotations

import hashlib
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import voc
from ..errors import UserError

SPLIT_FILES = ("train", "val", "test")
NEAR = 6          # dHash bits (of 64) two icons may differ by and still be the same icon
LISTED = 4        # copies named on one line


@dataclass
class Leakage:
    title: str
    images: int = 0
    carriers: int = 0
    unnamed: int = 0                                   # images naming no carrier
    carrier_lines: list = field(default_factory=list)  # one per carrier in two splits
    bytes_lines: list = field(default_factory=list)    # one per content in two splits
    warnings: list = field(default_factory=list)       # near-duplicate icons

    @property
    def leaks(self) -> int:
        return len(self.carrier_lines) + len(self.bytes_lines)

    def lines(self) -> list[str]:
        return self.carrier_lines + self.bytes_lines + self.warnings

    def summary(self) -> str:
        unnamed = f" ({self.unnamed} image(s) name no carrier)" if self.unnamed else ""
        return (f"{self.title}: {self.images} images, {self.carriers} carriers{unnamed}: "
                f"{len(self.carrier_lines)} carrier(s) in two splits, "
                f"{len(self.bytes_lines)} identical image(s) in two splits")


@dataclass
class _Read:
    """What the check needs of a dataset: per id its carrier and sha256, the splits listing it."""
    carrier: dict = field(default_factory=dict)
    digest: dict = field(default_factory=dict)
    splits: dict = field(default_factory=dict)

    def take(self, rel: str, data: bytes) -> None:
        """One file of the dataset, by its path below the top folder."""
        folder, _, name = rel.rpartition("/")
        stem = name.rsplit(".", 1)[0]
        if folder == voc.ANNOTATIONS and name.endswith(".xml"):
            try:
                self.carrier[stem] = voc.source_image(data)
            except voc.VocError as exc:
                raise UserError(f"{rel}: {exc}; fix or remove it, then check again") from None
        elif folder == voc.JPEG_IMAGES:
            self.digest[stem] = hashlib.sha256(data).hexdigest()
        elif folder == voc.IMAGE_SETS_MAIN and stem in SPLIT_FILES and name.endswith(".txt"):
            for line in data.decode("utf-8", "replace").split("\n"):
                if line.split():
                    self.splits.setdefault(line.split()[0], []).append(stem)


def _read_archive(archive: Path, top: str) -> _Read:
    read = _Read()
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                if member.isfile() and member.name.startswith(f"{top}/"):
                    read.take(member.name[len(top) + 1:], tar.extractfile(member).read())
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise UserError(f"{archive}: cannot be read as a mix archive ({exc}); run inv mix again") from None
    return read


def _voc_root(folder: Path) -> Path:
    """The folder holding ImageSets/Main: this one, or the one folder below it that does (an
    unpacked mix's NAME/, a vocdevkit layout's VOCdevkit/VOC2012)."""
    for _ in range(3):
        if (folder / voc.IMAGE_SETS_MAIN).is_dir():
            return folder
        subs = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        if len(subs) != 1:
            break
        folder = subs[0]
    return folder


def _read_folder(folder: Path) -> _Read:
    folder = _voc_root(folder)
    if not (folder / voc.IMAGE_SETS_MAIN).is_dir():
        raise UserError(f"{folder}: not a Pascal VOC folder (no {voc.IMAGE_SETS_MAIN}/); "
                        f"name a mix (dist/NAME.tar.gz) or a folder holding Annotations/, ImageSets/, JPEGImages/")
    read = _Read()
    for sub in (voc.ANNOTATIONS, voc.JPEG_IMAGES, voc.IMAGE_SETS_MAIN):
        for entry in sorted(os.scandir(folder / sub) if (folder / sub).is_dir() else [], key=lambda e: e.name):
            if entry.is_file():
                with open(entry.path, "rb") as f:
                    read.take(f"{sub}/{entry.name}", f.read())
    return read


def _project_of(stem: str, projects) -> str:
    for name in sorted(projects, key=len, reverse=True):
        if stem.startswith(f"{name}_"):
            return name
    return ""


def _listed(paths: list[str]) -> str:
    more = f" and {len(paths) - LISTED} more" if len(paths) > LISTED else ""
    return ", ".join(paths[:LISTED]) + more


def find(title: str, read: _Read, projects) -> Leakage:
    """The leaks of a dataset read: one line per carrier, one per content, in two splits."""
    out = Leakage(title, images=len(read.splits))
    by_carrier, by_digest = {}, {}
    for stem, splits in sorted(read.splits.items()):
        carrier = read.carrier.get(stem, "")
        if carrier:
            key = (_project_of(stem, projects), carrier)
            for split in splits:
                by_carrier.setdefault(key, {}).setdefault(split, []).append(stem)
        else:
            out.unnamed += 1
        digest = read.digest.get(stem)
        for split in splits:
            by_digest.setdefault(digest or f"?{stem}", []).append((split, stem))
    out.carriers = len(by_carrier)
    for (project, carrier), where in sorted(by_carrier.items()):
        if len(where) > 1:
            shown = f"{project}/{carrier}" if project else carrier
            parts = " and ".join(f"{s} ({len(where[s])} image(s), e.g. {where[s][0]})"
                                 for s in SPLIT_FILES if s in where)
            out.carrier_lines.append(f"{title}: carrier {shown} is in {parts}; its images must share "
                                     f"one split: mix again (inv mix) or move them into one split")
    for digest, copies in sorted(by_digest.items(), key=lambda kv: sorted(kv[1])):
        if len({s for s, _ in copies}) > 1:
            paths = [f"{voc.JPEG_IMAGES}/{stem}.jpg ({s})" for s, stem in sorted(copies, key=lambda c: (c[1], c[0]))]
            out.bytes_lines.append(f"{title}: identical bytes in two splits: {_listed(paths)}; "
                                   f"keep one copy, or all in one split")
    return out


def check(ws, target: str) -> Leakage:
    """The leakage of a mix named `target` (dist/NAME.tar.gz) or of the VOC folder at that path."""
    from . import check_name

    path = Path(target).expanduser()
    if os.sep in target or path.is_dir():
        if not path.is_dir():
            raise UserError(f"{path}: no such folder; name a mix (dist/NAME.tar.gz) or a VOC folder")
        read = _read_folder(path)
        known = ws.project_names() if ws.projects_dir.is_dir() else []
        projects = sorted({_project_of(stem, known) for stem in read.splits} - {""})
        leak = find(str(path), read, projects)
    else:
        check_name(target)
        archive = ws.dist_dir / f"{target}.tar.gz"
        if not archive.is_file():
            raise UserError(f"{archive}: no such mix; run inv mix --name {target}, or name a VOC folder")
        manifest = _manifest(ws.dist_dir / f"{target}.manifest.json")
        projects = sorted((manifest.get("provenance") or {}).get("projects") or {}) or ws.project_names()
        leak = find(f"mix {target}", _read_archive(archive, manifest.get("name") or target), projects)
    from .icons import near_duplicates
    leak.warnings = near_duplicates(ws, projects, NEAR)
    return leak


def _manifest(path: Path) -> dict:
    import json
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}   # the archive alone still says where each image went
