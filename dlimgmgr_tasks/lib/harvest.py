"""Harvest: add newly captured source images from a folder, skipping those already known.

As the original harvesting step did, an image is "known" when a file with the same content
(sha256) already sits in any project's `master/sources/`; `each=True` makes one new project
per new image instead of adding to one project.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import projects as projects_lib
from . import scaffold, text
from .errors import UserError
from .hashing import sha256_file

ADDED, SKIPPED, REFUSED, IGNORED = "added", "skipped", "refused", "ignored"


@dataclass(frozen=True)
class Outcome:
    file: Path
    status: str          # added | skipped | refused | ignored
    detail: str          # where it went, what it is known as, or why it was refused

    def line(self) -> str:
        return f"{self.status:8} {self.file.name}: {self.detail}"


def known_sources(ws) -> dict[str, Path]:
    """sha256 -> source file, over every project's master/sources/ (valid project.yaml or not)."""
    known = {}
    pdir = ws.projects_dir
    if not pdir.is_dir():
        return known
    for project in sorted(pdir.iterdir()):
        sources = project / "master" / "sources"
        if project.name in projects_lib.RESERVED or not sources.is_dir():
            continue
        for path in sorted(sources.iterdir()):
            if projects_lib.is_image(path):
                known.setdefault(sha256_file(path), path)
    return known


def candidates(src_dir) -> list[Path]:
    """The files directly in `src_dir` (hidden files skipped), sorted by name."""
    src_dir = Path(src_dir)
    if not src_dir.is_dir():
        raise UserError(f"{src_dir}: not a folder; give the folder that holds the harvested images")
    return sorted(p for p in src_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def _copy_into(src: Path, folder: Path, dest_name: str) -> Path:
    """Copy without ever overwriting: temp file in the same folder, then rename to a free name."""
    fd, tmp = tempfile.mkstemp(prefix=".import-", dir=folder)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        dest = folder / dest_name
        if os.path.lexists(dest):
            raise FileExistsError(dest)
        os.rename(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def _project_name_for(path: Path, taken: set[str], source_class: str | None = None) -> str:
    stem = source_class if source_class and scaffold.is_generic_stem(path.stem) else path.stem
    base = scaffold.sanitise_name(stem) or "harvested"
    name, n = base, 2
    while name in taken:
        suffix = f"-{n}"
        name = base[:64 - len(suffix)] + suffix
        n += 1
    return name


def import_dir(ws, src_dir, project: str | None = None, each: bool = False,
               source_class: str | None = None) -> list[Outcome]:
    """Add the new images in `src_dir` to `project` (or one new project each) of the workspace
    (lib.workspace.Workspace); one Outcome per file. `source_class` (--class) names what they show:
    the files are named after it, and --each projects get it as their class, not the file stem."""
    root = ws.root
    if bool(project) == bool(each):
        raise UserError("say where the images go: --project NAME (an existing project) or --each "
                        "(one new project per image), not both")
    if source_class is not None:
        source_class = scaffold.check_class(source_class)
    target = ws.project(project) if project else None
    files = candidates(src_dir)
    known = known_sources(ws)
    taken_projects = {p.name for p in ws.projects_dir.iterdir()} if each else set()
    taken_files = {p.stem for p in target.sources_dir.iterdir()} if target and target.sources_dir.is_dir() else set()
    outcomes = []
    for path in files:
        if path.suffix.lower() not in projects_lib.IMAGE_EXTS:
            outcomes.append(Outcome(path, IGNORED, f"not a {'/'.join(projects_lib.IMAGE_EXTS)} file"))
            continue
        digest = sha256_file(path)
        if digest in known:
            outcomes.append(Outcome(path, SKIPPED, f"known as {text.shown(known[digest], root)}"))
            continue
        try:
            if target is not None:
                cls = source_class
                if cls is None and scaffold.is_generic_stem(path.stem) and len(target.classes) == 1:
                    cls = target.classes[0]  # image.jpg into a one-class project shows that class
                (_, dest_name), = scaffold.plan_sources([path], taken_files, source_class=cls)
                target.sources_dir.mkdir(parents=True, exist_ok=True)
                dest = _copy_into(path, target.sources_dir, dest_name)
            else:
                name = _project_name_for(path, taken_projects, source_class)
                taken_projects.add(name)
                pdir = scaffold.create(ws, name, sources=[path], source_class=source_class)
                dest = next((pdir / "master" / "sources").iterdir())
        except UserError as exc:
            outcomes.append(Outcome(path, REFUSED, str(exc).removeprefix(f"{path}: ")))
            continue
        known[digest] = dest
        detail = f"-> {text.shown(dest, root)}"
        if target is not None:
            try:
                target.source_class(dest)
            except UserError:
                detail += (f" (no class for it yet: rename it after a class or map it under "
                           f"source_classes in {text.shown(target.yaml_path, root)})")
        outcomes.append(Outcome(path, ADDED, detail))
    return outcomes
