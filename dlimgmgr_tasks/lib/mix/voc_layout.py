"""The Pascal VOC format of a mix: a Dataset as archive members, in the archive's order.

<name>/Annotations/<id>.xml, <name>/ImageSets/Main/{split,<class>_<split>}.txt,
<name>/JPEGImages/<id>.jpg, members sorted by path; <name>/labelmap.txt (`labelmap`) goes in
with the other files of the top folder, after these, still in path order. Annotations are
written while the items are still being checked, so the check runs beside the packing.
"""
from __future__ import annotations

from typing import Iterator

from .. import voc
from .archive import Member
from .items import Dataset, Item


def _image_set_lines(items: list[Item], cls: str) -> str:
    # VOC's own layout ("%s %2d"): 1 = present, 0 = only difficult objects, -1 = absent.
    return "".join(f"{it.id} {it.annotation.image_set_flag(cls):2d}\n" for it in items)


def image_sets(dataset: Dataset) -> dict[str, bytes]:
    """ImageSets/Main/ file name -> content: <split>.txt and <class>_<split>.txt per split."""
    files = {}
    for split, members in dataset.splits().items():
        files[f"{split}.txt"] = "".join(f"{it.id}\n" for it in members)
        for cls in dataset.classes:
            files[f"{cls}_{split}.txt"] = _image_set_lines(members, cls)
    return {name: files[name].encode() for name in sorted(files)}


def members(dataset: Dataset) -> Iterator[Member]:
    top = dataset.name
    yield Member.directory(top)
    yield Member.directory(f"{top}/{voc.ANNOTATIONS}")
    for item in dataset.items:
        yield Member(f"{top}/{voc.ANNOTATIONS}/{item.id}.xml", item.xml)
    yield Member.directory(f"{top}/{voc.IMAGE_SETS}")
    yield Member.directory(f"{top}/{voc.IMAGE_SETS_MAIN}")
    for name, data in image_sets(dataset).items():
        yield Member(f"{top}/{voc.IMAGE_SETS_MAIN}/{name}", data)
    yield Member.directory(f"{top}/{voc.JPEG_IMAGES}")
    for item in dataset.items:
        yield Member(f"{top}/{voc.JPEG_IMAGES}/{item.id}.jpg", path=item.image)


def labelmap(dataset: Dataset) -> Member:
    """labelmap.txt: packed with the top folder's other files (other_formats.py), in path order."""
    return Member(f"{dataset.name}/{voc.LABELMAP}", voc.labelmap(dataset.classes))
