"""Fitness results on the orchestrator: dist/NAME.fitness.json (the newest run, as the host wrote
it) and dist/NAME.fitness.jsonl (every run, one JSON line each: the mix's fitness history), and
the lines the task prints."""
from __future__ import annotations

import json
from pathlib import Path

from ..files import atomic_write

SETS = ("val", "test", "heldout")


def latest_path(dist: Path, name: str) -> Path:
    return dist / f"{name}.fitness.json"


def history_path(dist: Path, name: str) -> Path:
    return dist / f"{name}.fitness.jsonl"


def store(dist: Path, result: dict) -> Path:
    """Write the newest result and append it to the history; the newest result's path."""
    name = result["mix"]
    path = latest_path(dist, name)
    atomic_write(path, (json.dumps(result, indent=2) + "\n").encode())
    with open(history_path(dist, name), "a", encoding="utf-8") as f:
        f.write(json.dumps(result, separators=(",", ":")) + "\n")
    return path


def history(dist: Path, name: str) -> list[dict]:
    """Every recorded run of a mix, oldest first (a torn last line is skipped)."""
    runs = []
    try:
        lines = history_path(dist, name).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            run = json.loads(line)
        except ValueError:
            continue
        if isinstance(run, dict):
            runs.append(run)
    if not runs:   # a history file lost or never made: the newest result alone
        try:
            run = json.loads(latest_path(dist, name).read_text(encoding="utf-8"))
            runs = [run] if isinstance(run, dict) else []
        except (OSError, ValueError):
            pass
    return runs


def fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def summary(result: dict, path: Path) -> str:
    """What `inv pytorch.fitness` prints at the end."""
    ap50 = result.get("ap50", {})
    device = result.get("device", {})
    trained = result.get("training", {})
    lines = [f"fitness of {result['mix']} (sha256 {result['dataset_sha256'][:12]}...): "
             f"{trained.get('steps')} steps in {trained.get('seconds')} s on {device.get('name')}"]
    if device.get("kind") == "cpu":
        lines.append("note: a CPU run is a smoke (the path works), not a measure of the data; run it on a GPU host")
    for s in SETS:
        if s in ap50:
            per = ", ".join(f"{c} {fmt(v)}" for c, v in ap50[s]["per_class"].items())
            lines.append(f"AP50 {s:<8} mean {fmt(ap50[s]['mean'])}  ({per}; {ap50[s]['images']} images)")
    lines.append(f"wrote {path} (weights and JSON on the host: {result.get('weights')})")
    return "\n".join(lines)
