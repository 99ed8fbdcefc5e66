"""The VOC writer: the bytes every built XML had before it moved off xmltodict, and what it reads back."""
from __future__ import annotations

import random

import pytest
import xmltodict

from dlimgmgr_tasks.lib import voc

# Text a label, pose, folder or file name may hold: markup characters, quotes, non-ASCII,
# whitespace of every kind.
ALPHABET = "ab_-. &<>\"'\t\n\r閉じるé✓"
# What a class name may hold (voc.CLASS_RE: no whitespace; the reader strips it).
NAME_ALPHABET = "ab_-.&<>\"'閉じるé✓"


def xmltodict_dumps(ann: voc.Annotation) -> bytes:
    """The writer as it was (xmltodict.unparse): the reference the archive's sha256 was made with."""
    objects = []
    for obj in ann.objects:
        obj = obj.as_ints(ann.width, ann.height)
        objects.append({"name": obj.name, "pose": obj.pose or "Unspecified",
                        "truncated": str(int(obj.truncated)), "difficult": str(int(obj.difficult)),
                        "bndbox": {k: str(int(round(getattr(obj, k)))) for k in ("xmin", "ymin", "xmax", "ymax")}})
    doc = {"annotation": {
        "folder": ann.folder, "filename": ann.filename,
        "source": {"database": "dlimgmgr", **({"image": ann.source_image} if ann.source_image else {})},
        "size": {"width": str(ann.width), "height": str(ann.height), "depth": str(ann.depth)},
        "segmented": "0", "object": objects}}
    if not objects:
        del doc["annotation"]["object"]
    return xmltodict.unparse(doc, pretty=True, indent="    ", full_document=False).encode() + b"\n"


def text(rng: random.Random, alphabet: str = ALPHABET) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))


def annotation(rng: random.Random, alphabet: str = ALPHABET) -> voc.Annotation:
    width, height = rng.randint(1, 2000), rng.randint(1, 2000)
    objects = []
    for _ in range(rng.choice([0, 1, 1, 2, 5])):
        x0, y0 = rng.uniform(-5, width), rng.uniform(-5, height)
        objects.append(voc.VocObject.from_edges(text(rng, alphabet), x0, y0, x0 + rng.uniform(0.5, 300), y0 + rng.uniform(0.5, 300),
                                                pose=rng.choice(["Unspecified", "", text(rng)]),
                                                truncated=rng.randint(0, 1), difficult=rng.randint(0, 1)))
    return voc.Annotation(text(rng, alphabet) + ".jpg", width, height, rng.choice([1, 3]), objects,
                          folder=rng.choice([None, "", text(rng)]), source_image=rng.choice(["", text(rng, alphabet) + ".jpg"]))


@pytest.mark.parametrize("seed", range(40))
def test_the_writer_gives_the_bytes_xmltodict_gave(seed):
    rng = random.Random(seed)
    for _ in range(10):
        ann = annotation(rng)
        assert voc.dumps(ann) == xmltodict_dumps(ann)


def test_a_written_annotation_reads_back_with_its_integer_boxes_names_and_flags():
    rng = random.Random(7)
    for _ in range(50):
        ann = annotation(rng, NAME_ALPHABET)
        back = voc.parse(voc.dumps(ann))
        assert (back.filename, back.width, back.height) == (ann.filename, ann.width, ann.height)
        assert back.source_image == voc.source_image(voc.dumps(ann)) == ann.source_image.strip()
        assert [(o.name, o.truncated, o.difficult) for o in back.objects] == \
            [(o.name, o.truncated, o.difficult) for o in ann.objects]
        for read, wrote in zip(back.objects, ann.objects):
            assert (read.xmin, read.ymin, read.xmax, read.ymax) == tuple(
                float(round(getattr(wrote.as_ints(ann.width, ann.height), k))) for k in ("xmin", "ymin", "xmax", "ymax"))
