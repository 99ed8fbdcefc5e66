"""YOLO and COCO beside VOC in the one archive: the mix's items as lib.formats samples, and
lib.formats' members as archive members (an image already in JPEGImages/ becomes a hard link,
so no JPEG is stored twice)."""
from __future__ import annotations

from typing import Iterator

from .. import formats
from .archive import Member
from .items import Dataset


def _samples(dataset: Dataset) -> list[formats.Sample]:
    items = list(dataset.items)   # every item, once the VOC pass (or this one) has read them
    return [formats.Sample(it.split, it.id, it.annotation, it.image) for it in items]


def _archive_members(dataset: Dataset, names: tuple[str, ...], in_voc: set[str]) -> Iterator[Member]:
    top = dataset.name
    for m in formats.members(_samples(dataset), dataset.classes, formats=names):
        if m.is_dir:
            yield Member.directory(f"{top}/{m.path}")
        elif m.same_as is not None and m.same_as in in_voc:
            yield Member(f"{top}/{m.path}", link=f"{top}/{m.same_as}")
        elif m.source is not None:
            yield Member(f"{top}/{m.path}", path=str(m.source))
        else:
            yield Member(f"{top}/{m.path}", m.data)


def members(dataset: Dataset, names, voc_items, extra=()) -> Iterator[Member]:
    """classes.txt (the manifest's class order, in every mix), the members of the non-VOC
    formats named and `extra` (VOC's labelmap.txt), merged in path order, after the VOC folders.
    `voc_items`: what the VOC part packed (its images are linked to; an image it left out, a
    negative, is stored)."""
    # A generator: this runs once the VOC members were written and voc_items is complete.
    in_voc = {formats.voc_image(it.id) for it in voc_items}
    tail = [*_archive_members(dataset, tuple(n for n in names if n != "voc"), in_voc), *extra]
    yield from sorted(tail, key=lambda m: m.name.rstrip("/").split("/"))
