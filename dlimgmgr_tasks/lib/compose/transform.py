"""Source images and their transforms: load, scale, flip, rotate, and the visible mask.

An object is an RGB array with an alpha array (both H x W uint8). Alpha below ALPHA_MIN (6%)
is resampling fringe nobody can see: it is set to 0, never pasted and never boxed, so the
box of what is pasted is the bbox of ``alpha > 0``. Rotation runs on premultiplied alpha
(Pillow's RGBa) with the canvas expanded, so the mask, and with it the box, stays tight.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..projects import Project

ALPHA_MIN = 16
_ALPHA_LUT = np.array([0] * ALPHA_MIN + list(range(ALPHA_MIN, 256)), np.uint8)


@dataclass
class Source:
    path: Path
    label: str
    image: object  # PIL.Image, RGBA when the file has transparency, else RGB


@dataclass
class Piece:
    """A transformed image ready to paste: rgb (h, w, 3) and alpha (h, w), 0 where nothing shows."""
    rgb: np.ndarray
    alpha: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        return self.alpha.shape[1], self.alpha.shape[0]


def open_image(path: Path, what: str = "image"):
    """A PIL image, RGBA when the file has transparency, else RGB; unreadable is a UserError."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.load()
            alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
            image = im.convert("RGBA" if alpha else "RGB")
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise UserError(f"{path}: not a readable {what} ({exc}); replace or remove it") from None
    if alpha and not visible(np.asarray(image.getchannel("A"))).any():
        raise UserError(f"{path}: the image is fully transparent; nothing to paste")
    return image


def load_sources(project: Project) -> list[Source]:
    paths = project.sources()
    if not paths:
        raise UserError(f"{project.sources_dir}: no source images (jpg/png); copy some in or use "
                        f"inv dlimgmgr.import DIR --project {project.name}")
    return [Source(path, project.source_class(path), open_image(path)) for path in paths]


def visible(alpha: np.ndarray) -> np.ndarray:
    """Alpha with the invisible fringe set to 0."""
    return _ALPHA_LUT[alpha]


def scale_factor(image, scale: float, in_px: bool) -> float:
    """``scale`` as a factor on the image: itself, or a longer side in pixels."""
    return scale / max(image.size) if in_px else scale


def transform(image, factor: float, angle: float, flips: tuple[str, ...] = ()) -> Piece:
    """Scale by ``factor``, mirror along ``flips``, rotate by ``angle`` degrees (counter-clockwise)."""
    from PIL import Image

    if factor != 1.0:
        w, h = image.size
        # Pillow resizes RGBA with premultiplied alpha, so edges do not pick up dark fringes.
        image = image.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.LANCZOS)
    if "horizontal" in flips:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if "vertical" in flips:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    if angle:
        image = image.convert("RGBA").convert("RGBa")
        image = image.rotate(angle, Image.Resampling.BICUBIC, expand=True).convert("RGBA")
    if image.mode == "RGBA":
        rgba = np.asarray(image)
        alpha = visible(rgba[:, :, 3])
        return Piece(np.ascontiguousarray(rgba[:, :, :3]), alpha)
    rgb = np.asarray(image)
    return Piece(rgb, np.full(rgb.shape[:2], 255, np.uint8))


def bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1), x1/y1 exclusive, of a boolean or non-zero array; None when empty."""
    cols = np.flatnonzero(mask.any(axis=0))
    if not cols.size:
        return None
    rows = np.flatnonzero(mask.any(axis=1))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
