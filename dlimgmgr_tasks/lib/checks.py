"""The one annotation check: Pascal VOC annotations against their images, one `Problem` per thing
a person must fix, with the same codes wherever it runs (check, mix, labeling pull).

`check_data` / `check_file` check one annotation; `check_folder_pairs` a folder read by the pair
scanner (lib/pairs); `check_projects` a workspace's projects (master carriers and builds).

Fast on thousands of files: a built image is opened once and only its header is read (lib/images:
size, bomb, EXIF orientation, a cheap truncation check), nothing is decoded. A master carrier or
source, which a person provides and a build decodes, is decoded once as well (images.verify), so a
JPEG cut and closed with an end marker is refused too. The XML is parsed by `voc.parse` (entity
declarations refused, so an expansion bomb costs nothing). A build checks its masters with
`master_problems`, the very function `inv dlimgmgr.check` uses (`refuse_bad_masters`).

Lenient where real labelling tools differ (float coordinates from CVAT, `xmin 0`, a BOM,
`depth` 1 on an RGB image, an absolute `<path>`, extra tags); strict on what breaks a trainer.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace

from . import images, pairs, text
from . import projects as projects_lib
from . import voc
from .errors import UserError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file. `code` is stable for programs; `line()` is for people."""
    path: str
    code: str
    what: str
    fix: str
    cause: tuple = ()   # what problems of one cause share (lib/problem_groups): e.g. the unknown class

    def line(self) -> str:
        return f"{self.path}: {self.what}; {self.fix}"

    def __str__(self) -> str:
        return self.line()


# --- images ---------------------------------------------------------------------------------

def image_size(path) -> tuple[int, int]:
    """(width, height) from the image header, after the cheap refusals (lib/images.header).

    Raises ValueError (images.ImageProblem) with a short reason when the file is missing,
    unreadable, cut short, a decompression bomb or not upright.
    """
    return images.header(path).size


def _image_problem(shown: str, exc: images.ImageProblem, what: str = "the image") -> Problem:
    return Problem(shown, exc.code, f"{what} {exc}", exc.fix.replace("FILE", shown))


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
    ("is not 0 or 1", "bad-flag", "write 0 or 1 (VOC's truncated and difficult are flags)"),
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


def _object_problems(obj: voc.VocObject, i: int, width, height, classes, path: str, yaml_hint: str
                     ) -> list[Problem]:
    label = f"object {i} ({obj.name})" if obj.name else f"object {i}"
    problems = []
    if not obj.name:
        problems.append(Problem(path, "empty-class", f"{label} has an empty class name",
                                f"name it with one of: {_classes_text(classes)}"))
    elif classes is not None and obj.name not in classes:
        problems.append(Problem(path, "unknown-class",
                                f"{label} has class {obj.name!r}, not listed in {yaml_hint} classes",
                                f"rename it to one of: {_classes_text(classes)}, or add it to classes",
                                ("unknown-class", yaml_hint, obj.name, _classes_text(classes))))
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
    known = frozenset(classes) if classes is not None else None
    for i, obj in enumerate(ann.objects, 1):
        problems += _object_problems(obj, i, width, height, known, path, yaml_hint)
    return problems


# --- the one annotation check -----------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    """What an annotation is checked against; plain data, so it travels to worker processes."""
    classes: tuple | None                 # None: any class name is accepted
    yaml_hint: str = "project.yaml"       # where the classes are listed, as messages name it
    rebuild_fix: str | None = None        # files a build wrote: the one fix is to build them again
    decode: bool = False                  # decode each image in full (images.verify), not its header only

    def fixed(self, problems: list[Problem]) -> list[Problem]:
        if self.rebuild_fix is None:
            return problems
        return [replace(p, fix=self.rebuild_fix) for p in problems]


@dataclass
class Checked:
    """One annotation checked against its image: what was read, and every problem found."""
    data: bytes | None                    # the file's bytes (None when unreadable)
    annotation: voc.Annotation | None     # None when the XML does not parse
    size: tuple | None                    # the image's (width, height); None when absent or unreadable
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data(data: bytes, image_path, rules: Rules, xml_shown: str, image_shown: str | None = None
               ) -> Checked:
    """The one annotation check: parse `data`, read the image's header, apply every rule.

    `image_path` None means the image is not there (the caller reports that: it knows why).
    `xml_shown` / `image_shown` are how problem lines name the two files.
    """
    try:
        ann = voc.parse(data)
    except voc.VocError as exc:
        return Checked(data, None, None, rules.fixed([_parse_problem(xml_shown, exc)]))
    return _checked(data, ann, image_path, rules, xml_shown, image_shown)


