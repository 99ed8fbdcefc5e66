"""Carrier backgrounds: solid colours, random crops and rescales of real screenshots, generated busy ones.

``background:`` in compose: ``colors: [[r, g, b], ...]`` (used in turn) or ``images: FOLDER``
(relative to the project), plus ``generated: SHARE``, the share of carriers that get a generated
busy background instead (gradients, panels, bars, circles, lines: what an ad screenshot holds).
With no ``background:`` at all every carrier gets a generated one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..projects import Project, is_image
from .rand import HashRandom
from .values import image_folder, known_keys, share

# White first (the original tool's base), then a few that make a detector look at the shape.
DEFAULT_COLORS = ((255, 255, 255), (235, 235, 235), (125, 125, 125), (40, 40, 40), (250, 235, 200))
MIN_CROP = 0.35  # a crop keeps at least this share of the screenshot's shorter side


@dataclass(frozen=True)
class BackgroundConfig:
    colors: tuple[tuple[int, int, int], ...] = DEFAULT_COLORS
    images: Path | None = None
    generated: float = 1.0


def read_config(project: Project, where: str, raw) -> BackgroundConfig:
    if raw is None:
        return BackgroundConfig()
    if not isinstance(raw, dict):
        raise UserError(f"{where} must be a mapping with colors: [[r, g, b], ...], images: FOLDER or "
                        f"generated: SHARE (project.yaml)")
    known_keys(where, raw, {"colors", "images", "generated"})
    if "colors" in raw and "images" in raw:
        raise UserError(f"{where}: give colors or images, not both (project.yaml)")
    colors, images = DEFAULT_COLORS, None
    if "colors" in raw:
        colors = raw["colors"]
        if (not isinstance(colors, list) or not colors or not all(
                isinstance(c, list) and len(c) == 3
                and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in c)
                for c in colors)):
            raise UserError(f"{where}.colors must be a list of [r, g, b] with 0..255 (got {colors!r}); "
                            f"fix project.yaml")
        colors = tuple(tuple(c) for c in colors)
    if "images" in raw:
        images = image_folder(project, raw["images"], f"{where}.images")
    default = 0.0 if ("colors" in raw or "images" in raw) else 1.0
    return BackgroundConfig(colors, images, share(f"{where}.generated", raw.get("generated"), default))


class Backgrounds:
    """Makes carrier number ``index``'s background as an H x W x 3 uint8 RGB array."""

    def __init__(self, conf: BackgroundConfig, size: tuple[int, int]):
        self.conf, self.size = conf, size
        self.files = sorted(p for p in conf.images.iterdir() if is_image(p)) if conf.images else []
        self._decoded: dict[Path, np.ndarray] = {}
        self._solid: dict[tuple, np.ndarray] = {}

    def make(self, rng: HashRandom, index: int) -> np.ndarray:
        if rng.random() < self.conf.generated:
            return busy(rng, self.size)
        if self.files:
            return self._crop(rng, self.files[index % len(self.files)])
        color = self.conf.colors[index % len(self.conf.colors)]
        if color not in self._solid:  # one array per colour; the scene copies before painting
            width, height = self.size
            self._solid[color] = np.tile(np.array(color, np.uint8), (height, width, 1))
            self._solid[color].setflags(write=False)
        return self._solid[color]

    def _image(self, path: Path) -> np.ndarray:
        from .. import images

        if path not in self._decoded:
            try:
                self._decoded[path] = np.asarray(images.load(path).convert("RGB"))
            except images.ImageProblem as exc:
                raise UserError(f"{path}: the background image {exc}; "
                                f"{exc.fix.replace('FILE', str(path))}") from None
        return self._decoded[path]

    def _crop(self, rng: HashRandom, path: Path) -> np.ndarray:
        """A window of random size and place, with the carrier's aspect, rescaled to the carrier."""
        import cv2

        image = self._image(path)
        ih, iw = image.shape[:2]
        width, height = self.size
        fit = min(iw / width, ih / height)  # the largest window of the carrier's aspect
        factor = fit * rng.uniform(MIN_CROP, 1.0)
        cw, ch = max(1, min(iw, round(width * factor))), max(1, min(ih, round(height * factor)))
        x, y = rng.randint(0, iw - cw), rng.randint(0, ih - ch)
        window = image[y:y + ch, x:x + cw]
        shrink = cw >= width
        return cv2.resize(window, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def busy(rng: HashRandom, size: tuple[int, int]) -> np.ndarray:
    """A generated busy background: a gradient under random panels, bars, circles and lines."""
    from PIL import Image, ImageDraw

    width, height = size
    top, bottom = np.array(rng.color(), float), np.array(rng.color(), float)
    ramp = np.linspace(0.0, 1.0, height)[:, None, None]
    base = (top + (bottom - top) * ramp).astype(np.uint8)
    im = Image.fromarray(np.ascontiguousarray(np.broadcast_to(base, (height, width, 3))))
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randint(6, 16)):
        x0, y0 = rng.randint(-width // 4, width), rng.randint(-height // 4, height)
        x1, y1 = x0 + rng.randint(4, width // 2), y0 + rng.randint(4, height // 2)
        kind, color = rng.randint(0, 3), rng.color()
        if kind == 0:
            draw.rectangle((x0, y0, x1, y1), fill=color)
        elif kind == 1:
            draw.ellipse((x0, y0, x1, y1), fill=color, outline=rng.color(), width=rng.randint(0, 4))
        elif kind == 2:
            draw.rounded_rectangle((x0, y0, x1, y1), radius=rng.randint(2, 20), fill=color)
        else:
            draw.line((x0, y0, x1, y1), fill=color, width=rng.randint(1, 6))
    return np.asarray(im)
