"""Build speed against two floors measured in the same run (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_build.py [--count 150] [--carriers 8]

Prints images/s per core of `build` (jobs 1 and 2) and its ratio to
  (a) the same albumentations transforms in a plain loop: read the carrier, transform, encode the
      JPEG, write a small XML; no framework around it;
  (b) a plain OpenCV loop: imread, warpAffine, convertScaleAbs, imwrite;
plus an unforced rebuild (`inv build`, nothing changed) against `inv --list`.
The recipe is the original tool's: rotation, shift, zoom, constant fill, brightness/contrast,
which is what floor (b) does by hand. The shipped template recipe's rate is printed as well.
Goals: >= 0.8 x (a) with one job, >= 0.6 x (b), 2 jobs >= 1.7 x 1 job on 2 cores, unforced <= 1.5 x inv --list.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402

from dlimgmgr_tasks.lib import build, projects, voc  # noqa: E402

SIZE = 400
ORIGINAL = [
    {"Affine": {"rotate": [-5, 5], "translate_percent": [-0.05, 0.05], "scale": [0.85, 1.15], "fill": 125, "p": 1.0}},
    {"RandomBrightnessContrast": {"brightness_limit": 0.3, "contrast_limit": 0.2, "p": 1.0}},
]


def make_repo(tmp: Path, carriers: int, count: int, steps) -> Path:
    repo = tmp / "repo"
    repo.mkdir()
    for name in ("tasks.py", "invoke.yaml", "hosts.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "dlimgmgr_tasks", repo / "dlimgmgr_tasks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "projects" / "common").mkdir(parents=True)
    pdir = repo / "projects" / "bench"
    (pdir / "master").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(carriers):
        img = np.clip(np.linspace(40, 220, SIZE)[None, :, None] + rng.normal(0, 15, (SIZE, SIZE, 3)), 0, 255)
        img = img.astype(np.uint8)
        x, y = int(rng.integers(80, 280)), int(rng.integers(80, 280))
        img[y:y + 40, x:x + 40] = (40, 40, 220)
        cv2.imwrite(str(pdir / "master" / f"bench_c{i:03d}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        voc.write(pdir / "master" / f"bench_c{i:03d}.xml", voc.Annotation(
            f"bench_c{i:03d}.jpg", SIZE, SIZE, 3, [voc.VocObject.from_edges("close", x, y, x + 40, y + 40)]))
    write_recipe(pdir, count, steps)
    return repo


def write_recipe(pdir: Path, count: int, steps) -> None:
    (pdir / "project.yaml").write_text(yaml.safe_dump(
        {"classes": ["close"], "count": count, "seed": 1, "recipe": {"min_visibility": 0.5, "steps": steps}}))


def floor_albumentations(carriers, n: int, out: Path) -> float:
    import albumentations as A
    t = A.Compose([A.Affine(rotate=(-5, 5), translate_percent=(-0.05, 0.05), scale=(0.85, 1.15), fill=125, p=1.0),
                   A.RandomBrightnessContrast(brightness_limit=0.3, contrast_limit=0.2, p=1.0)],
                  bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], clip=True), seed=0)
    start = time.perf_counter()
    for i in range(n):
        image, box = carriers[i % len(carriers)]
        rgb = cv2.cvtColor(cv2.imread(str(image)), cv2.COLOR_BGR2RGB)
        r = t(image=rgb, bboxes=[box], labels=["close"])
        cv2.imwrite(str(out / f"a{i:06d}.jpg"), cv2.cvtColor(r["image"], cv2.COLOR_RGB2BGR),
                    [cv2.IMWRITE_JPEG_QUALITY, 95])
        xml = "".join(f"<object><name>close</name><bndbox><xmin>{int(b[0]) + 1}</xmin><ymin>{int(b[1]) + 1}</ymin>"
                      f"<xmax>{int(b[2])}</xmax><ymax>{int(b[3])}</ymax></bndbox></object>" for b in r["bboxes"])
        (out / f"a{i:06d}.xml").write_text(f"<annotation><filename>a{i:06d}.jpg</filename>{xml}</annotation>")
    return n / (time.perf_counter() - start)


def floor_opencv(carriers, n: int, out: Path) -> float:
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for i in range(n):
        img = cv2.imread(str(carriers[i % len(carriers)][0]))
        m = cv2.getRotationMatrix2D((SIZE / 2, SIZE / 2), rng.uniform(-5, 5), rng.uniform(0.85, 1.15))
        m[:, 2] += rng.uniform(-20, 20, 2)
        img = cv2.warpAffine(img, m, (SIZE, SIZE), borderValue=(125, 125, 125))
        img = cv2.convertScaleAbs(img, alpha=rng.uniform(0.8, 1.2), beta=rng.uniform(-40, 40))
        cv2.imwrite(str(out / f"b{i:06d}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    return n / (time.perf_counter() - start)


def run_build(repo: Path, jobs: int) -> float:
    project = projects.load(repo, "bench")
    start = time.perf_counter()
    result = build.build_project(project, (SIZE, SIZE), jobs, force=True, progress=False)
    return result.images / (time.perf_counter() - start)


def timed(cmd, cwd, repeat=7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=150, help="outputs per carrier")
    parser.add_argument("--carriers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; the best of each is kept")
    args = parser.parse_args()
    n = args.count * args.carriers
    print(f"{n} images of {SIZE}x{SIZE} per run; {os.cpu_count()} cores (shared machine: expect noise)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        repo = make_repo(tmp, args.carriers, args.count, ORIGINAL)
        master = repo / "projects" / "bench" / "master"
        carriers = [(p, voc.read(p.with_suffix(".xml")).objects[0].edges()) for p in sorted(master.glob("*.jpg"))]
        scratch = tmp / "scratch"
        scratch.mkdir()
        cv2.setNumThreads(1)  # one core each, as the build's workers run
        # Interleaved rounds, best of each: other processes on a shared machine only ever slow a run down.
        b = a = j1 = j2 = 0.0
        for _ in range(args.rounds):
            b = max(b, floor_opencv(carriers, n, scratch))
            a = max(a, floor_albumentations(carriers, n, scratch))
            j1 = max(j1, run_build(repo, 1))
            j2 = max(j2, run_build(repo, 2))
        print(f"floor (b) plain OpenCV loop:          {b:7.0f} images/s per core")
        print(f"floor (a) albumentations plain loop:  {a:7.0f} images/s per core")
        print(f"build --jobs 1:                       {j1:7.0f} images/s per core  "
              f"= {j1 / a:.2f} x (a) [goal 0.8], {j1 / b:.2f} x (b) [goal 0.6]")
        print(f"build --jobs 2:                       {j2 / 2:7.0f} images/s per core  "
              f"({j2:.0f} images/s) = {j2 / j1:.2f} x jobs 1 [goal 1.7 on 2 cores]")

        template = yaml.safe_load((ROOT / "projects" / "common" / "templates" / "project.yaml").read_text())
        write_recipe(repo / "projects" / "bench", args.count // 3 or 1, template["recipe"]["steps"])
        t1 = run_build(repo, 1)
        print(f"template recipe (blur/noise/JPEG steps too), --jobs 1: {t1:.0f} images/s per core")

        inv = [sys.executable, "-m", "invoke"]
        listing = timed([*inv, "--list"], repo)
        subprocess.run([*inv, "build", "--project", "bench"], cwd=repo, check=True, capture_output=True)
        unforced = timed([*inv, "build", "--project", "bench"], repo)
        print(f"inv --list {listing * 1000:.0f} ms; unforced inv build ({args.count // 3 or 1} x {args.carriers} "
              f"images, nothing changed) {unforced * 1000:.0f} ms = {unforced / listing:.2f} x [goal 1.5]")


if __name__ == "__main__":
    main()
