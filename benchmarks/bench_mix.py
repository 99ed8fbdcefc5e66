"""Benchmark `inv dlimgmgr.mix` against plain tar pipelines over the same build folders.

Builds ~10,000 real JPEGs of ~27 KB (400x400, smooth noise plus grain: they compress like
photos, i.e. barely) with one VOC XML each, across 2 projects, in a temp copy of the repo; then
times, in one run, on the same warm files:

    inv dlimgmgr.mix (the real CLI, start-up included)   tar czf   tar | gzip -1
    tar | pigz (if installed)   tar | zstd -1 (if installed)   tar cf (the I/O floor)

and prints each time, the ratio of mix to each, archive sizes and the orchestrator's peak RSS.
Goal (issue 5): mix <= 0.5 x `tar czf`, peak RSS < 300 MB.

    .venv/bin/python benchmarks/bench_mix.py [--images 10000] [--keep]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = 400
PROJECTS = ("alpha", "beta")


def _make_images(args) -> int:
    """Write JPEG + XML pairs [start, stop) of one project; returns bytes of JPEG written."""
    import cv2
    import numpy as np

    from dlimgmgr_tasks.lib import voc

    build, project, start, stop = args
    rng = np.random.default_rng(start + (0 if project == PROJECTS[0] else 10**6))
    total = 0
    for i in range(start, stop):
        coarse = rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)
        img = cv2.resize(coarse, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC).astype(np.int16)
        img += rng.integers(-10, 11, img.shape, dtype=np.int16)
        ok, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60])
        stem = f"{project}_{i:06d}"
        (build / f"{stem}.jpg").write_bytes(buf.tobytes())
        total += len(buf)
        x, y = int(rng.integers(1, SIZE - 64)), int(rng.integers(1, SIZE - 64))
        objs = [voc.VocObject(project, x, y, x + 31, y + 31)]
        voc.write(build / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", SIZE, SIZE, 3, objs))
    return total


def make_repo(dest: Path, images: int) -> int:
    for name in ("tasks.py", "invoke.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "dlimgmgr_tasks", dest / "dlimgmgr_tasks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "hosts.yaml").write_text("roles:\n  dataaug: {host: local}\n")
    jobs = []
    per = images // len(PROJECTS)
    for project in PROJECTS:
        pdir = dest / "projects" / project
        (pdir / "build").mkdir(parents=True)
        (pdir / "project.yaml").write_text(f"classes: [{project}]\nseed: 1\ncount: 10\n")
        step = 250
        jobs += [(pdir / "build", project, s, min(s + step, per)) for s in range(0, per, step)]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        return sum(pool.map(_make_images, jobs))


def timed(cmd, cwd, shell=False) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the process tree's largest member) of one command."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {cmd}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_mix-"))
    try:
        t = time.perf_counter()
        jpeg_bytes = make_repo(tmp, args.images)
        print(f"made {args.images} JPEGs ({jpeg_bytes / args.images / 1000:.1f} KB each) + XML "
              f"in {time.perf_counter() - t:.1f} s in {tmp}")
        builds = " ".join(f"projects/{p}/build" for p in PROJECTS)
        out = tmp / "out"
        out.mkdir()
        inv = [sys.executable, "-m", "invoke", "dlimgmgr.mix", "--name", "bench", "--projects", ",".join(PROJECTS)]
        subprocess.run(f"tar cf - {builds} > /dev/null", shell=True, cwd=tmp, check=True)  # warm the cache
        rows = {}
        mix_runs = [timed(inv, tmp) for _ in range(2)]
        rows["inv mix"] = (min(s for s, _ in mix_runs), tmp / "dist" / "bench.tar.gz")
        rss = max(r for _, r in mix_runs)
        pipes = {"tar czf": f"tar czf {out}/czf.tar.gz {builds}",
                 "tar | gzip -1": f"tar cf - {builds} | gzip -1 > {out}/g1.tar.gz"}
        if shutil.which("pigz"):
            pipes["tar | pigz"] = f"tar cf - {builds} | pigz > {out}/pigz.tar.gz"
        if shutil.which("zstd"):
            pipes["tar | zstd -1"] = f"tar cf - {builds} | zstd -q -1 -T0 > {out}/z.tar.zst"
        pipes["tar cf"] = f"tar cf {out}/plain.tar {builds}"
        for label, cmd in pipes.items():
            seconds, _ = timed(cmd, tmp, shell=True)
            rows[label] = (seconds, Path(cmd.split(">")[-1].strip()) if ">" in cmd else Path(cmd.split()[2]))
        mix_s = rows["inv mix"][0]
        plain = rows["tar cf"][1].stat().st_size
        print(f"{'':16} {'seconds':>8} {'mix/this':>9} {'MB':>8} {'vs tar cf':>9}")
        for label, (seconds, path) in rows.items():
            size = path.stat().st_size
            print(f"{label:16} {seconds:8.2f} {mix_s / seconds:9.2f} {size / 1e6:8.1f} {size / plain:9.3f}")
        print(f"mix runs: {', '.join(f'{s:.2f} s' for s, _ in mix_runs)}; orchestrator peak RSS {rss:.0f} MB")
        print(f"goal: mix <= 0.50 x tar czf -> {mix_s / rows['tar czf'][0]:.2f}; RSS < 300 MB -> {rss:.0f}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
