"""One carrier's scene: planned once (background, distractors, objects, their transforms and
places), then rendered once per blend mode, with each object's box from its visible pixels.

Boxes: objects are pasted in order, so a later one hides an earlier one where its pasted alpha
is above 0. An object's box is the bbox of the pixels where it is the top object, inside the
frame. A box clipped by the frame has ``truncated`` 1 (the edge mode keeps only objects with at
least ``min_visible`` of their pixels in the frame). An object hidden by later ones beyond
``max_hidden`` of its pixels is kept with ``difficult`` 1 rather than dropped: its visible part
is still in the picture, and an unlabelled visible object would teach "this is background"; VOC
evaluation ignores difficult objects and ssd-style trainers skip them by default. An object with
no visible pixel left has no box and is left out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import voc
from ..errors import UserError
from . import blending
from .backgrounds import Backgrounds
from .config import CORNERS, ComposeConfig
from .distractors import Distractors
from .placement import Placer, grid_geometry
from .rand import HashRandom, stable_rank
from .transform import Piece, Source, bbox, scale_factor, transform

JPEG_QUALITY = 95  # with 4:4:4 chroma, which keeps small icons' edges
JPEG_OPTIONS = {"format": "JPEG", "quality": JPEG_QUALITY, "subsampling": 0}  # the same, as Pillow says it


@dataclass
class Placed:
    label: str | None  # None: a distractor, pasted without a box
    piece: Piece
    x: int
    y: int
    blend: str | None  # this object's mode when compose.blend gives weights
    sigma: float
    length: int
    angle: float


@dataclass
class Scene:
    background: np.ndarray
    distractors: list[Placed] = field(default_factory=list)
    objects: list[Placed] = field(default_factory=list)


@dataclass
class Rendered:
    canvas: np.ndarray
    objects: list[voc.VocObject]
    layers: list[tuple[str, int, int, np.ndarray]]  # label, frame x, y, pasted alpha: what the boxes come from


def _rotated_size(w: int, h: int, rotate: tuple[float, float]) -> tuple[int, int]:
    """The largest bounding size of a w x h rectangle rotated within ``rotate``."""
    angles = [rotate[0] + (rotate[1] - rotate[0]) * k / 64 for k in range(65)]
    rw = max(abs(w * math.cos(math.radians(a))) + abs(h * math.sin(math.radians(a))) for a in angles)
    rh = max(abs(w * math.sin(math.radians(a))) + abs(h * math.cos(math.radians(a))) for a in angles)
    return math.ceil(rw - 1e-9) + (1 if rotate != (0.0, 0.0) else 0), math.ceil(rh - 1e-9) + (1 if rotate != (0.0, 0.0) else 0)


class Composer:
    """Everything fixed for one project and size; ``scene(s)`` plans, ``render`` draws."""

    def __init__(self, project, conf: ComposeConfig, sources: list[Source], size: tuple[int, int]):
        self.project, self.conf, self.sources, self.size = project, conf, sources, size
        self.grid = None
        cell = self._check_fits()
        if "grid" in conf.placement:
            self.grid = grid_geometry(conf, size, cell)
            if set(conf.placement) == {"grid"} and conf.per_carrier[1] > self.grid[0] * self.grid[1]:
                cols, rows = self.grid[:2]
                raise UserError(f"{project.yaml_path}: compose.per_carrier {conf.per_carrier[1]} is more than fit: a "
                                f"{size[0]}x{size[1]} carrier holds a {cols}x{rows} grid of {cell[0]}x{cell[1]} "
                                f"sources with margin {conf.margin}; lower per_carrier, scale or margin")
        self.backgrounds = Backgrounds(conf.background, size)
        self.distractors = Distractors(conf.distractors)
        ranks = sorted(range(conf.count), key=lambda s: (stable_rank("negative", project.name, project.seed, s), s))
        self.negatives = set(ranks[:round(conf.negatives * conf.count)])

    def _check_fits(self) -> tuple[int, int]:
        """Each source's scale range, its top cut to what fits the carrier; the largest pasted size.

        A source that cannot fit even at the bottom of the range is a UserError: a smaller profile
        (64x64) keeps working with a project whose scale reaches 2.5x at 400x400.
        """
        width, height = self.size
        conf, big_w, big_h = self.conf, 0, 0
        self.scales = {}
        for src in self.sources:
            w, h = src.image.size
            lo, hi = (scale_factor(src.image, v, conf.scale_px) for v in conf.scale)
            rw, rh = _rotated_size(w, h, conf.rotate)
            room = min((width - 2 * conf.margin) / rw, (height - 2 * conf.margin) / rh)
            sw, sh = _rotated_size(max(1, round(w * lo)), max(1, round(h * lo)), conf.rotate)
            if sw + 2 * conf.margin > width or sh + 2 * conf.margin > height:
                at = f" (at scale {conf.scale[0]:g}: {sw}x{sh})" if (sw, sh) != (w, h) else ""
                raise UserError(f"{src.path}: {w}x{h}{at} plus margin {conf.margin} does not fit the {width}x{height} "
                                f"carrier; use a smaller source, scale or margin, or a bigger profile")
            while True:  # the top of the range, lowered until its rotated size fits
                top = max(lo, min(hi, room))
                sw, sh = _rotated_size(max(1, round(w * top)), max(1, round(h * top)), conf.rotate)
                if top == lo or (sw + 2 * conf.margin <= width and sh + 2 * conf.margin <= height):
                    break
                room *= 0.98
            self.scales[src.path] = (lo, top)
            big_w, big_h = max(big_w, sw), max(big_h, sh)
        return big_w, big_h

    def _piece(self, rng: HashRandom, image, label: str | None, scales: tuple[float, float] | None = None) -> Piece:
        conf = self.conf
        if scales is None:  # a distractor: the configured range, on its own size
            scales = tuple(scale_factor(image, v, conf.scale_px) for v in conf.scale)
        factor = rng.log_uniform(*scales)
        angle = rng.uniform(*conf.rotate) if conf.rotate != (0.0, 0.0) else 0.0
        flips = tuple(axis for axis in conf.flips.get(label, ()) if rng.random() < 0.5)
        return transform(image, factor, angle, flips)

    def _blend_draws(self, rng: HashRandom) -> dict:
        """This object's blend mode (when chosen per object) and the soft modes' parameters, if used."""
        conf = self.conf
        blend = rng.weighted(conf.blend_weights) if conf.blend_weights else None
        if not {"gaussian", "motion"} & (set(conf.blends) | set(conf.blend_weights or ())):
            return {"blend": blend, "sigma": 0.0, "length": 0, "angle": 0.0}
        return {"blend": blend, "sigma": rng.uniform(0.6, 1.6), "length": rng.randint(3, 7),
                "angle": rng.uniform(0.0, 180.0)}

    def scene(self, s: int) -> Scene:
        conf, name = self.conf, self.project.name
        rng = HashRandom("compose", name, self.project.seed, s)
        scene = Scene(self.backgrounds.make(rng, s))
        width, height = self.size
        for image in self.distractors.draw(rng):
            piece = self._piece(rng, image, None)
            w, h = piece.size
            if w <= width and h <= height:
                x, y = rng.randint(0, width - w), rng.randint(0, height - h)
                scene.distractors.append(Placed(None, piece, x, y, **self._blend_draws(rng)))
        if s in self.negatives:
            return scene
        n = rng.randint(*conf.per_carrier)
        carrier = f"{self.project.master / carrier_stem(name, s * len(conf.blends))}.jpg"
        placer = Placer(rng, conf, self.size, self.grid, carrier, n)
        corners_used: set[str] = set()
        for j in range(n):
            # Sources in turn, so every source appears about equally often.
            src = self.sources[(s * conf.per_carrier[1] + j) % len(self.sources)]
            mode = rng.weighted(conf.placement)
            if mode in corners_used:
                mode = "anywhere" if "anywhere" in conf.placement else "random"
            corners_used |= {mode} & set(CORNERS)
            piece = self._piece(rng, src.image, src.label, self.scales[src.path])
            try:
                x, y = placer.place(mode, *piece.size, piece.alpha)
            except UserError:
                if j < conf.per_carrier[0]:
                    raise
                break  # beyond the least per_carrier asks for: a full carrier simply holds fewer

            scene.objects.append(Placed(src.label, piece, x, y, **self._blend_draws(rng)))
        return scene

    def render(self, scene: Scene, mode: str) -> Rendered:
        canvas = np.empty_like(scene.background)
        np.copyto(canvas, scene.background)
        for d in scene.distractors:
            _paste(canvas, d, d.blend or mode)
        layers = []
        for obj in scene.objects:
            x, y, alpha = _paste(canvas, obj, obj.blend or mode)
            layers.append((obj.label, x, y, alpha))
        return Rendered(canvas, self._boxes(scene, layers), layers)

    def _boxes(self, scene: Scene, layers) -> list[voc.VocObject]:
        """Each object's box from the pixels where it is on top; truncated and difficult flags."""
        parts = []
        for _, x, y, alpha in layers:
            where = blending.frame_slices(x, y, alpha.shape[1], alpha.shape[0], self.size)
            parts.append(None if where is None else (where[0], where[1], alpha[where[2], where[3]] > 0))
        objects = []
        for i, (obj, part) in enumerate(zip(scene.objects, parts)):
            if part is None:
                continue
            ys, xs, mask = part
            mine = _uncovered(ys, xs, mask, parts[i + 1:])
            box = bbox(mine)
            if box is None:
                continue  # hidden entirely: no box to draw
            shown = np.count_nonzero(mine) / max(np.count_nonzero(mask), 1)
            objects.append(voc.VocObject.from_edges(
                obj.label, xs.start + box[0], ys.start + box[1], xs.start + box[2], ys.start + box[3],
                truncated=int(self._truncated(obj)), difficult=int(1 - shown > self.conf.max_hidden)))
        return objects

    def _truncated(self, obj: Placed) -> bool:
        """Does the frame cut off any of the object's pixels (as placed, before blending)?"""
        h, w = obj.piece.alpha.shape
        inside = blending.frame_slices(obj.x, obj.y, w, h, self.size)
        if inside is None:
            return True
        if (inside[0].stop - inside[0].start, inside[1].stop - inside[1].start) == (h, w):
            return False
        return np.count_nonzero(obj.piece.alpha[inside[2], inside[3]]) < np.count_nonzero(obj.piece.alpha)

    def carriers(self, s: int) -> list[tuple[int, bytes, voc.Annotation]]:
        """Scene ``s`` rendered once per blend mode: (carrier number, JPEG bytes, pre-label)."""
        import cv2

        params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY,
                  cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444]
        scene = self.scene(s)
        out = []
        for m, mode in enumerate(self.conf.blends):
            number = s * len(self.conf.blends) + m
            rendered = self.render(scene, mode)
            ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rendered.canvas, cv2.COLOR_RGB2BGR), params)
            ann = voc.Annotation(filename=f"{carrier_stem(self.project.name, number)}.jpg", width=self.size[0],
                                 height=self.size[1], depth=3, objects=rendered.objects, folder="master")
            out.append((number, jpeg.tobytes(), ann))
        return out


