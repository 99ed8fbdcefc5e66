"""Other trainers' formats beside Pascal VOC, as pure functions: samples in, archive members out.

The mix hands over the dataset it packed as `Sample`s (split, the file stem of JPEGImages/, the
checked `voc.Annotation` with integer 1-based boxes and the image's real width/height, and where
the JPEG is) plus the class list in the manifest's order. Each writer returns `Member`s: a path
relative to the dataset's top folder, and either the bytes of a generated file, or (for an image)
the file to copy, or a directory. `members(samples, classes, formats)` gives every member of the
formats asked for, in one fixed order, so packing them after the VOC members keeps a re-mix
byte-identical. Nothing here reads or writes a file.

One archive, one top folder, for every format (not one archive per format), because:
- deploy, its checksum, the atomic swap and rollback stay one unit: a trainer never sees the
  YOLO labels of one mix beside the VOC of another;
- the formats share the images: COCO's `file_name` points into JPEGImages/, and YOLO's
  images/<split>/STEM.jpg carry `same_as="JPEGImages/STEM.jpg"`, so the mix can pack them as
  tar hard links (no second copy of any JPEG; lib/hostside/unpack already accepts links inside the top
  folder) or, if it prefers, copy `source` again;
- the manifest lists one archive with one class order for every format.

Layout under the top folder (sorted, and no name that differs only by case from VOC's, so it
unpacks on case-insensitive file systems): classes.txt; coco/instances_<split>.json;
data.yaml, images/<split>/, labels/<split>/ (YOLO).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import voc

SPLITS = ("train", "val", "test")
FORMATS = ("voc", "yolo", "coco")   # voc is the mix's own; the others are written here


@dataclass(frozen=True)
class Sample:
    """One image of the mixed dataset, as the formats need it."""
    split: str                    # train, val or test
    stem: str                     # the file stem in JPEGImages/ (STEM.jpg) and Annotations/
    annotation: voc.Annotation    # checked; whole-pixel 1-based boxes; width/height of the image
    image: Path | str | None = None   # where the JPEG is (e.g. the build file); copied for YOLO


@dataclass(frozen=True)
class Member:
    """One archive member, relative to the top folder. A directory's path ends with '/'."""
    path: str
    data: bytes = b""
    source: Path | str | None = None   # an image: copy this file (data is then unused)
    same_as: str | None = None         # an image: the VOC member with the same bytes (a hard link)

    @property
    def is_dir(self) -> bool:
        return self.path.endswith("/")


def voc_image(stem: str) -> str:
    """Where the VOC part of the archive holds an image (the formats point or link there)."""
    return f"JPEGImages/{stem}.jpg"


def by_split(samples) -> dict[str, list[Sample]]:
    """Samples per split, each sorted by stem: every writer's output order comes from this."""
    out = {split: [] for split in SPLITS}
    for sample in samples:
        if sample.split not in out:
            raise ValueError(f"{sample.stem}: split {sample.split!r} is not one of {', '.join(SPLITS)}")
        out[sample.split].append(sample)
    for split in out:
        out[split].sort(key=lambda s: s.stem)
    return out


def present_splits(samples) -> list[str]:
    """train and val always (trainers require both), test only when it has images."""
    groups = by_split(samples)
    return [s for s in SPLITS if s != "test" or groups["test"]]


def whole_boxes(sample: Sample) -> list[voc.VocObject]:
    """The sample's objects with integer coordinates inside the image (as the mix wrote them)."""
    ann = sample.annotation
    return [obj.as_ints(ann.width, ann.height) for obj in ann.objects]


def class_index(classes) -> dict[str, int]:
    """Class name -> 0-based position in the manifest's order."""
    classes = list(classes)
    if len(set(classes)) != len(classes):
        raise ValueError(f"the class list names a class twice: {classes}")
    return {name: i for i, name in enumerate(classes)}


def index_of(index: dict, sample: Sample, name: str) -> int:
    try:
        return index[name]
    except KeyError:
        raise ValueError(f"{sample.stem}: class {name!r} is not in the class list {list(index)}") from None


def members(samples, classes, formats=("yolo", "coco")) -> list[Member]:
    """classes.txt and the members of each format asked for ('voc' is the mix's own and adds
    nothing here), sorted by path: one fixed order for the same samples and classes."""
    from . import classes as classes_txt, coco, yolo

    writers = {"yolo": yolo.members, "coco": coco.members}
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    samples = list(samples)
    out = list(classes_txt.members(classes))
    for name in formats:
        if name in writers:
            out += writers[name](samples, classes)
    out.sort(key=lambda m: m.path)
    return out
