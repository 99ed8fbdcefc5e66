"""`inv dlimgmgr.check` over N annotated images (default 3,000) against the least a checker must do.

The floor is a plain loop of `Image.open(path).size` and `xmltodict.parse` over the same files, in
this process. The check runs as the real CLI in a copy of the repository; its start-up (the same
command on an empty project, measured in the same run) is taken off, so the ratio compares the
work only.
Goal: none stated (the last note measured 1.27x the floor's time); the ratio is reported.

    .venv/bin/python benchmarks/bench_check.py [--smoke] [--json PATH] [--images 3000] [--repeat 3]
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from benchutil import Repo, Report, best_of, parse_args, voc_xml

NAME = "check"
SIZE = 400


def make_build(repo: Repo, n: int) -> list[tuple[Path, Path]]:
    """projects/bench/build/bench_NNNNNN.{jpg,xml}: one realistic 400x400 JPEG's bytes, n times."""
    import numpy as np
    from PIL import Image

    pdir = repo.project("bench")
    build = pdir / "build"
    (pdir / "master").mkdir(parents=True)
    build.mkdir()
    (pdir / "project.yaml").write_text("classes: [close, ok]\ncount: 1\nseed: 0\n")
    rng = np.random.default_rng(0)
    image = rng.integers(90, 160, (SIZE, SIZE, 3), dtype=np.uint8)
    image[20:52, 300:332] = (220, 30, 30)
    one = repo.path.parent / "one.jpg"
    Image.fromarray(image).save(one, quality=90)
    data = one.read_bytes()
    pairs = []
    for i in range(n):
        stem = f"bench_{i:06d}"
        (build / f"{stem}.jpg").write_bytes(data)
        boxes = [("close", 301, 21, 332, 52), ("ok", 10 + i % 50, 10, 80, 90)]
        (build / f"{stem}.xml").write_text(voc_xml(f"{stem}.jpg", SIZE, SIZE, boxes))
        pairs.append((build / f"{stem}.jpg", build / f"{stem}.xml"))
    empty = repo.project("empty")
    (empty / "master").mkdir(parents=True)
    (empty / "project.yaml").write_text("classes: [close]\ncount: 1\nseed: 0\n")
    return pairs


def floor(pairs) -> None:
    import xmltodict
    from PIL import Image

    for image, xml in pairs:
        Image.open(image).size
        xmltodict.parse(xml.read_bytes(), disable_entities=True)


def main() -> None:
    def add(ap):
        ap.add_argument("--images", type=int, default=3000)
        ap.add_argument("--repeat", type=int, default=3)
    args = parse_args(__doc__, add)
    if args.smoke:
        args.images, args.repeat = 100, 1
    report = Report(NAME, args.smoke)
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        repo = Repo.copy(Path(tmp))
        pairs = make_build(repo, args.images)
        repo.inv("dlimgmgr.check", "--project", "bench")  # a problem here ends the bench (exit 1)
        t_floor = best_of(lambda: floor(pairs), args.repeat)
        t_list = repo.best_inv("dlimgmgr.check", "--project", "empty", repeat=args.repeat + 2)
        t_check = repo.best_inv("dlimgmgr.check", "--project", "bench", repeat=args.repeat)
    files = 2 * args.images
    work = max(t_check - t_list, 1e-6)
    report.figure("files", files)
    report.figure("floor_s", t_floor, f"{args.images} annotated images ({files} files), best of {args.repeat}, "
                                      f"warm cache")
    report.figure("startup_s", t_list)
    report.figure("check_s", t_check)
    report.figure("check_files_per_s", files / work,
                  f"floor {t_floor:.3f}s ({files / t_floor:,.0f} files/s); inv dlimgmgr.check {t_check:.3f}s, "
                  f"less start-up {t_list:.3f}s = {work:.3f}s ({files / work:,.0f} files/s)")
    report.ratio("check_vs_floor_time", work / t_floor, "check's time (start-up off) / the floor's time "
                 "(lower is better; no goal stated)")
    report.write(args.json)


if __name__ == "__main__":
    main()
