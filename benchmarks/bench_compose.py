"""Time compose (1,000 carriers at 400x400, four objects each) against a plain Pillow loop.

The floor pastes the same transformed sources at the same places with alpha onto the same solid
background and saves each carrier as the same JPEG; it writes no XML and computes no box.
compose also scales and rotates every source, places it, boxes its visible pixels, writes the
VOC XML and the pre-label record. Goal: compose <= 3x the floor.

    .venv/bin/python benchmarks/bench_compose.py [--smoke] [--json PATH]
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from dlimgmgr_tasks.lib.workspace import Workspace  # noqa: E402
from dlimgmgr_tasks.lib import compose, projects  # noqa: E402

GOAL = 3.0
PER_PROJECT = 500  # compose numbers at most 999 carriers per project: 1,000 is two projects


def icon(n: int) -> Image.Image:
    """A 32x32 RGBA button with a soft edge, a different colour per source."""
    big = Image.new("RGBA", (128, 128), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.ellipse((8, 8, 119, 119), fill=(40 * n, 60, 200 - 40 * n, 255), outline=(255, 255, 255, 255), width=8)
    draw.line((40, 40, 88, 88), fill=(255, 255, 255, 255), width=12)
    return big.resize((32, 32), Image.Resampling.LANCZOS)


def make_projects(root: Path, carriers: int) -> list[str]:
    names = []
    for p in range((carriers + PER_PROJECT - 1) // PER_PROJECT):
        name, count = f"bench{p}", min(PER_PROJECT, carriers - p * PER_PROJECT)
        pdir = root / "projects" / name
        (pdir / "master" / "sources").mkdir(parents=True)
        for n in range(4):
            icon(n).save(pdir / "master" / "sources" / f"b{n}.png")
        conf = {"count": count, "placement": "anywhere", "per_carrier": 4, "scale": [0.5, 2.0],
                "rotate": [-15, 15], "overlap": 0.2, "background": {"colors": [[235, 235, 235], [40, 40, 40]]}}
        (pdir / "project.yaml").write_text(yaml.safe_dump({"classes": [f"b{n}" for n in range(4)], "count": 1,
                                                           "seed": p, "compose": conf}))
        names.append(name)
    return names


def run_compose(root: Path, names: list[str], size) -> float:
    start = time.perf_counter()
    for name in names:
        compose.compose(projects.load(Workspace.at(root), name), size)
    return time.perf_counter() - start


def floor_plan(root: Path, names: list[str], size) -> list[tuple[tuple, list]]:
    """Per carrier: its background colour and the (PIL RGBA piece, x, y) compose pasted."""
    plan = []
    for name in names:
        maker = compose.composer(projects.load(Workspace.at(root), name), size)
        for s in range(maker.conf.count):
            scene = maker.scene(s)
            color = tuple(int(v) for v in scene.background[0, 0])
            pieces = [(Image.fromarray(p.piece.rgb).convert("RGBA"), Image.fromarray(p.piece.alpha), p.x, p.y)
                      for p in scene.objects]
            plan.append((color, pieces))
    return plan


def run_floor(out: Path, plan, size) -> float:
    out.mkdir()
    start = time.perf_counter()
    for n, (color, pieces) in enumerate(plan):
        canvas = Image.new("RGB", size, color)
        for rgba, alpha, x, y in pieces:
            canvas.paste(rgba.convert("RGB"), (x, y), mask=alpha)
        buf = io.BytesIO()
        canvas.save(buf, **compose.JPEG_OPTIONS)
        (out / f"c{n:04d}.jpg").write_bytes(buf.getvalue())
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: 20 carriers at 200x200")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    carriers, size, repeat = (20, (200, 200), 2) if args.smoke else (1000, (400, 400), 3)
    compose_s = floor_s = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):  # best of: fresh folders each time (compose skips unchanged files)
            root = Path(tmp) / f"run{r}"
            names = make_projects(root, carriers)
            compose_s = min(compose_s, run_compose(root, names, size))
            floor_s = min(floor_s, run_floor(root / "floor", floor_plan(root, names, size), size))
    ratio = compose_s / floor_s
    print(f"compose {carriers} carriers {size[0]}x{size[1]}, 4 objects each: {compose_s:.2f}s; "
          f"Pillow paste loop: {floor_s:.2f}s; ratio {ratio:.2f}x (goal <= {GOAL:g}x)")
    if args.json:
        args.json.write_text(json.dumps({
            "name": "compose", "smoke": args.smoke,
            "figures": {"compose_s": round(compose_s, 3), "floor_s": round(floor_s, 3), "carriers": carriers},
            "ratios": {"compose_vs_pillow_paste": round(ratio, 3)},
            "goals": [{"ratio": "compose_vs_pillow_paste", "goal": GOAL, "better": "lower", "met": ratio <= GOAL}],
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
