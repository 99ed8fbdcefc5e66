"""What a report looks at, read as `Entry`s: a mix archive (dist/NAME.tar.gz) or a project folder.

A mix is streamed twice: once for its annotations and split lists (never image data), once more
for only the few JPEGs the contact sheets show. A project gives its master carriers (set
"master") and its built images (set "build"), each with its annotation beside it.
"""
from __future__ import annotations

import tarfile
from dataclasses import dataclass
from pathlib import Path

from .. import mixes, voc
from ..errors import UserError

MIX_SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Entry:
    """One image: its stem, its split (train/val/test) or set (master/build), its project."""
    stem: str
    split: str
    project: str
    annotation: voc.Annotation
    image: Path | None = None      # a file on disk (a project); None: the JPEG is in the archive


@dataclass
class Source:
    """The entries, the class order, and how to fetch the JPEG bytes of a few of them."""
    title: str
    classes: list[str]
    entries: list[Entry]
    splits: list[str]
    manifest: dict | None = None
    archive: Path | None = None
    unreadable: list[str] = None   # annotations that did not parse (a project's; a mix has none)

    def images(self, stems) -> dict[str, bytes]:
        """JPEG bytes of the given stems: from the files, or one more pass over the archive."""
        stems = set(stems)
        if self.archive is None:
            return {e.stem: e.image.read_bytes() for e in self.entries if e.stem in stems and e.image}
        return _archive_images(self.archive, self.manifest["name"], stems)


def _project_of(stem: str, projects: list[str]) -> str:
    """A build file is named PROJECT_NNNNNN: the longest project name the stem starts with."""
    for name in sorted(projects, key=len, reverse=True):
        if stem.startswith(f"{name}_"):
            return name
    return "?"


def _damaged(archive: Path, exc: Exception) -> UserError:
    return UserError(f"{archive}: cannot be read as a mix archive ({exc}); run inv mix again")


class _Member:
    """A member's reader whose read() fails as one line too: a truncated archive shows while the
    caller reads, outside the generator."""
    def __init__(self, archive: Path, fh):
        self.archive, self.fh = archive, fh

    def read(self, *size) -> bytes:
        try:
            return self.fh.read(*size)
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise _damaged(self.archive, exc) from None


def _stream(archive: Path):
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                if member.isfile():
                    yield member.name, _Member(archive, tar.extractfile(member))
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise _damaged(archive, exc) from None


def _image_stem(name: str, top: str) -> str | None:
    """The stem of a mix member that is an image: VOC's JPEGImages/STEM.jpg or YOLO's images/SPLIT/STEM.jpg."""
    for prefix in (f"{top}/JPEGImages/", f"{top}/images/"):
        if name.startswith(prefix) and name.lower().endswith((".jpg", ".jpeg")):
            return name[len(prefix):].rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return None


def _archive_images(archive: Path, top: str, stems: set) -> dict[str, bytes]:
    out = {}
    for name, f in _stream(archive):
        stem = _image_stem(name, top)
        if stem in stems and stem not in out:
            out[stem] = f.read()
    return out


def _read_yolo(archive: Path, top: str, classes: list) -> tuple[dict, dict]:
    """A mix without VOC: the annotations from YOLO's labels/SPLIT/STEM.txt, each image's size
    from its JPEG in images/SPLIT/ (labels are fractions of it)."""
    import io

    from PIL import Image

    sizes, labels, split_of = {}, {}, {}
    for member, f in _stream(archive):
        rest = member[len(top) + 1:] if member.startswith(f"{top}/") else ""
        kind, _, path = rest.partition("/")
        split, _, file = path.partition("/")
        if kind == "images" and _image_stem(member, top):
            with Image.open(io.BytesIO(f.read())) as im:
                sizes[file.rsplit(".", 1)[0]] = im.size
            split_of[file.rsplit(".", 1)[0]] = split
        elif kind == "labels" and file.endswith(".txt"):
            labels[file[:-4]] = f.read().decode("utf-8", "replace")
    annotations = {}
    for stem, (width, height) in sizes.items():
        objects = []
        for line in labels.get(stem, "").splitlines():
            try:
                index, cx, cy, w, h = int(line.split()[0]), *map(float, line.split()[1:5])
                name = classes[index]
            except (ValueError, IndexError):
                raise UserError(f"{archive}: {top}/labels/{split_of[stem]}/{stem}.txt: line {line!r} is not "
                                f"'class cx cy w h' of the manifest's classes; run inv mix again") from None
            objects.append(voc.VocObject.from_edges(name, (cx - w / 2) * width, (cy - h / 2) * height,
                                                    (cx + w / 2) * width, (cy + h / 2) * height))
        annotations[stem] = voc.Annotation(f"{stem}.jpg", width, height, objects=objects)
    return annotations, split_of


