"""Time `checks.check_projects` over N annotated images (default 3,000) against a floor.

The floor is the least any checker must do: a plain loop of `Image.open(path).size` and
`xmltodict.parse` over the same files. Run: .venv/bin/python benchmarks/bench_check.py [N]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import xmltodict  # noqa: E402
from PIL import Image  # noqa: E402
from benchutil import best_of  # noqa: E402

from dlimgmgr_tasks.lib import checks, voc  # noqa: E402


def make(root: Path, n: int) -> list[tuple[Path, Path]]:
    """projects/bench/build/bench_NNNNNN.{jpg,xml}: one realistic 400x400 JPEG's bytes, n times."""
    pdir = root / "projects" / "bench"
    build = pdir / "build"
    (pdir / "master").mkdir(parents=True)
    build.mkdir()
    (pdir / "project.yaml").write_text("classes: [close, ok]\ncount: 1\nseed: 0\n")
    rng = np.random.default_rng(0)
    image = rng.integers(90, 160, (400, 400, 3), dtype=np.uint8)
    image[20:52, 300:332] = (220, 30, 30)
    tmp = root / "one.jpg"
    Image.fromarray(image).save(tmp, quality=90)
    data = tmp.read_bytes()
    pairs = []
    for i in range(n):
        stem = f"bench_{i:06d}"
        (build / f"{stem}.jpg").write_bytes(data)
        objs = [voc.VocObject("close", 301, 21, 332, 52), voc.VocObject("ok", 10 + i % 50, 10, 80, 90)]
        voc.write(build / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", 400, 400, objects=objs))
        pairs.append((build / f"{stem}.jpg", build / f"{stem}.xml"))
    return pairs


def floor(pairs) -> None:
    for image, xml in pairs:
        Image.open(image).size
        xmltodict.parse(xml.read_bytes(), disable_entities=True)




def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pairs = make(root, n)
        report = checks.check_projects(root)
        assert report.ok and report.annotations == n, report.problems[:3]
        t_floor = best_of(lambda: floor(pairs))
        t_check = best_of(lambda: checks.check_projects(root))
    files = 2 * n
    print(f"{n} annotated images ({files} files), best of 3, warm cache")
    print(f"floor (Image.open().size + xmltodict.parse): {t_floor:.3f}s  {files / t_floor:,.0f} files/s")
    print(f"checks.check_projects:                      {t_check:.3f}s  {files / t_check:,.0f} files/s")
    print(f"check / floor: {t_check / t_floor:.2f}x")


if __name__ == "__main__":
    main()