def _uncovered(ys: slice, xs: slice, mask: np.ndarray, later: list) -> np.ndarray:
    """``mask`` (at frame rows ys, cols xs) less every later part's pixels that lie on it."""
    mine = mask
    for part in later:
        if part is None:
            continue
        oys, oxs, other = part
        y0, y1 = max(ys.start, oys.start), min(ys.stop, oys.stop)
        x0, x1 = max(xs.start, oxs.start), min(xs.stop, oxs.stop)
        if y0 >= y1 or x0 >= x1:
            continue  # apart: the common case, nothing to do
        if mine is mask:
            mine = mask.copy()
        mine[y0 - ys.start:y1 - ys.start, x0 - xs.start:x1 - xs.start] &= \
            ~other[y0 - oys.start:y1 - oys.start, x0 - oxs.start:x1 - oxs.start]
    return mine


def _paste(canvas: np.ndarray, obj: Placed, mode: str) -> tuple[int, int, np.ndarray]:
    """Paste one object in ``mode``; its frame position and the alpha really pasted."""
    soft, pad = blending.soften(obj.piece, mode, obj.sigma, obj.length, obj.angle)
    blending.paste(canvas, soft, obj.x - pad, obj.y - pad, mode)
    return obj.x - pad, obj.y - pad, soft.alpha


def carrier_stem(name: str, index: int) -> str:
    return f"{name}_c{index:03d}"
