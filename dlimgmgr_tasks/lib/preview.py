"""Contact sheets: a grid of thumbnails with their VOC boxes and class names drawn (Pillow).

``preview_project(project, build=False)`` picks the project's master carriers (or its built
images) through the pair scanner and writes ``build/previews/NAME-master.png`` (or
``NAME-build.png``) under its workspace's root, which git ignores. ``contact_sheet(items, out_path)`` draws any (image, xml) list.
"""
from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

from . import images, pairs, voc
from .files import atomic_write
from .errors import UserError
from .projects import Project

THUMB = 192      # thumbnail cell, pixels
CAPTION = 16     # file name under each thumbnail
TITLE = 28
PAD = 8
DEFAULT_LIMIT = 48
MAX_COLUMNS = 8


def _color(label: str) -> tuple[int, int, int]:
    """A stable, saturated colour per class name."""
    import colorsys

    hue = int.from_bytes(hashlib.sha256(label.encode()).digest()[:2], "big") / 65535
    r, g, b = colorsys.hsv_to_rgb(hue, 0.9, 0.95)
    return int(r * 255), int(g * 255), int(b * 255)


def sample_evenly(items: list, limit: int) -> list:
    """At most ``limit`` items, spread evenly over the list (first one always included)."""
    if limit <= 0 or len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)  # FreeType build: a scalable font
    except (TypeError, OSError):
        return ImageFont.load_default()


def _cell(image_path: Path, xml_path: Path | None, font, small):
    """One thumbnail with boxes and labels, plus the caption's colour (red when the XML is unusable).
    An image that lib/images refuses (cut short, a bomb, not upright) is a UserError."""
    from PIL import Image, ImageDraw

    cell = Image.new("RGB", (THUMB, THUMB), (64, 64, 64))
    draw = ImageDraw.Draw(cell)
    try:
        im = images.load(image_path).convert("RGB")
    except images.ImageProblem as exc:  # as check would refuse it: a sheet must not hide it
        raise UserError(f"{image_path}: the image {exc}; {exc.fix.replace('FILE', str(image_path))}") from None
    factor = THUMB / max(im.width, im.height)
    # Small images (64x64 profiles) are blown up with NEAREST so single pixels stay visible.
    resample = Image.Resampling.NEAREST if factor >= 2 else Image.Resampling.LANCZOS
    thumb = im.resize((max(1, round(im.width * factor)), max(1, round(im.height * factor))), resample)
    ox, oy = (THUMB - thumb.width) // 2, (THUMB - thumb.height) // 2
    cell.paste(thumb, (ox, oy))
    if xml_path is None or not xml_path.is_file():
        draw.text((4, 4), "no XML", fill=(255, 200, 0), font=small)
        return cell, (255, 200, 0)
    try:
        ann = voc.read(xml_path)
    except voc.VocError:
        draw.text((4, 4), "bad XML", fill=(255, 80, 80), font=small)
        return cell, (255, 80, 80)
    # Boxes are drawn in the image's own pixels scaled by the same factor as the thumbnail.
    draw_boxes(draw, ann.objects, (ox, oy), (thumb.width / im.width, thumb.height / im.height), THUMB, small)
    return cell, (230, 230, 230)


def draw_boxes(draw, objects, origin, scale, width: int, font) -> None:
    """Each object's box and class name, drawn on a thumbnail placed at `origin` and scaled by
    `scale` (sx, sy) from the image's own pixels; a name is kept inside `width`."""
    (ox, oy), (sx, sy) = origin, scale
    for obj in objects:
        x0, y0, x1, y1 = obj.edges()
        box = (ox + x0 * sx, oy + y0 * sy, ox + x1 * sx - 1, oy + y1 * sy - 1)
        color = _color(obj.name)
        draw.rectangle(box, outline=color, width=2)
        tw = draw.textlength(obj.name, font=font)
        ty = box[1] - 12 if box[1] >= 12 else box[3] + 1
        tx = max(0, min(box[0], width - tw - 4))  # keep the name inside the thumbnail
        draw.rectangle((tx, ty, tx + tw + 3, ty + 11), fill=color)
        draw.text((tx + 2, ty - 1), obj.name, fill=(0, 0, 0), font=font)


def contact_sheet(items: list[tuple[Path, Path | None]], out_path: Path, title: str = "",
                  limit: int = DEFAULT_LIMIT) -> Path:
    """Draw (image, xml) pairs as a grid of thumbnails with boxes and class names; write a PNG."""
    from PIL import Image, ImageDraw

    if not items:
        raise UserError(f"{out_path}: nothing to draw")
    shown = sample_evenly(list(items), limit)
    cols = min(MAX_COLUMNS, max(1, math.ceil(math.sqrt(len(shown)))))
    rows = math.ceil(len(shown) / cols)
    cw, ch = THUMB + PAD, THUMB + CAPTION + PAD
    sheet = Image.new("RGB", (PAD + cols * cw, TITLE + PAD + rows * ch), (32, 32, 32))
    draw = ImageDraw.Draw(sheet)
    font, small = _font(16), _font(11)
    heading = title or Path(out_path).stem
    if len(shown) < len(items):
        heading += f"  ({len(shown)} of {len(items)}, sampled evenly)"
    draw.text((PAD, 6), heading, fill=(255, 255, 255), font=font)
    for n, (image_path, xml_path) in enumerate(shown):
        x, y = PAD + (n % cols) * cw, TITLE + PAD + (n // cols) * ch
        cell, caption_color = _cell(Path(image_path), Path(xml_path) if xml_path else None, font, small)
        sheet.paste(cell, (x, y))
        draw.text((x, y + THUMB + 2), Path(image_path).name, fill=caption_color, font=small)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    atomic_write(out_path, buf.getvalue())
    return out_path


def project_items(project: Project, build: bool = False) -> list[tuple[Path, Path | None]]:
    """(image, xml or None) pairs: the master carriers, or the built images when ``build``."""
    folder = project.build_dir if build else project.master
    found = pairs.scan(folder)
    if not found.images:
        if build:
            raise UserError(f"{folder}: no built images yet; run: inv build --project {project.name}")
        raise UserError(f"{folder}: no carrier images yet; run: inv dataaug.compose {project.name}")
    return [(Path(image), Path(xml) if xml is not None else None) for image, xml in found.images_with_annotations()]


def sheet_path(project: Project, build: bool = False, coverage: bool = False) -> Path:
    """Where a project's contact sheet (or coverage plot) goes: ROOT/build/previews/NAME-KIND[-coverage].png."""
    kind = ("build" if build else "master") + ("-coverage" if coverage else "")
    return project.workspace.root / "build" / "previews" / f"{project.name}-{kind}.png"


def preview_project(project: Project, build: bool = False, limit: int = DEFAULT_LIMIT) -> Path:
    """Write the project's contact sheet under its workspace's build/previews/ and return its path."""
    if limit < 1:
        raise UserError(f"--limit must be 1 or more (got {limit})")
    kind = "build" if build else "master"
    out = sheet_path(project, build)
    items = project_items(project, build)
    return contact_sheet(items, out, title=f"{project.name} {kind}: {len(items)} images", limit=limit)
