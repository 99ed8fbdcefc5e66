"""The report's fitness section: a mix's `inv pytorch.fitness` history (dist/NAME.fitness.jsonl),
one row per run, and the newest run's AP50 per class. A run on a CPU is marked a smoke."""
from __future__ import annotations

from html import escape
from pathlib import Path

from ..fitness import results

SETS = results.SETS


def _row(run: dict, current: str | None) -> list:
    ap50 = run.get("ap50") or {}
    device = run.get("device") or {}
    trained = run.get("training") or {}
    kind = device.get("kind", "?")
    sha = str(run.get("dataset_sha256", "?"))
    return [run.get("finished", "?"), sha[:12] + ("" if current in (None, sha) else " (an earlier mix)"),
            f"{device.get('name', kind)}" + (" (smoke)" if kind == "cpu" else ""),
            trained.get("steps", "?"), trained.get("seconds", "?"),
            *(results.fmt((ap50.get(s) or {}).get("mean")) if s in ap50 else "-" for s in SETS)]


def section(dist: Path, name: str, current: str | None = None) -> str:
    """The section's HTML; `current` is the mix's sha256 now (runs on another dataset say so)."""
    from .page import _table

    runs = results.history(dist, name)
    head = "<h2>Fitness (AP50 of a detector trained from scratch)</h2>"
    if not runs:
        return (f"{head}<p>no fitness run of {escape(name)} yet: <code>inv deploy --name {escape(name)} "
                f"pytorch.fitness --name {escape(name)}</code></p>")
    history = _table(["finished (UTC)", "dataset sha256", "device", "steps", "seconds",
                      *(f"AP50 {s}" for s in SETS)], [_row(r, current) for r in reversed(runs)], left=3)
    newest = runs[-1]
    ap50 = newest.get("ap50") or {}
    classes = newest.get("classes") or sorted({c for s in ap50.values() for c in (s.get("per_class") or {})})
    per_class = _table(["class", *(s for s in SETS if s in ap50)],
                       [[c, *(results.fmt(ap50[s]["per_class"].get(c)) for s in SETS if s in ap50)]
                        for c in classes])
    note = ("<p>A run on a CPU is a smoke: it proves the path, not the data. Compare runs of the same "
            "budget on the same device; val far above held-out means the detector learned compose's habits.</p>")
    return (f"{head}{note}<h3>History ({len(runs)} run(s), newest first)</h3>{history}"
            f"<h3>Newest run: AP50 per class ('-': no object of the class there)</h3>{per_class}")
