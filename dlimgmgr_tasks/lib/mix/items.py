"""What every output format of a mix writes from: the dataset's items, checked and split.

An `Item` is one image of the mixed dataset (split, project, id, its annotation after the remap,
the VOC XML bytes as the archive holds them, its image file); a `Dataset` is the name, the
classes and the items in id order. A format (lib/mix/voc_layout.py today) turns a Dataset into
archive members; adding one (YOLO, COCO) or leaving images without objects out (`negatives`)
is done on these items, in one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from .. import voc


@dataclass(slots=True)
class Item:
    """One image of the dataset: a few hundred bytes plus its annotation, never its image data.
    Its split is decided once every item is read (lib/mix/carriers.py), before any member that
    names a split is written."""
    id: str
    project: str
    split: str
    image: str                  # the built JPEG on disk
    annotation: voc.Annotation  # class names after the remap
    xml: bytes                  # the annotation as Annotations/<id>.xml holds it
    carrier: str = ""           # the master carrier its XML names (<source><image>); "" if none
    content: object = None      # (size, crc32) of the image: what the split compares bytes by

    @property
    def objects(self) -> dict[str, int]:
        """Objects per class."""
        counts: dict[str, int] = {}
        for obj in self.annotation.objects:
            counts[obj.name] = counts.get(obj.name, 0) + 1
        return counts

    @property
    def negative(self) -> bool:
        """An image with no object (the ssd.pytorch family cannot train on it)."""
        return not self.annotation.objects


class Items:
    """The items in id order. The first pass streams them as they are checked (the archive is
    written meanwhile); any later pass, and `seen`, replay what the first pass read.

    An item's XML bytes are needed by the first pass only (the Annotations/ member takes them as
    the item goes by): once the pass moves on they are dropped, so `seen` keeps per item its id,
    split, paths and parsed boxes, not its file's bytes (a mix of 100,000 images: ~60 MB less)."""

    def __init__(self, source: Iterable[Item]):
        self._source = source
        self._done = False
        self.seen: list[Item] = []

    def __iter__(self) -> Iterator[Item]:
        if self._done:
            yield from self.seen
            return
        for item in self._source:
            self.seen.append(item)
            yield item
            item.xml = b""
        self._done = True


@dataclass
class Dataset:
    name: str           # the archive's top folder
    classes: list[str]  # sorted, after the remap
    items: Items

    def splits(self) -> dict[str, list[Item]]:
        """Items per split (train, val, trainval, test when it has any), once every item is read."""
        items = self.items.seen
        out = {s: [it for it in items if it.split == s] for s in voc.SPLITS}
        out[voc.TRAINVAL] = [it for it in items if it.split in ("train", "val")]
        if not out["test"]:
            del out["test"]
        return out
