"""How the library shows things to people: aligned text tables and paths relative to the checkout."""
from __future__ import annotations

from pathlib import Path


def table(rows) -> list[str]:
    """Rows of cells as left-aligned columns two spaces apart, trailing blanks trimmed."""
    rows = [[str(c) for c in r] for r in rows]
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def shown(path, root=None) -> str:
    """The path as people should read it: relative to `root` (the checkout) when inside it."""
    path = Path(path)
    if root is not None:
        try:
            return str(path.resolve().relative_to(Path(root).resolve()))
        except (ValueError, OSError):
            pass
    return str(path)
