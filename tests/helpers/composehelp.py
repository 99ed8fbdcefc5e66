"""Helpers shared by the compose tests: throw-away projects, real source images, read-backs."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw

from dlimgmgr_tasks.lib.workspace import Workspace
from dlimgmgr_tasks.lib import compose as lib, projects, voc

WHITE = (255, 255, 255)


def make_project(root: Path, name: str = "demo", compose=None, classes=("icon",), sources=None, seed=7) -> Path:
    pdir = root / "projects" / name
    (pdir / "master" / "sources").mkdir(parents=True)
    data = {"classes": list(classes), "seed": seed, "count": 3,
            "compose": compose if compose is not None else {"count": 3}}
    (pdir / "project.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    for fname, image in (sources if sources is not None else {"icon.png": crisp_icon()}).items():
        image.save(pdir / "master" / "sources" / fname)
    return pdir


def crisp_icon() -> Image.Image:
    """32x32 RGBA: an opaque dark-red block at columns 5..26, rows 7..24, plus fringe too faint to paste."""
    im = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((5, 7, 26, 24), fill=(150, 0, 0, 255))
    im.putpixel((1, 1), (0, 0, 0, lib.ALPHA_MIN - 1))  # below ALPHA_MIN: neither pasted nor boxed
    return im


def ring_icon(color=(0, 60, 200)) -> Image.Image:
    """28x28 RGBA: an anti-aliased ring (soft alpha at every edge, a hole in the middle)."""
    big = Image.new("RGBA", (112, 112), (0, 0, 0, 0))
    ImageDraw.Draw(big).ellipse((8, 8, 103, 103), outline=color + (255,), width=22)
    return big.resize((28, 28), Image.Resampling.LANCZOS)


def arrow_icon() -> Image.Image:
    """24x16 RGBA, not mirror-symmetric: an opaque bar on the left half only."""
    im = Image.new("RGBA", (24, 16), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((0, 0, 9, 15), fill=(0, 120, 0, 255))
    return im


def load(root: Path, name: str = "demo") -> projects.Project:
    return projects.load(Workspace.at(root), name)


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def boxes(path: Path) -> list[tuple[str, tuple[int, int, int, int]]]:
    """(class, 0-based edges x0, y0, x1, y1 with x1/y1 exclusive) per object."""
    return [(o.name, tuple(int(v) for v in o.edges())) for o in voc.read(path).objects]


def all_annotations(master: Path) -> list[voc.Annotation]:
    return [voc.read(p) for p in sorted(master.glob("*.xml"))]


def frame_masks(layers, size) -> np.ndarray:
    """(n, H, W) booleans: where each layer's pasted alpha is above 0, inside the frame."""
    width, height = size
    out = np.zeros((len(layers), height, width), bool)
    for i, (_, x, y, alpha) in enumerate(layers):
        h, w = alpha.shape
        fx0, fy0, fx1, fy1 = max(x, 0), max(y, 0), min(x + w, width), min(y + h, height)
        if fx0 < fx1 and fy0 < fy1:
            out[i, fy0:fy1, fx0:fx1] = alpha[fy0 - y:fy1 - y, fx0 - x:fx1 - x] > 0
    return out


def visible_masks(layers, size) -> tuple[np.ndarray, np.ndarray]:
    """(in-frame masks, visible masks): a layer's pixel is visible where no later layer covers it."""
    masks = frame_masks(layers, size)
    later = np.zeros_like(masks)
    if len(masks) > 1:
        later[:-1] = np.logical_or.accumulate(masks[::-1], axis=0)[::-1][1:]
    return masks, masks & ~later


def mask_bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
