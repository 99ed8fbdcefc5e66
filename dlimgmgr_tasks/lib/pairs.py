"""The pair scanner: the images and VOC annotations of one folder, paired by file stem.

The one place that decides which files of a folder are images, which are annotations and which
image an `<stem>.xml` describes; check, build, mix, preview, stats and labeling all read a folder
through `scan`. One `os.scandir`, no stat per file, plain strings (pathlib per file costs more
than the checks that follow).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

IMAGE_EXTS = (".jpg", ".jpeg", ".png")
ANNOTATION_EXT = ".xml"


@dataclass(frozen=True)
class Pair:
    """One stem of a folder: its image and/or its annotation (file names, None when absent)."""
    folder: str
    stem: str
    image: str | None
    xml: str | None

    @property
    def image_path(self) -> str | None:
        return None if self.image is None else os.path.join(self.folder, self.image)

    @property
    def xml_path(self) -> str | None:
        return None if self.xml is None else os.path.join(self.folder, self.xml)

    @property
    def labelled(self) -> bool:
        return self.image is not None and self.xml is not None


@dataclass
class Scan:
    """What `scan` found in one folder."""
    folder: str
    pairs: list[Pair] = field(default_factory=list)      # by stem, sorted by stem
    images: list[str] = field(default_factory=list)      # every image file name, sorted by name
    shared: list[list[str]] = field(default_factory=list)  # images that share a stem (c1.jpg + c1.png)
    _index: dict | None = field(default=None, init=False, repr=False, compare=False)

    def labelled(self) -> list[Pair]:
        """Pairs with both an image and an annotation, in the order of their image names."""
        return sorted((p for p in self.pairs if p.labelled), key=lambda p: p.image)

    def pair(self, stem: str) -> Pair | None:
        return self._by_stem().get(stem)

    def _by_stem(self) -> dict[str, Pair]:
        if self._index is None:
            self._index = {p.stem: p for p in self.pairs}
        return self._index

    @property
    def annotations(self) -> int:
        return sum(p.xml is not None for p in self.pairs)

    def image_paths(self) -> list[str]:
        return [os.path.join(self.folder, name) for name in self.images]

    def images_with_annotations(self) -> list[tuple[str, str | None]]:
        """Every image path, by name, with its stem's annotation path (None when it has none)."""
        out = []
        for name in self.images:
            pair = self.pair(os.path.splitext(name)[0])
            out.append((os.path.join(self.folder, name), pair.xml_path))
        return out


def is_image_name(name: str) -> bool:
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in IMAGE_EXTS


def scan(folder) -> Scan:
    """Images (jpg/jpeg/png, any case) and `.xml` files directly in `folder`, paired by stem.

    Hidden files and subfolders are ignored; a missing folder is an empty scan. When several images
    share a stem the first by name is the pair's image and the group is listed in `shared` (one
    annotation cannot describe both).
    """
    folder = os.fspath(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return Scan(folder)
    images: dict[str, str] = {}
    xmls: dict[str, str] = {}
    shared: dict[str, list[str]] = {}
    names = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_file():
            continue
        stem, ext = os.path.splitext(entry.name)
        ext = ext.lower()
        if ext in IMAGE_EXTS:
            names.append(entry.name)
            if stem in images:
                shared.setdefault(stem, [images[stem]]).append(entry.name)
            else:
                images[stem] = entry.name
        elif ext == ANNOTATION_EXT:
            xmls[stem] = entry.name
    pairs = [Pair(folder, stem, images.get(stem), xmls.get(stem)) for stem in sorted(set(images) | set(xmls))]
    return Scan(folder, pairs, names, list(shared.values()))
