"""Source images and their transforms: load, scale, flip, rotate, and the visible mask.

An object is an RGB array with an alpha array (both H x W uint8). Alpha below ALPHA_MIN (6%)
is resampling fringe nobody can see: it is set to 0, never pasted and never boxed, so the
box of what is pasted is the bbox of ``alpha > 0``. Rotation runs on premultiplied alpha
(Pillow's RGBa) with the canvas expanded, so the mask, and with it the box, stays tight.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import images
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
    """A PIL image, RGBA when the file has transparency, else RGB; a file lib/images refuses
    (unreadable, cut short, a decompression bomb, not upright) is a UserError."""
    try:
        im = images.load(path)
    except images.ImageProblem as exc:
        raise UserError(f"{path}: the {what} {exc}; {exc.fix.replace('FILE', str(path))}") from None
    alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    image = im.convert("RGBA" if alpha else "RGB")
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

    if angle:
        return _rotated(image, factor, angle, flips)
    if factor != 1.0:
        w, h = image.size
        # Pillow resizes RGBA with premultiplied alpha, so edges do not pick up dark fringes.
        image = image.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.LANCZOS)
    if image.mode == "RGBA":
        rgba = np.asarray(image)
        rgb, alpha = rgba[:, :, :3], visible(rgba[:, :, 3])
    else:
        rgb = np.asarray(image)
        alpha = np.full(rgb.shape[:2], 255, np.uint8)
    if "horizontal" in flips:
        rgb, alpha = rgb[:, ::-1], alpha[:, ::-1]
    if "vertical" in flips:
        rgb, alpha = rgb[::-1], alpha[::-1]
    return Piece(np.ascontiguousarray(rgb), np.ascontiguousarray(alpha))


_PREMULTIPLIED: dict[int, tuple[object, np.ndarray]] = {}


def _premultiplied(image) -> np.ndarray:
    """The image as premultiplied float32 RGBA, computed once per image object (sources repeat)."""
    key = id(image)
    if key not in _PREMULTIPLIED or _PREMULTIPLIED[key][0] is not image:
        if len(_PREMULTIPLIED) > 256:
            _PREMULTIPLIED.clear()
        rgba = np.asarray(image.convert("RGBA")).astype(np.float32)
        rgba[:, :, :3] *= rgba[:, :, 3:] / 255.0
        rgba.setflags(write=False)
        _PREMULTIPLIED[key] = (image, rgba)  # the image is kept, so its id is not reused meanwhile
    return _PREMULTIPLIED[key][1]


def _rotated(image, factor: float, angle: float, flips: tuple[str, ...]) -> Piece:
    """Scale, mirror and rotate in one OpenCV warp of the premultiplied image, into a canvas that
    holds all of it (a downscale by more than 4/3 is area-averaged first, so it does not alias)."""
    import cv2

    rgba = _premultiplied(image)
    if factor < 0.75:
        w, h = max(1, round(image.width * factor)), max(1, round(image.height * factor))
        rgba = cv2.resize(rgba, (w, h), interpolation=cv2.INTER_AREA)
        factor = 1.0
    h, w = rgba.shape[:2]
    sx = -factor if "horizontal" in flips else factor
    sy = -factor if "vertical" in flips else factor
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # Centre to centre: [x', y'] = R(angle, y down) . S . [x - w/2, y - h/2] + [out_w/2, out_h/2]
    a, b, c, d = cos * sx, sin * sy, -sin * sx, cos * sy
    out_w = math.ceil(abs(a) * w + abs(b) * h) + 2
    out_h = math.ceil(abs(c) * w + abs(d) * h) + 2
    matrix = np.array([[a, b, out_w / 2 - a * w / 2 - b * h / 2], [c, d, out_h / 2 - c * w / 2 - d * h / 2]])
    warped = cv2.warpAffine(rgba, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    alpha = np.clip(warped[:, :, 3], 0.0, 255.0)
    # Unpremultiply; where alpha is below ALPHA_MIN the colour is never pasted, so 1 as a floor is safe.
    rgb = np.minimum(warped[:, :, :3] * (255.0 / np.maximum(alpha, 1.0))[..., None] + 0.5, 255.0)
    return Piece(rgb.astype(np.uint8), visible((alpha + 0.5).astype(np.uint8)))


def bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1), x1/y1 exclusive, of a boolean or non-zero array; None when empty."""
    cols = np.flatnonzero(mask.any(axis=0))
    if not cols.size:
        return None
    rows = np.flatnonzero(mask.any(axis=1))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
