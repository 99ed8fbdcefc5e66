"""Where each object goes: a weighted mix of placement modes, with bounded overlap.

Modes: ``top-left`` / ``top-right`` (the original tool's corners, inside the margin), ``random``
(fully inside the margin), ``grid`` (a free cell of a grid sized for the largest object),
``anywhere`` (fully inside the frame, margin ignored: centres cover the whole frame) and
``edge`` (across a frame edge: at least ``min_visible`` of the object's pixels stay inside;
the box is clipped and ``truncated`` is 1). Overlap 0 keeps objects ``margin`` apart; above 0 it
bounds the share of the smaller rectangle another may cover.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import UserError
from .config import ComposeConfig
from .rand import HashRandom
from .transform import bbox

RANDOM_TRIES = 200

Rect = tuple[int, int, int, int]  # x, y, w, h


def grid_geometry(conf: ComposeConfig, size: tuple[int, int], cell: tuple[int, int]) -> tuple[int, int, int, int]:
    """cols, rows, cell width, cell height: cells hold the largest object plus a margin between them."""
    width, height = size
    cols = (width - conf.margin) // (cell[0] + conf.margin)
    rows = (height - conf.margin) // (cell[1] + conf.margin)
    return cols, rows, (width - conf.margin) // max(cols, 1), (height - conf.margin) // max(rows, 1)


class Placer:
    """Places one carrier's objects in turn; ``place`` returns (x, y) or raises when nothing fits."""

    def __init__(self, rng: HashRandom, conf: ComposeConfig, size: tuple[int, int], grid, carrier: str, n: int):
        self.rng, self.conf, self.size, self.grid, self.carrier, self.n = rng, conf, size, grid, carrier, n
        self.placed: list[Rect] = []
        self.cells = [(c, r) for r in range(grid[1]) for c in range(grid[0])] if grid else []

    def place(self, mode: str, w: int, h: int, alpha: np.ndarray) -> tuple[int, int]:
        for attempt in range(RANDOM_TRIES):
            spot = self._draw(mode if attempt == 0 or mode not in ("top-left", "top-right") else "random",
                              w, h, alpha)
            if spot is not None and self._fits((spot[0], spot[1], w, h)):
                self.placed.append((spot[0], spot[1], w, h))
                if spot[2] is not None:
                    self.cells.remove(spot[2])
                return spot[0], spot[1]
        width, height = self.size
        raise UserError(f"{self.carrier}: cannot place {self.n} sources on a {width}x{height} carrier without "
                        f"overlap; lower compose.per_carrier, scale or margin, or use placement grid")

    def _draw(self, mode: str, w: int, h: int, alpha: np.ndarray):
        """(x, y, grid cell or None) for one try of ``mode``; None when the mode has no spot."""
        width, height = self.size
        m, rng = self.conf.margin, self.rng
        if mode == "top-left":
            return m, m, None
        if mode == "top-right":
            return width - m - w, m, None
        if mode == "grid" and self.cells:
            cols, rows, cw, ch = self.grid
            c, r = self.cells[rng.randint(0, len(self.cells) - 1)]
            # Each cell is cw x ch; its last `margin` pixels stay free, so neighbours never touch.
            x0, y0 = m + c * cw, m + r * ch
            return x0 + rng.randint(0, max(cw - m - w, 0)), y0 + rng.randint(0, max(ch - m - h, 0)), (c, r)
        if mode == "anywhere":
            return rng.randint(0, width - w), rng.randint(0, height - h), None
        if mode == "edge":
            return self._edge(w, h, alpha)
        return rng.randint(m, width - m - w), rng.randint(m, height - m - h), None

    def _edge(self, w: int, h: int, alpha: np.ndarray):
        """Across one of the four edges: the visible part (alpha's bbox) pokes out by 1 px or more,
        and at least min_visible of the object's pixels stay inside."""
        width, height = self.size
        rng, keep = self.rng, self.conf.min_visible
        bx0, by0, bx1, by1 = bbox(alpha)
        bw, bh = bx1 - bx0, by1 - by0
        side = rng.randint(0, 3)
        out_w = rng.randint(1, max(1, bw - math.ceil(keep * bw)))
        out_h = rng.randint(1, max(1, bh - math.ceil(keep * bh)))
        x, y = rng.randint(-bx0, width - bx1), rng.randint(-by0, height - by1)
        x, y = ((-bx0 - out_w, y), (width - bx1 + out_w, y), (x, -by0 - out_h), (x, height - by1 + out_h))[side]
        total = np.count_nonzero(alpha)
        inside = np.count_nonzero(alpha[max(0, -y):max(0, height - y), max(0, -x):max(0, width - x)])
        return (x, y, None) if total and inside >= keep * total else None

    def _fits(self, rect: Rect) -> bool:
        x, y, w, h = rect
        if self.conf.overlap == 0:
            m = self.conf.margin
            return all(x + w + m <= px or px + pw + m <= x or y + h + m <= py or py + ph + m <= y
                       for px, py, pw, ph in self.placed)
        for px, py, pw, ph in self.placed:
            iw = min(x + w, px + pw) - max(x, px)
            ih = min(y + h, py + ph) - max(y, py)
            if iw > 0 and ih > 0 and iw * ih > self.conf.overlap * min(w * h, pw * ph):
                return False
        return True
