"""Load: build and mix 100,000 images with the orchestrator's memory bounded.

A project of 10 carriers x count 10,000 (1,000 in --smoke: 2,000 images of 2 carriers) is built
at a 64x64 profile with `inv build --project load --force`, then mixed with `inv mix`, both as the
real CLI in a copy of the repository. Each command's orchestrator (the `inv` process itself; the
build's workers and the mix's checkers are other processes) reports its own peak RSS
(getrusage RUSAGE_SELF, at exit). The floor is `inv --list` measured the same way: what the
interpreter and the task collection cost before any work.
Goals: build and mix each under 300 MB peak RSS (ratio peak / 300 MB <= 1).

    .venv/bin/python benchmarks/bench_load.py [--smoke] [--json PATH] [--carriers 10] [--count 10000]
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

from benchutil import PYTHON, Repo, Report, box_carriers, parse_args

NAME = "load"
CARRIER = 128
LIMIT_MB = 300
RECIPE = {"min_visibility": 0.5, "steps": [
    {"Affine": {"rotate": [-5, 5], "translate_percent": [-0.05, 0.05], "scale": [0.9, 1.1], "fill": 125, "p": 1.0}},
    {"RandomBrightnessContrast": {"brightness_limit": 0.2, "contrast_limit": 0.2, "p": 1.0}},
]}
# Runs `inv ARGS` in this process and writes its own peak RSS (KiB) to $LOAD_RSS_OUT at exit.
MEASURED_INV = """
import atexit, os, resource, sys
def _report():
    with open(os.environ["LOAD_RSS_OUT"], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(_report)
sys.argv = ["inv", *sys.argv[1:]]
from invoke.main import program
program.run()
"""


def make_project(repo: Repo, carriers: int, count: int) -> None:
    """projects/load: `carriers` 128x128 carriers with one 32x32 box each, and a 64x64 profile."""
    box_carriers(repo.project(NAME) / "master", NAME, carriers, CARRIER, 32, 24)
    (repo.project(NAME) / "project.yaml").write_text(yaml.safe_dump(
        {"classes": ["close"], "count": count, "seed": 1, "recipe": RECIPE}))
    conf_path = repo.path / "invoke.yaml"
    conf = yaml.safe_load(conf_path.read_text())
    conf["dlimgmgr"]["profiles"]["load"] = {"size": [64, 64]}
    conf_path.write_text(yaml.safe_dump(conf, sort_keys=False))


def measured(repo: Repo, *args: str) -> tuple[float, float]:
    """(seconds, the inv process's own peak RSS in MB) of `inv ARGS` in the copy."""
    out = repo.path.parent / "rss.txt"
    env = {**repo.env, "LOAD_RSS_OUT": str(out)}
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", MEASURED_INV, *args], cwd=repo.path, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"inv {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return seconds, int(out.read_text()) / 1024


def run(report: Report, repo: Repo, images: int) -> None:
    _, floor = measured(repo, "--list")
    report.figure("inv_list_peak_rss_mb", floor, f"inv --list (the floor): peak RSS {floor:.0f} MB")
    for step, args in (("build", ("build", "--project", NAME, "--profile", "load", "--force")),
                       ("mix", ("mix", "--name", "loadmix", "--projects", NAME, "--profile", "load"))):
        seconds, rss = measured(repo, *args)
        report.figure(f"{step}_seconds", seconds)
        report.figure(f"{step}_peak_rss_mb", rss, f"inv {step}, {images:,} images: {seconds:.1f} s "
                                                   f"({images / seconds:.0f} images/s), orchestrator peak RSS "
                                                   f"{rss:.0f} MB ({rss - floor:.0f} MB above inv --list)")
        report.ratio(f"{step}_peak_rss_vs_{LIMIT_MB}mb", rss / LIMIT_MB,
                     f"inv {step}'s orchestrator peak RSS / {LIMIT_MB} MB", goal=1.0, better="lower")


def main() -> None:
    def add(ap):
        ap.add_argument("--carriers", type=int, default=10)
        ap.add_argument("--count", type=int, default=10_000, help="outputs per carrier")
    args = parse_args(__doc__, add)
    if args.smoke:
        args.carriers, args.count = 2, 1000
    images = args.carriers * args.count
    print(f"{images:,} images of 64x64 ({args.carriers} carriers x count {args.count}); {os.cpu_count()} cores")
    report = Report(NAME, args.smoke)
    report.figure("images", images)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        repo = Repo.copy(Path(tmp))
        make_project(repo, args.carriers, args.count)
        run(report, repo, images)
    report.write(args.json)


if __name__ == "__main__":
    main()
