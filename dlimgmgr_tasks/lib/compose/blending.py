"""Blend modes: how a piece's edge meets the background (none, gaussian, motion, poisson).

``soften`` turns a piece into the piece that is really pasted (a feathered or motion-blurred
alpha grows the piece by ``pad`` pixels each side); ``paste`` composites it into the canvas.
Whatever the mode, the pasted alpha is thresholded like a source's (below ALPHA_MIN is 0), and
poisson (OpenCV's seamlessClone) is written back only where that alpha is above 0, so the
box of the pasted pixels is the bbox of the returned alpha in every mode.
"""
from __future__ import annotations

import math

import numpy as np

from .transform import Piece, visible

POISSON_PAD = 2  # seamlessClone needs the mask clear of its image's border


def _unpremultiply(premult: np.ndarray, alpha: np.ndarray, piece_rgb: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Colour where the blur reached: the blurred colour outside the piece, the piece's own inside."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rgb = np.where(alpha[..., None] > 0, premult / np.maximum(alpha[..., None], 1e-6), 0)
    rgb = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    rgb[inside] = piece_rgb[inside]
    return rgb


def _padded(piece: Piece, pad: int) -> tuple[np.ndarray, np.ndarray]:
    rgb = np.pad(piece.rgb, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    alpha = np.pad(piece.alpha, pad)
    return rgb, alpha


def soften(piece: Piece, mode: str, sigma: float, length: int, angle: float) -> tuple[Piece, int]:
    """The piece as pasted in ``mode``, and how many pixels it grew on each side."""
    import cv2

    if mode not in ("gaussian", "motion"):
        return piece, 0
    if mode == "gaussian":
        pad = max(1, math.ceil(3 * sigma))
        rgb, alpha = _padded(piece, pad)
        a = alpha.astype(np.float32)
        blurred = cv2.GaussianBlur(a, (2 * pad + 1, 2 * pad + 1), sigma)
        # Feather the edge only: the object itself stays sharp, its rim fades into the background.
        premult = cv2.GaussianBlur(rgb.astype(np.float32) * a[..., None], (2 * pad + 1, 2 * pad + 1), sigma)
        inside = alpha > 0
        new_alpha = np.where(inside, np.minimum(a, blurred * 2), blurred)
    else:
        pad = length
        rgb, alpha = _padded(piece, pad)
        kernel = np.zeros((2 * pad + 1, 2 * pad + 1), np.float32)
        dx, dy = math.cos(math.radians(angle)) * length / 2, math.sin(math.radians(angle)) * length / 2
        cv2.line(kernel, (round(pad - dx), round(pad - dy)), (round(pad + dx), round(pad + dy)), 1.0, 1)
        kernel /= kernel.sum()
        a = alpha.astype(np.float32)
        premult = cv2.filter2D(rgb.astype(np.float32) * a[..., None], -1, kernel, borderType=cv2.BORDER_CONSTANT)
        new_alpha = cv2.filter2D(a, -1, kernel, borderType=cv2.BORDER_CONSTANT)
        inside = np.zeros(alpha.shape, bool)  # a moving object is blurred all through
    new_alpha = visible(np.clip(np.rint(new_alpha), 0, 255).astype(np.uint8))
    return Piece(_unpremultiply(premult, new_alpha.astype(np.float32), rgb, inside), new_alpha), pad


def frame_slices(x: int, y: int, w: int, h: int, size: tuple[int, int]):
    """(frame rows, frame cols, piece rows, piece cols) of a w x h piece at (x, y), or None when outside."""
    width, height = size
    fx0, fy0, fx1, fy1 = max(x, 0), max(y, 0), min(x + w, width), min(y + h, height)
    if fx0 >= fx1 or fy0 >= fy1:
        return None
    return slice(fy0, fy1), slice(fx0, fx1), slice(fy0 - y, fy1 - y), slice(fx0 - x, fx1 - x)


def clip(piece: Piece, x: int, y: int, size: tuple[int, int]):
    """The piece's part inside the frame: (frame slice y, frame slice x, piece rgb, piece alpha), or None."""
    h, w = piece.alpha.shape
    where = frame_slices(x, y, w, h, size)
    if where is None:
        return None
    ys, xs, py, px = where
    return ys, xs, piece.rgb[py, px], piece.alpha[py, px]


def composite(region: np.ndarray, rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """region * (1 - a) + rgb * a, rounded, in whole numbers (the same bytes on every machine)."""
    a = alpha.astype(np.uint16)[..., None]
    return ((rgb.astype(np.uint16) * a + region.astype(np.uint16) * (255 - a) + 127) // 255).astype(np.uint8)


def paste(canvas: np.ndarray, piece: Piece, x: int, y: int, mode: str) -> tuple[slice, slice, np.ndarray] | None:
    """Paste into ``canvas`` (H x W x 3, in place); return where and the alpha that was pasted."""
    part = clip(piece, x, y, (canvas.shape[1], canvas.shape[0]))
    if part is None:
        return None
    ys, xs, rgb, alpha = part
    region = canvas[ys, xs]
    hard = composite(region, rgb, alpha)
    if mode == "poisson" and alpha.any():
        hard = _poisson(region, hard, alpha)
    canvas[ys, xs] = hard
    return ys, xs, alpha


def _poisson(region: np.ndarray, hard: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """seamlessClone of the hard paste into the region, kept only where the piece has alpha."""
    import cv2

    p = POISSON_PAD
    src = cv2.copyMakeBorder(hard, p, p, p, p, cv2.BORDER_REPLICATE)
    dst = cv2.copyMakeBorder(region, p, p, p, p, cv2.BORDER_REPLICATE)
    mask = np.pad(np.where(alpha > 0, 255, 0).astype(np.uint8), p)
    cols, rows = np.flatnonzero(mask.any(axis=0)), np.flatnonzero(mask.any(axis=1))
    center = ((int(cols[0]) + int(cols[-1]) + 1) // 2, (int(rows[0]) + int(rows[-1]) + 1) // 2)
    try:
        cloned = cv2.seamlessClone(src, dst, mask, center, cv2.NORMAL_CLONE)[p:-p, p:-p]
    except cv2.error:  # a mask OpenCV cannot solve (e.g. one pixel wide): the hard paste stands
        return hard
    return np.where(alpha[..., None] > 0, cloned, region)
