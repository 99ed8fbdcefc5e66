"""Contact sheets per class: a few thumbnails of images holding the class, every box drawn
(the sheet's class thick, the others thin), each as an inline JPEG data: URI."""
from __future__ import annotations

import io
from dataclasses import dataclass

from ..preview import _color as class_color, sample_evenly
from .charts import jpeg_uri

THUMB = 176        # a thumbnail's longer side, pixels
PER_CLASS = 12     # thumbnails per class, picked evenly over the class's images in stem order


@dataclass(frozen=True)
class Thumb:
    stem: str
    split: str
    uri: str           # data:image/jpeg;base64,...
    boxes: int         # boxes of the sheet's class in this image


def pick(entries, classes, per_class: int = PER_CLASS) -> dict[str, list]:
    """class -> the entries its sheet shows (evenly spread, so every project and split appears)."""
    out = {}
    for k, cls in enumerate(classes):
        holding = sorted((e for e in entries if any(o.name == cls for o in e.annotation.objects)),
                         key=lambda e: e.stem)
        # Classes that share images (several per carrier) start at different places of the list.
        shift = k * len(holding) // max(1, per_class * len(classes))
        out[cls] = sorted(sample_evenly(holding[shift:] + holding[:shift], per_class), key=lambda e: e.stem)
    return out


def draw(jpeg: bytes, annotation, highlight: str) -> str:
    """The image scaled to THUMB with every box drawn where it lies; returns a data: URI."""
    from PIL import Image, ImageDraw

    with Image.open(io.BytesIO(jpeg)) as im:
        im = im.convert("RGB")
    factor = THUMB / max(im.width, im.height)
    resample = Image.Resampling.NEAREST if factor >= 2 else Image.Resampling.LANCZOS
    thumb = im.resize((max(1, round(im.width * factor)), max(1, round(im.height * factor))), resample)
    canvas = ImageDraw.Draw(thumb)
    # Boxes are in the annotation's frame; a <size> of 0 (a problem the page lists) means the image's own.
    sx, sy = thumb.width / (annotation.width if annotation.width >= 1 else im.width), \
        thumb.height / (annotation.height if annotation.height >= 1 else im.height)
    for obj in sorted(annotation.objects, key=lambda o: o.name == highlight):   # the class on top
        x0, y0, x1, y1 = obj.edges()
        box = (x0 * sx, y0 * sy, max(x0 * sx, x1 * sx - 1), max(y0 * sy, y1 * sy - 1))
        canvas.rectangle(box, outline=class_color(obj.name), width=3 if obj.name == highlight else 1)
    return jpeg_uri(thumb)


def sheets(source, entries, classes) -> dict[str, list[Thumb]]:
    """class -> its thumbnails; the JPEGs are fetched in one go from the source."""
    chosen = pick(entries, classes)
    images = source.images({e.stem for picked in chosen.values() for e in picked})
    out = {}
    for cls, picked in chosen.items():
        out[cls] = [Thumb(e.stem, e.split, draw(images[e.stem], e.annotation, cls),
                          sum(o.name == cls for o in e.annotation.objects))
                    for e in picked if e.stem in images]
    return out