def check_parsed(ann: voc.Annotation, image_path, rules: Rules, xml_shown: str, image_shown: str | None = None
                 ) -> list[Problem]:
    """The same check on an annotation a labeling tool built itself (no XML text to parse)."""
    image = None if image_path is None else os.fspath(image_path)
    return _checked(None, ann, image, rules, xml_shown, image_shown).problems


def _checked(data, ann, image_path, rules: Rules, xml_shown: str, image_shown: str | None) -> Checked:
    size = None
    problems = []
    if image_path is not None:
        try:
            size = (images.verify(image_path) if rules.decode else images.header(image_path)).size
        except images.ImageProblem as exc:
            if not os.path.exists(image_path):
                problems.append(Problem(xml_shown, "missing-image",
                                        f"annotation whose image ({os.path.basename(image_path)}) is missing",
                                        "restore the image, or delete the annotation"))
            else:
                problems.append(_image_problem(image_shown or str(image_path), exc))
    problems += check_annotation(ann, size, rules.classes, xml_shown, rules.yaml_hint)
    return Checked(data, ann, size, rules.fixed(problems))


def check_file(xml_path, image_path, rules: Rules, xml_shown: str, image_shown: str | None = None) -> Checked:
    """`check_data` on an annotation file (its read error is a problem too)."""
    try:
        with open(xml_path, "rb") as f:
            data = f.read()
    except OSError as exc:
        return Checked(None, None, None, rules.fixed([
            Problem(xml_shown, "unreadable-xml", f"cannot be read ({exc.strerror})", "check the file's permissions")]))
    return check_data(data, image_path, rules, xml_shown, image_shown)


def check_xml_bytes(data: bytes, image_path, classes, xml_name=None, root=None) -> list[Problem]:
    """Check annotation bytes (e.g. a file just pulled) against the image they describe.

    `classes` None skips the class rule; `xml_name` is what the problem lines call the XML.
    """
    shown = str(xml_name) if xml_name is not None else "<annotation>"
    image = None if image_path is None else os.fspath(image_path)
    rules = Rules(tuple(classes) if classes is not None else None)
    return check_data(data, image, rules, shown, None if image is None else text.shown(image, root)).problems


def check_pair(xml_path, image_path, classes, root=None) -> list[Problem]:
    """Check one annotation file against its image file (anywhere on disk)."""
    image = None if image_path is None else os.fspath(image_path)
    rules = Rules(tuple(classes) if classes is not None else None)
    return check_file(xml_path, image, rules, text.shown(xml_path, root),
                      None if image is None else text.shown(image, root)).problems


# --- folders --------------------------------------------------------------------------------

REMOTE_STEM = ".remote"   # <stem>.remote.xml: kept by `inv imglabeling.pull` beside a master it could not overwrite


def pair_problems(found: pairs.Scan, pair: pairs.Pair, shown_dir: str, rules: Rules, unlabelled_fix: str
                  ) -> list[Problem]:
    """What is wrong with a pair by its names alone: no annotation, no image, a labeling conflict."""
    if pair.xml is None:
        return [Problem(os.path.join(shown_dir, pair.image), "unlabelled", "image has no annotation",
                        rules.rebuild_fix or unlabelled_fix or f"add {pair.stem}.xml beside it, or delete the image")]
    if pair.image is not None:
        return []
    shown = os.path.join(shown_dir, pair.xml)
    base = pair.stem[:-len(REMOTE_STEM)] if pair.stem.endswith(REMOTE_STEM) else None
    base_pair = found.pair(base) if base else None
    if base_pair is not None and base_pair.image is not None:
        return [Problem(shown, "labeling-conflict",
                        f"unresolved labeling conflict over {base}.xml (the labeling side's version)",
                        f"merge it into {base}.xml, delete this file, then push again")]
    return rules.fixed([Problem(shown, "missing-image",
                                f"annotation whose image ({pair.stem}.jpg or .png) is missing",
                                "restore the image, or delete the annotation")])


def shared_stem_problems(found: pairs.Scan, shown_dir: str, rules: Rules) -> list[Problem]:
    return rules.fixed([Problem(os.path.join(shown_dir, names[1]), "shared-stem",
                                f"shares its name with {', '.join(names[:1] + names[2:])}, so one annotation "
                                f"would describe both", "rename or delete one of them") for names in found.shared])