def read_mix(dist: Path, name: str) -> Source:
    """The mix dist/NAME.tar.gz with its manifest: every annotation and its split."""
    from ..mix import check_name

    check_name(name)   # it becomes a path: no '/' or '..'
    manifest = mixes.load(dist / f"{name}{mixes.MANIFEST}")
    archive = dist / manifest.get("archive", f"{name}.tar.gz")
    if not archive.is_file():
        raise UserError(f"{archive}: the mix's archive is missing; run inv mix --name {name}")
    annotations, split_of = {}, {}
    main, notes = f"{name}/ImageSets/Main/", f"{name}/Annotations/"
    if "voc" not in (manifest.get("formats") or ["voc"]):
        annotations, split_of = _read_yolo(archive, name, list(manifest.get("classes") or []))
    for member, f in _stream(archive) if not annotations else ():
        if member.startswith(notes) and member.endswith(".xml"):
            try:
                annotations[member[len(notes):-4]] = voc.parse(f.read())
            except voc.VocError as exc:
                raise UserError(f"{archive}: {member}: {exc}; run inv mix again") from None
        elif member.startswith(main) and member[len(main):-4] in MIX_SPLITS:
            split_of.update((stem, member[len(main):-4]) for stem in f.read().decode().split())
    projects = sorted((manifest.get("provenance") or {}).get("projects") or {})
    entries = [Entry(stem, split_of.get(stem, "?"), _project_of(stem, projects), ann)
               for stem, ann in sorted(annotations.items())]
    splits = [s for s in MIX_SPLITS if any(e.split == s for e in entries)]
    return Source(f"mix {name}", list(manifest.get("classes") or []), entries, splits, manifest, archive, [])


def _folder_entries(folder: Path, split: str, project: str, unreadable: list) -> list[Entry]:
    from ..projects import is_image

    entries = []
    if not folder.is_dir():
        return entries
    for image in sorted(p for p in folder.iterdir() if is_image(p)):
        xml = image.with_suffix(".xml")
        if not xml.is_file():
            continue
        try:
            entries.append(Entry(image.stem, split, project, voc.read(xml), image))
        except voc.VocError as exc:
            unreadable.append(str(exc))
    return entries


def read_project(project) -> Source:
    """A loaded project's master carriers and built images."""
    unreadable = []
    entries = (_folder_entries(project.master, "master", project.name, unreadable)
               + _folder_entries(project.build_dir, "build", project.name, unreadable))
    if not entries:
        raise UserError(f"{project.master}: no labelled images yet; run: inv dataaug.compose {project.name}")
    splits = [s for s in ("master", "build") if any(e.split == s for e in entries)]
    return Source(f"project {project.name}", project.classes, entries, splits, None, None, unreadable)


def only_project(source: Source, project: str) -> Source:
    """The mix's entries of one project."""
    entries = [e for e in source.entries if e.project == project]
    if not entries:
        raise UserError(f"{source.archive}: the mix has no image of project {project!r}; "
                        f"its projects: {', '.join(sorted({e.project for e in source.entries}))}")
    return Source(f"{source.title}, project {project}", source.classes, entries,
                  [s for s in source.splits if any(e.split == s for e in entries)],
                  source.manifest, source.archive, source.unreadable)
