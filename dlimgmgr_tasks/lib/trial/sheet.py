"""Sheet: a grid of in-memory images with their VOC boxes and class names, as a PNG that Jupyter
shows inline; Figure: any PNG (the coverage figure) the same way."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from .. import voc
from ..files import atomic_write

CELL = 224
CAPTION = 16
PAD = 6
COLUMNS = 4


@dataclass
class Figure:
    """A PNG that shows inline in Jupyter and saves as a file."""
    png: bytes
    title: str = ""

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"<Figure {self.title!r}: PNG, {len(self.png):,} bytes>"

    def save(self, path) -> Path:
        """Write the PNG (temp name, then rename); returns its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, self.png)
        return path


@dataclass
class Sheet:
    """What a trial made: items of (name, JPEG or PNG bytes, voc.Annotation or None) and the files
    compose or build would write for them ({name: bytes}, in the order they would)."""
    title: str
    items: list = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    columns: int = COLUMNS
    _png: bytes | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:   # the text form beside the inline PNG: short, never the bytes
        return f"<Sheet {self.title!r}: {len(self.items)} image(s)>"

    @property
    def annotations(self) -> list:
        return [ann for _, _, ann in self.items if ann is not None]

    def coverage(self) -> Figure:
        """The coverage figure of this trial: box-centre heatmap, sizes and aspects per class."""
        from .. import coverage
        cov = coverage.measure_annotations(self.annotations)
        return Figure(coverage.png(cov, f"{self.title}: coverage"), self.title)

    def image(self):
        """The grid as a PIL image."""
        from PIL import Image, ImageDraw

        from ..preview import _font
        cols = max(1, min(self.columns, len(self.items)))
        rows = max(1, math.ceil(len(self.items) / cols))
        sheet = Image.new("RGB", (PAD + cols * (CELL + PAD), 26 + rows * (CELL + CAPTION + PAD)), (32, 32, 32))
        draw = ImageDraw.Draw(sheet)
        draw.text((PAD, 5), f"{self.title}  ({len(self.items)})", fill=(255, 255, 255), font=_font(15))
        small = _font(11)
        for n, (name, data, ann) in enumerate(self.items):
            x, y = PAD + (n % cols) * (CELL + PAD), 26 + (n // cols) * (CELL + CAPTION + PAD)
            sheet.paste(_cell(data, ann, small), (x, y))
            draw.text((x, y + CELL + 2), name, fill=(230, 230, 230), font=small)
        return sheet

    def png(self) -> bytes:
        if self._png is None:
            buf = io.BytesIO()
            self.image().save(buf, format="PNG")
            self._png = buf.getvalue()
        return self._png

    def _repr_png_(self) -> bytes:
        return self.png()

    def save(self, path) -> Path:
        """Write the grid as a PNG (temp name, then rename); returns its path."""
        return Figure(self.png()).save(path)


def _cell(data: bytes, ann, font):
    """One image scaled into a CELL square, its boxes drawn where the annotation puts them."""
    from PIL import Image, ImageDraw

    from ..preview import draw_boxes
    im = Image.open(io.BytesIO(data))
    if im.mode in ("RGBA", "LA", "PA", "P"):   # a cut source's transparency shows as grey, as pasted
        im = Image.alpha_composite(Image.new("RGBA", im.size, (128, 128, 128, 255)), im.convert("RGBA"))
    im = im.convert("RGB")
    cell = Image.new("RGB", (CELL, CELL), (64, 64, 64))
    factor = CELL / max(im.width, im.height)
    resample = Image.Resampling.NEAREST if factor >= 2 else Image.Resampling.LANCZOS
    thumb = im.resize((max(1, round(im.width * factor)), max(1, round(im.height * factor))), resample)
    ox, oy = (CELL - thumb.width) // 2, (CELL - thumb.height) // 2
    cell.paste(thumb, (ox, oy))
    draw = ImageDraw.Draw(cell)
    draw_boxes(draw, ann.objects if ann is not None else [], (ox, oy), (factor, factor), CELL, font)
    return cell


def show_sources(project) -> Sheet:
    """The project's hand-cut source images (master/sources/), each named with its class."""
    items = []
    for path in project.sources():
        data = path.read_bytes()
        items.append((f"{path.name}: {project.source_class(path)}", data, None))
    return Sheet(f"{project.name}: sources", items, columns=max(1, min(len(items), 6)))


def annotation_of(xml: bytes):
    return voc.parse(xml)