def check_folder_pairs(found: pairs.Scan, shown_dir: str, rules: Rules, unlabelled_fix: str | None = None
                       ) -> list[Problem]:
    """Every pair of a scanned folder: names first, then each annotation against its image."""
    problems = shared_stem_problems(found, shown_dir, rules)
    for pair in found.pairs:
        named = pair_problems(found, pair, shown_dir, rules, unlabelled_fix)
        problems += named
        if pair.xml is None or any(p.code == "labeling-conflict" for p in named):
            continue
        problems += check_file(pair.xml_path, pair.image_path, rules, os.path.join(shown_dir, pair.xml),
                               None if pair.image is None else os.path.join(shown_dir, pair.image)).problems
    return problems


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


def rebuild_fix(project_name: str) -> str:
    """The fix for anything wrong in a project's build/: the build wrote it, so build again."""
    return f"build again: inv build --project {project_name} --force"


def project_rules(project, root, build: bool = False) -> Rules:
    """The rules for a project's master carriers, decoded in full (or, with `build`, for its build/)."""
    return Rules(tuple(project.classes), text.shown(project.yaml_path, root),
                 rebuild_fix(project.name) if build else None, decode=not build)


def check_project(project, include_build: bool = True, root=None) -> list[Problem]:
    """Master carriers (and the build, when asked) of one loaded project, plus its source images."""
    return _check_project(project, include_build, root)[0]


def _check_project(project, include_build, root):
    root = root if root is not None else project.workspace.root
    problems, n_xml, n_img = master_problems(project, root)
    if include_build:
        found = pairs.scan(project.build_dir)
        problems += check_folder_pairs(found, text.shown(project.build_dir, root),
                                       project_rules(project, root, build=True))
        n_xml, n_img = n_xml + found.annotations, n_img + len(found.images)
    return problems, n_xml, n_img


def master_problems(project, root=None) -> tuple[list[Problem], int, int]:
    """The one check of a project's masters -- its source images, then every carrier and annotation of
    master/ -- as (problems, annotations, images). `inv dlimgmgr.check` and the build both call it."""
    root = root if root is not None else project.workspace.root
    problems = []
    for source in project.sources():
        try:
            images.verify(source)
        except images.ImageProblem as exc:
            problems.append(_image_problem(text.shown(source, root), exc, "source image"))
    found = pairs.scan(project.master)
    problems += check_folder_pairs(
        found, text.shown(project.master, root), project_rules(project, root),
        f"label it (inv imglabeling.push {project.name}) or compose again (inv dataaug.compose {project.name})")
    return problems, found.annotations, len(found.images)


# Left out of a build with a warning (engine._input_warnings), not a reason to refuse it.
BUILD_TOLERATES = ("unlabelled",)


def refuse_bad_masters(project) -> None:
    """A UserError in one line (the first problem and how many more) when `master_problems` finds any
    that a build cannot tolerate; called before a build writes anything or contacts a host."""
    found = [p for p in master_problems(project)[0] if p.code not in BUILD_TOLERATES]
    if not found:
        return
    more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
    raise UserError(f"{project.name}: the masters have {len(found)} problem(s), nothing was built: "
                    f"{found[0].line()}{more}; list them all: inv dlimgmgr.check --project {project.name}")


def _bad_project(ws, name: str, exc: UserError) -> Problem:
    """A project.yaml that does not load, as a problem (so the other projects still get checked)."""
    yaml_path = ws.projects_dir / projects_lib.check_name(name) / "project.yaml"
    if not yaml_path.is_file():
        raise exc
    msg = str(exc)
    for prefix in (f"{yaml_path}: ", f"{text.shown(yaml_path, ws.root)}: "):
        msg = msg.removeprefix(prefix)
    return Problem(text.shown(yaml_path, ws.root), "bad-project", msg, "correct the file")


def check_projects(ws, names=None, include_build: bool = True) -> Report:
    """Check the named projects of a Workspace (all when none). An explicitly named unknown project
    is a UserError; a project.yaml that does not load is reported as a problem."""
    report = Report(problems=[])
    for name in list(names) if names else projects_lib.list_names(ws):
        try:
            project = projects_lib.load(ws, name)
        except UserError as exc:
            report.problems.append(_bad_project(ws, name, exc))
            continue
        problems, n_xml, n_img = _check_project(project, include_build, ws.root)
        report.problems += problems
        report.projects += 1
        report.annotations += n_xml
        report.images += n_img
    return report
