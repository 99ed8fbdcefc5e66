"""Trees of real files for the transfer tests (tests/ssh/test_ssh.py, tests/faults/test_ssh.py):
noisy JPEGs to send, their bytes to compare, and what a transfer left in flight."""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image

from tests.helpers.leftovers import in_flight


def jpeg_tree(root: Path, n: int = 12, size: int = 96, seed: int = 0) -> Path:
    """Real JPEGs (noisy, so they do not compress away) in two folders, one name with a space."""
    rnd = random.Random(seed)
    for i in range(n):
        sub = root / ("a" if i % 2 else "b c")
        sub.mkdir(parents=True, exist_ok=True)
        img = Image.frombytes("RGB", (size, size), bytes(rnd.getrandbits(8) for _ in range(size * size * 3)))
        img.save(sub / f"img_{i:03d}.jpg", quality=95)
    (root / "top.xml").write_text("<annotation><filename>x.jpg</filename></annotation>\n")
    return root


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return in_flight(folder)
