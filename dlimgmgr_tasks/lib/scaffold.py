"""Scaffold a new project: projects/NAME with project.yaml, master/sources/, augment.py, README and
notebooks/NAME.ipynb (the trial-and-error notebook: lib/trial behind it).

The files come from `projects/common/templates/` (`string.Template` placeholders: `$name`,
`$classes`, `$sources`). Everything is built in a hidden folder beside the target and renamed
into place, so a refused or failed scaffold leaves nothing behind.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import string
import tempfile
import unicodedata
from pathlib import Path

import yaml

from . import projects as projects_lib
from .errors import UserError
from .inflight import NEW_PROJECT

TEMPLATES = ("project.yaml", "augment.py", "README.md")
NOTEBOOK = "notebook.ipynb"   # -> notebooks/NAME.ipynb
# What Pillow calls a format -> the extension the file gets in master/sources/.
SOURCE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png"}
# File stems that name the file, not what it shows (dl_image_manager called every icon image.jpg):
# a class made from one would be wrong without a word, so new and import ask for --class instead.
GENERIC_STEMS = {"image", "img", "icon", "source", "src", "picture", "pic", "photo", "screenshot", "screen",
                 "capture", "file", "untitled", "sample", "master", "image_extended", "crop", "cut", "new",
                 "dsc", "pxl", "scan", "export", "download"}


def templates_dir(ws) -> Path:
    return ws.common_dir / "templates"


def sanitise_name(text: str) -> str:
    """A project name from free text (a file stem): lowercase ASCII, digits, '_' and '-'; '' if nothing is left."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9_-]+", "_", text).strip("_-")[:64].strip("_-")
    return "" if text in projects_lib.RESERVED else text


def sanitise_class(text: str) -> str:
    """A class name from free text: letters (any script, so kanji stay), digits, '_' and '-'.

    Class names become file names (ImageSets/Main/<class>_train.txt) and labelmap.txt lines.
    """
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[^\w-]+", "_", text).strip("_-")[:64]


def is_generic_stem(stem: str) -> bool:
    """True for a stem such as image, IMG_0042, icon-2 or Screenshot 2024-01-01: no class in it."""
    name = sanitise_class(stem)
    core = re.sub(r"[\d_-]+$", "", name).rstrip("_-")
    return not core or core in GENERIC_STEMS or core.removesuffix("_extended") in GENERIC_STEMS


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name


def source_extension(path) -> str:
    """Check that `path` is a fully readable JPEG or PNG and return the extension it should carry.

    Raises UserError naming the file and the fix. Sources are small, so the whole image is decoded.
    """
    from PIL import Image

    from . import images

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file; give the path of a jpg or png image")
    try:
        with Image.open(path) as im:
            fmt = im.format
            im.load()
    except Exception as exc:  # Pillow raises many types for a damaged file; all mean "unreadable"
        raise UserError(f"{path}: not a readable image ({type(exc).__name__}: {exc}); "
                        f"replace it with a jpg or png") from None
    try:
        images.verify(path)  # what check will refuse: a JPEG cut and closed, not upright
    except images.ImageProblem as exc:
        raise UserError(f"{path}: the image {exc}; {exc.fix.replace('FILE', str(path))}") from None
    if fmt not in SOURCE_FORMATS:
        raise UserError(f"{path}: is a {fmt} image; convert it to png or jpg first")
    return SOURCE_FORMATS[fmt]


def check_class(text: str) -> str:
    """A --class value as a class name; refuses one that sanitises to nothing."""
    name = sanitise_class(str(text or ""))
    if not name:
        raise UserError(f"--class {text!r} leaves no class name; use letters, digits, '_' or '-', e.g. --class close")
    return name


def plan_sources(sources, taken: set[str] | None = None, source_class: str | None = None) -> list[tuple[Path, str]]:
    """(source file, file name in master/sources/) for each readable source; stem = sanitised class name:
    `source_class` when given, else the file's stem, refused when that stem is generic (image.jpg)."""
    taken = set() if taken is None else taken
    planned = []
    for src in sources:
        ext = source_extension(src)
        if source_class is None and is_generic_stem(Path(src).stem):
            raise UserError(f"{src}: its file name {Path(src).stem!r} names no class (every dl_image_manager "
                            f"icon is image.jpg); say what it shows with --class CLASS")
        stem = check_class(source_class) if source_class is not None else sanitise_class(Path(src).stem)
        planned.append((Path(src), _unique(stem, taken) + ext))
    return planned


def _render(text: str, **values) -> str:
    # safe_substitute: a stray '$' someone adds to a template stays as it is
    return string.Template(text).safe_substitute(**values)


def create(ws, name: str, sources=(), classes=None, source_class: str | None = None) -> Path:
    """Create projects/NAME in the workspace (lib.workspace.Workspace); returns its path. Refuses a
    bad or taken name before touching the disk. `source_class` names the sources' class (--class)."""
    projects_lib.check_name(name)
    pdir = ws.projects_dir
    target = pdir / name
    if os.path.lexists(target):
        raise UserError(f"projects/{name}: already exists; pick another name, or add images to it with "
                        f"inv dlimgmgr.import DIR --project {name}")
    tdir = templates_dir(ws)
    missing = [t for t in (*TEMPLATES, NOTEBOOK) if not (tdir / t).is_file()]
    if missing:
        raise UserError(f"{tdir / missing[0]}: template missing; restore projects/common/templates/ from git")
    planned = plan_sources(sources, source_class=source_class)
    if classes is None and source_class is not None:
        classes = [check_class(source_class)]
    if classes is None:
        classes = [Path(dest).stem for _, dest in planned] or [name]
    values = {
        "name": name,
        "classes": yaml.safe_dump(list(classes), default_flow_style=True, allow_unicode=True).strip(),
        "sources": ", ".join(dest for _, dest in planned) or "none yet; add some with inv dlimgmgr.import",
    }
    with staged_project(ws, name, NEW_PROJECT, f"projects/{name}: already exists; pick another name") as tmp:
        rendered = {t: _render((tdir / t).read_text(encoding="utf-8"), **values) for t in TEMPLATES}
        projects_lib._validate(target / "project.yaml", projects_lib.load_yaml(rendered["project.yaml"]))
        for t, text in rendered.items():
            (tmp / t).write_text(text, encoding="utf-8")
        (tmp / "master" / "sources").mkdir(parents=True)
        (tmp / "notebooks").mkdir()
        (tmp / "notebooks" / f"{name}.ipynb").write_text(
            _render((tdir / NOTEBOOK).read_text(encoding="utf-8"), name=name), encoding="utf-8")
        for src, dest in planned:
            shutil.copyfile(src, tmp / "master" / "sources" / dest)
    return target


@contextlib.contextmanager
def staged_project(ws, name: str, prefix: str, taken: str):
    """A hidden temp folder in projects/ that becomes projects/NAME in one rename when the block
    ends without error, and is removed otherwise; `taken`: the line when NAME appeared meanwhile."""
    pdir = ws.projects_dir
    pdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}{name}-", dir=pdir))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700; a project folder is an ordinary folder
        if os.path.lexists(pdir / name):  # someone else was quicker
            raise UserError(taken)
        os.rename(tmp, pdir / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
