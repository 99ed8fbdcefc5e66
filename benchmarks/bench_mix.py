"""`inv dlimgmgr.mix` against plain tar pipelines over the same build folders.

Makes ~10,000 real JPEGs of ~27 KB (400x400, smooth noise plus grain: they compress like photos,
i.e. barely) with one VOC XML each, across 2 projects, in a copy of the repository; then times,
in one run, on the same warm files:

    inv dlimgmgr.mix (the real CLI, start-up included)   tar czf   tar | gzip -1
    tar | pigz (if installed)   tar | zstd -1 (if installed)   tar cf (the I/O floor)

Goals (issue 5): mix <= 0.5 x the time of `tar czf`; the orchestrator's peak RSS < 300 MB.

    .venv/bin/python benchmarks/bench_mix.py [--smoke] [--json PATH] [--images 10000] [--keep]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchutil import Repo, Report, parse_args, voc_xml

NAME = "mix"
SIZE = 400
PROJECTS = ("alpha", "beta")


def _make_images(job) -> int:
    """Write JPEG + XML pairs [start, stop) of one project; returns the JPEG bytes written."""
    import cv2
    import numpy as np

    build, project, start, stop = job
    rng = np.random.default_rng(start + (0 if project == PROJECTS[0] else 10**6))
    total = 0
    for i in range(start, stop):
        coarse = rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)
        img = cv2.resize(coarse, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC).astype(np.int16)
        img += rng.integers(-10, 11, img.shape, dtype=np.int16)
        _, buf = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60])
        stem = f"{project}_{i:06d}"
        (build / f"{stem}.jpg").write_bytes(buf.tobytes())
        total += len(buf)
        x, y = int(rng.integers(1, SIZE - 64)), int(rng.integers(1, SIZE - 64))
        (build / f"{stem}.xml").write_text(voc_xml(f"{stem}.jpg", SIZE, SIZE, [(project, x, y, x + 31, y + 31)]))
    return total


def make_builds(repo: Repo, images: int) -> int:
    jobs = []
    per = images // len(PROJECTS)
    for project in PROJECTS:
        pdir = repo.project(project)
        (pdir / "build").mkdir(parents=True)
        (pdir / "project.yaml").write_text(f"classes: [{project}]\nseed: 1\ncount: 10\n")
        jobs += [(pdir / "build", project, s, min(s + 250, per)) for s in range(0, per, 250)]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        return sum(pool.map(_make_images, jobs))


def timed(cmd, repo: Repo, shell: bool = False) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the process tree's largest member) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=repo.path, env=repo.env, shell=shell, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {cmd}")
    return seconds, usage.ru_maxrss / 1024


def pipelines(out: Path, builds: str) -> dict[str, tuple[str, Path]]:
    """label -> (shell command, the archive it writes)."""
    pipes = {"tar czf": (f"tar czf {out}/czf.tar.gz {builds}", out / "czf.tar.gz"),
             "tar | gzip -1": (f"tar cf - {builds} | gzip -1 > {out}/g1.tar.gz", out / "g1.tar.gz")}
    if shutil.which("pigz"):
        pipes["tar | pigz"] = (f"tar cf - {builds} | pigz > {out}/pigz.tar.gz", out / "pigz.tar.gz")
    if shutil.which("zstd"):
        pipes["tar | zstd -1"] = (f"tar cf - {builds} | zstd -q -1 -T0 > {out}/z.tar.zst", out / "z.tar.zst")
    pipes["tar cf"] = (f"tar cf {out}/plain.tar {builds}", out / "plain.tar")
    return pipes


def measure(report: Report, repo: Repo, images: int, runs: int) -> None:
    start = time.perf_counter()
    jpeg_bytes = make_builds(repo, images)
    report.figure("images", images, f"made {images} JPEGs ({jpeg_bytes / images / 1000:.1f} KB each) + XML "
                                    f"in {time.perf_counter() - start:.1f} s")
    builds = " ".join(f"projects/{p}/build" for p in PROJECTS)
    out = repo.path.parent / "out"
    out.mkdir()
    subprocess.run(f"tar cf - {builds} > /dev/null", shell=True, cwd=repo.path, check=True)  # warm the cache
    mix = repo.command("dlimgmgr.mix", "--name", "bench", "--projects", ",".join(PROJECTS))
    mix_runs = [timed(mix, repo) for _ in range(runs)]
    rows = {"inv mix": (min(s for s, _ in mix_runs), repo.path / "dist" / "bench.tar.gz")}
    rss = max(r for _, r in mix_runs)
    for label, (cmd, archive) in pipelines(out, builds).items():
        rows[label] = (timed(cmd, repo, shell=True)[0], archive)
    mix_s, plain = rows["inv mix"][0], rows["tar cf"][1].stat().st_size
    print(f"{'':16} {'seconds':>8} {'mix/this':>9} {'MB':>8} {'vs tar cf':>9}")
    for label, (seconds, path) in rows.items():
        size = path.stat().st_size
        print(f"{label:16} {seconds:8.2f} {mix_s / seconds:9.2f} {size / 1e6:8.1f} {size / plain:9.3f}")
        report.figures[label.replace(" | ", "_").replace(" ", "_").replace("-", "") + "_s"] = round(seconds, 4)
    report.figure("mix_peak_rss_mb", rss, f"mix runs: {', '.join(f'{s:.2f} s' for s, _ in mix_runs)}; "
                                          f"orchestrator peak RSS {rss:.0f} MB")
    report.ratio("mix_vs_tar_czf", mix_s / rows["tar czf"][0], "mix time / tar czf time", goal=0.5, better="lower")
    if "tar | pigz" in rows:
        report.ratio("mix_vs_tar_pigz", mix_s / rows["tar | pigz"][0], "mix time / tar|pigz time (no goal)")
    report.ratio("mix_rss_vs_300mb", rss / 300, "orchestrator peak RSS / 300 MB", goal=1.0, better="lower")


def main() -> None:
    def add(ap):
        ap.add_argument("--images", type=int, default=10_000)
        ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parse_args(__doc__, add)
    runs = 2
    if args.smoke:
        args.images, runs = 200, 1
    tmp = Path(tempfile.mkdtemp(prefix="bench-mix-"))
    report = Report(NAME, args.smoke)
    try:
        measure(report, Repo.copy(tmp), args.images, runs)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report.write(args.json)


if __name__ == "__main__":
    main()
