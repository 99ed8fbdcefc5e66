"""Validate Pascal VOC annotations against their images: one `Problem` per thing a person must fix.

Fast on thousands of files: an image is opened once, Pillow reads only its header (for the size)
and the last bytes are looked at for a cheap truncation check; nothing is decoded. The XML is
parsed by `voc.parse` (entity declarations refused, so an expansion bomb costs nothing).

Lenient where real labelling tools differ (float coordinates from CVAT, `xmin 0`, a BOM,
`depth` 1 on an RGB image, an absolute `<path>`, extra tags); strict on what breaks a trainer.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import projects as projects_lib
from . import voc
from .errors import UserError

# How far from the end an end-of-image marker may sit (some writers pad after it).
TAIL_BYTES = 1024
JPEG_FORMATS = ("JPEG", "MPO")  # Pillow names camera JPEGs with extra frames "MPO"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file. `code` is stable for programs; `line()` is for people."""
    path: str
    code: str
    what: str
    fix: str

    def line(self) -> str:
        return f"{self.path}: {self.what}; {self.fix}"

    def __str__(self) -> str:
        return self.line()


def _show(path, root) -> str:
    """The path as people should read it: relative to the repo root when inside it."""
    path = Path(path)
    if root is not None:
        try:
            return str(path.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(path)


# --- images ---------------------------------------------------------------------------------

def image_size(path) -> tuple[int, int]:
    """(width, height) from the image header, after a cheap truncation check.

    Raises ValueError with a short reason when the file is missing, unreadable or cut short.
    """
    from PIL import Image

    try:
        f = open(path, "rb")
    except OSError as exc:
        raise ValueError(f"cannot be opened ({exc.strerror})") from None
    with f:
        try:
            with Image.open(f) as im:  # lazy: reads the header only
                size, fmt = im.size, im.format
        except Exception as exc:  # Pillow raises many types for a damaged file; all mean "unreadable"
            raise ValueError(f"is not a readable image ({type(exc).__name__})") from None
        f.seek(0, os.SEEK_END)
        end = f.tell()
        f.seek(max(0, end - TAIL_BYTES))
        tail = f.read()
    if fmt in JPEG_FORMATS and b"\xff\xd9" not in tail:
        raise ValueError("is a truncated JPEG (no end-of-image marker)")
    if fmt == "PNG" and b"IEND" not in tail:
        raise ValueError("is a truncated PNG (no IEND chunk)")
    if size[0] < 1 or size[1] < 1:
        raise ValueError(f"has an empty size {size[0]}x{size[1]}")
    return size


# --- annotations ----------------------------------------------------------------------------

# voc.parse's messages, mapped to a stable code and the fix a person applies.
_PARSE_CODES = (
    ("declares entities", "entities", "remove the <!DOCTYPE>/<!ENTITY> declarations (VOC needs none)"),
    ("not well-formed", "malformed-xml", "the file is truncated or damaged; restore it (git) or label the image again"),
    ("has no <bndbox>", "missing-bndbox", "draw the box again in the labelling tool, or delete the object"),
    ("not a number", "non-numeric", "write the coordinate as a number"),
    ("not a finite number", "non-numeric", "write the coordinate as a number"),
    ("missing <size>", "missing-size", "add <size> with the image's width, height and depth (re-save it in LabelImg)"),
    ("root element", "not-voc", "this is not a Pascal VOC annotation; replace it with one"),
)


def _parse_problem(path: str, exc: voc.VocError) -> Problem:
    msg = str(exc)
    for needle, code, fix in _PARSE_CODES:
        if needle in msg:
            return Problem(path, code, msg, fix)
    return Problem(path, "invalid-xml", msg, "fix the annotation or label the image again")


def _classes_text(classes) -> str:
    return ", ".join(classes) if classes else "none"


def _degenerate(lo: float, hi: float) -> bool:
    """Equal edges enclose no pixel when written as floats (CVAT) or as 0 (nothing drawn).

    A whole-number xmin == xmax >= 1 is VOC's 1-based inclusive one-pixel box, which is fine.
    """
    return lo == hi and (lo == 0 or lo % 1 != 0)


def check_annotation(ann: voc.Annotation, size, classes, path: str, yaml_hint: str = "project.yaml"
                     ) -> list[Problem]:
    """Rules on a parsed annotation; `size` is the real image's (width, height) or None if unknown."""
    problems = []
    if ann.width < 1 or ann.height < 1:
        problems.append(Problem(path, "bad-size", f"size is {ann.width}x{ann.height}",
                                "write the image's real width and height in <size>"))
    if size is not None and (ann.width, ann.height) != tuple(size) and ann.width >= 1 and ann.height >= 1:
        problems.append(Problem(path, "size-mismatch",
                                f"size says {ann.width}x{ann.height} but the image is {size[0]}x{size[1]}",
                                "re-open and save it in the labelling tool, or correct <size>"))
    width, height = size if size is not None else (ann.width, ann.height)
    known = set(classes) if classes is not None else None
    for i, obj in enumerate(ann.objects, 1):
        label = f"object {i} ({obj.name})" if obj.name else f"object {i}"
        if not obj.name:
            problems.append(Problem(path, "empty-class", f"{label} has an empty class name",
                                    f"name it with one of: {_classes_text(classes)}"))
        elif known is not None and obj.name not in known:
            problems.append(Problem(path, "unknown-class",
                                    f"{label} has class {obj.name!r}, not listed in {yaml_hint} classes",
                                    f"rename it to one of: {_classes_text(classes)}, or add it to classes"))
        coords = (obj.xmin, obj.ymin, obj.xmax, obj.ymax)
        box = "({:g}, {:g}, {:g}, {:g})".format(*coords)
        if min(coords) < 0:
            problems.append(Problem(path, "negative", f"{label} box {box} has a negative coordinate",
                                    "draw the box again inside the image"))
        elif obj.xmax < obj.xmin or obj.ymax < obj.ymin:
            problems.append(Problem(path, "inverted", f"{label} box {box} is inverted (max < min)",
                                    "swap the coordinates or draw the box again"))
        elif _degenerate(obj.xmin, obj.xmax) or _degenerate(obj.ymin, obj.ymax):
            problems.append(Problem(path, "empty-box", f"{label} box {box} is empty",
                                    "draw the box again or delete the object"))
        elif obj.xmax > width or obj.ymax > height:
            problems.append(Problem(path, "outside", f"{label} box {box} reaches outside the {width}x{height} image",
                                    "draw the box again inside the image"))
    return problems


def check_xml_bytes(data: bytes, image_path, classes, xml_name=None, root=None) -> list[Problem]:
    """Check annotation bytes (e.g. a file just pulled) against the image they describe.

    `classes` None skips the class rule; `xml_name` is what the problem lines call the XML.
    """
    shown = str(xml_name) if xml_name is not None else "<annotation>"
    try:
        ann = voc.parse(data)
    except voc.VocError as exc:
        return [_parse_problem(shown, exc)]
    size = None
    problems = []
    if image_path is not None:
        try:
            size = image_size(image_path)
        except ValueError as exc:
            if not Path(image_path).exists():
                problems.append(Problem(shown, "missing-image",
                                        f"annotation whose image ({Path(image_path).name}) is missing",
                                        "restore the image, or delete the annotation"))
            else:
                problems.append(Problem(_show(image_path, root), "unreadable-image", f"the image {exc}",
                                        "restore or replace the image"))
    return problems + check_annotation(ann, size, classes, shown)


def check_pair(xml_path, image_path, classes, root=None) -> list[Problem]:
    """Check one annotation file against its image file (anywhere on disk)."""
    shown = _show(xml_path, root)
    try:
        data = Path(xml_path).read_bytes()
    except OSError as exc:
        return [Problem(shown, "unreadable-xml", f"cannot be read ({exc.strerror})", "check the file's permissions")]
    return check_xml_bytes(data, image_path, classes, xml_name=shown, root=root)


# --- folders and projects -------------------------------------------------------------------

def _by_stem(folder) -> tuple[dict[str, str], dict[str, str], list[list[str]]]:
    """Image and XML file names directly in `folder`, keyed by stem (one scandir, no stat per file),
    and the groups of images that share a stem (c1.jpg + c1.png: one XML cannot describe both)."""
    images, xmls, shared = {}, {}, {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return images, xmls, []
    for e in entries:
        if e.name.startswith(".") or not e.is_file():
            continue
        stem, ext = os.path.splitext(e.name)
        ext = ext.lower()
        if ext in projects_lib.IMAGE_EXTS:
            if stem in images:
                shared.setdefault(stem, [images[stem]]).append(e.name)
            else:
                images[stem] = e.name
        elif ext == ".xml":
            xmls[stem] = e.name
    return images, xmls, list(shared.values())


def check_folder(folder: Path, classes, root=None, yaml_hint="project.yaml", unlabelled_fix=None) -> list[Problem]:
    """Every `<stem>.xml` against `<stem>.jpg|.png` in one folder, and every image without an XML."""
    return _check_folder(folder, classes, root, yaml_hint, unlabelled_fix)[0]


def _check_folder(folder, classes, root, yaml_hint, unlabelled_fix):
    # Plain strings in the loop: pathlib and realpath per file cost more than the checks themselves.
    folder = os.fspath(folder)
    shown_dir = _show(folder, root)
    images, xmls, shared = _by_stem(folder)
    problems = [Problem(os.path.join(shown_dir, names[1]), "shared-stem",
                        f"shares its name with {', '.join(names[:1] + names[2:])}, so one annotation would "
                        f"describe both", "rename or delete one of them") for names in shared]
    for stem in sorted(set(images) | set(xmls)):
        image, xml = images.get(stem), xmls.get(stem)
        if xml is None:
            problems.append(Problem(os.path.join(shown_dir, image), "unlabelled", "image has no annotation",
                                    unlabelled_fix or f"add {stem}.xml beside it, or delete the image"))
            continue
        shown = os.path.join(shown_dir, xml)
        if image is None and stem.endswith(".remote") and stem[:-len(".remote")] in images:
            # Kept by `inv imglabeling.pull` beside a master it could not overwrite.
            base = stem[:-len(".remote")]
            problems.append(Problem(shown, "labeling-conflict",
                                    f"unresolved labeling conflict over {base}.xml (the labeling side's version)",
                                    f"merge it into {base}.xml, delete this file, then push again"))
            continue
        if image is None:
            problems.append(Problem(shown, "missing-image",
                                    f"annotation whose image ({stem}.jpg or .png) is missing",
                                    "restore the image, or delete the annotation"))
        try:
            with open(os.path.join(folder, xml), "rb") as f:
                data = f.read()
        except OSError as exc:
            problems.append(Problem(shown, "unreadable-xml", f"cannot be read ({exc.strerror})",
                                    "check the file's permissions"))
            continue
        try:
            ann = voc.parse(data)
        except voc.VocError as exc:
            problems.append(_parse_problem(shown, exc))
            continue
        size = None
        if image is not None:
            try:
                size = image_size(os.path.join(folder, image))
            except ValueError as exc:
                problems.append(Problem(os.path.join(shown_dir, image), "unreadable-image", f"the image {exc}",
                                        "restore or replace the image"))
        problems += check_annotation(ann, size, classes, shown, yaml_hint)
    return problems, len(xmls), len(images) + sum(len(names) - 1 for names in shared)


@dataclass
class Report:
    """What a check looked at and what it found."""
    problems: list[Problem]
    projects: int = 0
    annotations: int = 0
    images: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(project, include_build: bool = True, root=None) -> list[Problem]:
    """Master carriers (and the build, when asked) of one loaded project, plus its source images."""
    return _check_project(project, include_build, root)[0]


def _check_project(project, include_build, root):
    root = root if root is not None else project.dir.parent.parent
    yaml_hint = _show(project.yaml_path, root)
    classes = project.classes
    problems = []
    for source in project.sources():
        try:
            image_size(source)
        except ValueError as exc:
            problems.append(Problem(_show(source, root), "unreadable-image", f"source image {exc}",
                                    "replace it with a readable jpg/png"))
    found, n_xml, n_img = _check_folder(
        project.master, classes, root, yaml_hint,
        f"label it (inv imglabeling.push {project.name}) or compose again (inv dataaug.compose {project.name})")
    problems += found
    if include_build and project.build_dir.is_dir():
        found, b_xml, b_img = _check_folder(project.build_dir, classes, root, yaml_hint,
                                            f"build again: inv build --project {project.name} --force")
        problems += found
        n_xml, n_img = n_xml + b_xml, n_img + b_img
    return problems, n_xml, n_img


def check_projects(root, names=None, include_build: bool = True) -> Report:
    """Check the named projects (all when none). An explicitly named unknown project is a UserError;
    a project.yaml that does not load is reported as a problem so the other projects still get checked."""
    root = Path(root)
    names = list(names) if names else projects_lib.list_names(root)
    report = Report(problems=[])
    for name in names:
        try:
            project = projects_lib.load(root, name)
        except UserError as exc:
            yaml_path = projects_lib.projects_dir(root) / projects_lib.check_name(name) / "project.yaml"
            if not yaml_path.is_file():
                raise
            msg = str(exc)
            for prefix in (f"{yaml_path}: ", f"{_show(yaml_path, root)}: "):
                msg = msg.removeprefix(prefix)
            report.problems.append(Problem(_show(yaml_path, root), "bad-project", msg, "correct the file"))
            continue
        problems, n_xml, n_img = _check_project(project, include_build, root)
        report.problems += problems
        report.projects += 1
        report.annotations += n_xml
        report.images += n_img
    return report
