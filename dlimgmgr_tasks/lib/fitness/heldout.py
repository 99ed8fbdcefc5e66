"""Held-out scenes for the fitness run: each project's sources pasted where compose would not.

A detector that learned only compose's habits (its scales, its backgrounds, the cells its
carriers use most) should score low here. For every project of the mix that is not test-only:
- scales outside compose's `scale` range (below its low end and above its high end, within what
  fits the frame);
- positions drawn by cell of a 4x4 grid, weighted against the cells the project's master boxes use;
- backgrounds compose never makes: smooth two-colour gradients with soft translucent shapes;
- classes after the mix's remap, boxes the bounding box of the pasted pixels (alpha >= 16).
Deterministic: the same sources, project.yaml, size and seed give the same scenes.
"""
from __future__ import annotations

import random
from pathlib import Path

from .. import voc
from ..compose.config import read_config
from ..errors import UserError

GRID = 4
ALPHA = 16
MIN_SIDE = 6


def _compose_px(project, source_size) -> tuple[float, float]:
    """The longer side, in pixels, that compose gives a pasted source."""
    cfg = read_config(project)
    lo, hi = cfg.scale
    if cfg.scale_px:
        return float(lo), float(hi)
    side = max(source_size)
    return lo * side, hi * side


def _unused_sizes(lo: float, hi: float, frame: int) -> list[tuple[float, float]]:
    """Size ranges outside [lo, hi] that fit the frame: smaller, larger (or the range itself if neither)."""
    top = 0.6 * frame
    ranges = [(max(MIN_SIDE, lo * 0.45), lo * 0.8), (hi * 1.25, min(hi * 2.0, top))]
    ranges = [(a, b) for a, b in ranges if a < b and b >= MIN_SIDE and a <= top]
    return ranges or [(max(MIN_SIDE, lo), max(MIN_SIDE, min(hi, top)))]


def _cell_weights(project) -> list[float]:
    """1 / (1 + boxes centred there) per cell of the master carriers (rows first)."""
    counts = [0] * (GRID * GRID)
    for _, xml in project.labelled_carriers():
        try:
            ann = voc.read(xml)
        except (voc.VocError, OSError):
            continue
        for o in ann.objects:
            cx = (o.xmin + o.xmax) / 2 / max(ann.width, 1)
            cy = (o.ymin + o.ymax) / 2 / max(ann.height, 1)
            counts[min(GRID - 1, int(cy * GRID)) * GRID + min(GRID - 1, int(cx * GRID))] += 1
    return [1.0 / (1 + c) for c in counts]


def _background(rnd: random.Random, size):
    from PIL import Image, ImageDraw, ImageFilter

    w, h = size
    a, b = [tuple(rnd.randint(0, 255) for _ in range(3)) for _ in range(2)]
    ramp = Image.linear_gradient("L").resize((w, h))
    if rnd.random() < 0.5:
        ramp = ramp.transpose(Image.Transpose.ROTATE_90).resize((w, h))
    img = Image.composite(Image.new("RGB", size, b), Image.new("RGB", size, a), ramp)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rnd.randint(2, 5)):
        x0, y0 = rnd.randint(-w // 4, w), rnd.randint(-h // 4, h)
        x1, y1 = x0 + rnd.randint(w // 8, w // 2), y0 + rnd.randint(h // 8, h // 2)
        colour = (*[rnd.randint(0, 255) for _ in range(3)], rnd.randint(40, 110))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    layer = layer.filter(ImageFilter.GaussianBlur(max(1, min(w, h) // 80)))
    return Image.alpha_composite(img.convert("RGBA"), layer)


def _place(rnd, weights, size, box_wh, taken) -> tuple[int, int] | None:
    w, h = size
    bw, bh = box_wh
    for _ in range(30):
        cell = rnd.choices(range(GRID * GRID), weights)[0]
        cx = (cell % GRID + rnd.random()) * w / GRID
        cy = (cell // GRID + rnd.random()) * h / GRID
        x = int(min(max(cx - bw / 2, 0), w - bw))
        y = int(min(max(cy - bh / 2, 0), h - bh))
        if all(x + bw <= a or a + c <= x or y + bh <= b or b + d <= y for a, b, c, d in taken):
            return x, y
    return None


def _scene(rnd, size, pasteables, weights) -> tuple:
    """One image and its objects: 1-3 sources of one project at unused scales and cells."""
    img = _background(rnd, size)
    objects, taken = [], []
    for _ in range(rnd.randint(1, 3)):
        src, cls, ranges = rnd.choice(pasteables)
        lo, hi = rnd.choice(ranges)
        side = rnd.uniform(lo, hi)
        k = side / max(src.size)
        icon = src.resize((max(1, round(src.width * k)), max(1, round(src.height * k))))
        at = _place(rnd, weights, size, icon.size, taken)
        if at is None:
            continue
        bbox = icon.getchannel("A").point(lambda v: 255 if v >= ALPHA else 0).getbbox()
        if bbox is None:
            continue
        img.alpha_composite(icon, at)
        taken.append((*at, *icon.size))
        x0, y0, x1, y1 = bbox
        objects.append(voc.VocObject.from_edges(cls, at[0] + x0, at[1] + y0, at[0] + x1, at[1] + y1))
    return img.convert("RGB"), objects


def _pasteables(project, remap: dict, frame: int) -> list:
    from PIL import Image

    out = []
    for path in project.sources():
        try:
            with Image.open(path) as im:
                src = im.convert("RGBA")
        except OSError as exc:
            raise UserError(f"{path}: unreadable source image ({exc}); replace it") from None
        cls = project.source_class(path)
        out.append((src, remap.get(cls, cls), _unused_sizes(*_compose_px(project, src.size), frame)))
    return out


def write_scenes(ws, manifest: dict, out: Path, per_project: int, seed: int = 0) -> dict:
    """Write out/JPEGImages/*.jpg and out/Annotations/*.xml; {project: scenes written}."""
    size = tuple(manifest["provenance"]["profile"]["size"])
    remap = manifest.get("remap") or {}
    (out / "JPEGImages").mkdir(parents=True, exist_ok=True)
    (out / "Annotations").mkdir(parents=True, exist_ok=True)
    made = {}
    for name, info in sorted(manifest["provenance"]["projects"].items()):
        if info.get("test_only") or not (ws.root / "projects" / name).is_dir():
            continue
        project = ws.project(name)
        pasteables = _pasteables(project, remap, min(size))
        if not pasteables:
            continue
        rnd, weights = random.Random(f"heldout/{name}/{seed}"), _cell_weights(project)
        for i in range(per_project):
            img, objects = _scene(rnd, size, pasteables, weights)
            stem = f"heldout_{name}_{i:04d}"
            img.save(out / "JPEGImages" / f"{stem}.jpg", quality=90)
            voc.write(out / "Annotations" / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", *size, 3, objects))
        made[name] = per_project
    return made
