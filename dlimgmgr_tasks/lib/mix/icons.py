"""Near-duplicate source icons across projects: a small perceptual hash (dHash, 64 bits) of each
project's master/sources/ image. The same icon in two projects (the original tool's `ru_`
projects reused their twins' icons byte for byte) lets val of one score what the other trained on.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from ..errors import UserError


def dhash(path: Path) -> int | None:
    """64 bits: is each pixel of a 9x8 grey thumbnail brighter than its right neighbour.
    Transparent parts count as mid-grey, so an icon's cut-out shape is compared, not its padding
    colour. None when the file cannot be read as an image."""
    try:
        with Image.open(path) as img:
            img = img.convert("RGBA")
            ground = Image.new("RGBA", img.size, (128, 128, 128, 255))
            grey = Image.alpha_composite(ground, img).convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    px = grey.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (px[row * 9 + col] > px[row * 9 + col + 1])
    return bits


def near_duplicates(ws, projects, near: int) -> list[str]:
    """One warning line per pair of sources in two different projects whose dHashes differ by at
    most `near` bits."""
    hashed = []
    for name in projects:
        try:
            sources = ws.project(name).sources()
        except UserError:
            continue   # a project of the mix that is gone or broken here: nothing to compare
        hashed += [(name, path, h) for path in sources if (h := dhash(path)) is not None]
    lines = []
    for i, (pa, a, ha) in enumerate(hashed):
        for pb, b, hb in hashed[i + 1:]:
            bits = bin(ha ^ hb).count("1")
            if pa != pb and bits <= near:
                rel_a, rel_b = (p.relative_to(ws.root) if p.is_relative_to(ws.root) else p for p in (a, b))
                lines.append(f"warning: {rel_a} and {rel_b} look like one icon ({bits} of 64 hash bits differ): "
                             f"val of one project then scores what the other trained on; merge them "
                             f"(inv mix --remap) or mix them apart")
    return lines
