"""lib/fitness/results.py: the history of fitness runs and their summary, and the report's fitness
section drawn from it (lib/report/fitness.py)."""
from __future__ import annotations

import json

from dlimgmgr_tasks.lib.fitness import results
from dlimgmgr_tasks.lib.report import fitness as report_fitness


def _run(run: str, mean_val: float, kind: str = "cpu") -> dict:
    per = {"val": {"per_class": {"a": mean_val, "b": None}, "objects": {"a": 3, "b": 0}, "images": 4, "mean": mean_val}}
    return {"mix": "m", "run": run, "dataset_sha256": "ab" * 32, "finished": f"2026-01-0{run}T00:00:00+00:00",
            "device": {"kind": kind, "name": "cpu" if kind == "cpu" else "NVIDIA H100"},
            "training": {"steps": 2, "seconds": 1.0}, "ap50": per, "classes": ["a", "b"], "weights": "/w.pt"}


def test_history_keeps_every_run_in_order_and_skips_a_torn_line(tmp_path):
    results.store(tmp_path, _run("1", 0.25))
    results.store(tmp_path, _run("2", 0.5, "cuda"))
    with open(results.history_path(tmp_path, "m"), "a") as f:
        f.write('{"mix": "m", "run"')          # a run cut off while it was written
    assert [r["run"] for r in results.history(tmp_path, "m")] == ["1", "2"]
    assert json.loads(results.latest_path(tmp_path, "m").read_text())["run"] == "2"
    results.history_path(tmp_path, "m").unlink()   # lost: the newest result alone
    assert [r["run"] for r in results.history(tmp_path, "m")] == ["2"]


def test_the_report_section_lists_the_history_newest_first_and_marks_cpu_runs_a_smoke(tmp_path):
    assert "no fitness run of m yet" in report_fitness.section(tmp_path, "m")
    results.store(tmp_path, _run("1", 0.25))
    results.store(tmp_path, _run("2", 0.5, "cuda"))
    html = report_fitness.section(tmp_path, "m", current="cd" * 32)
    assert html.count("(an earlier mix)") == 2     # the mix was made again since
    assert "(an earlier mix)" not in report_fitness.section(tmp_path, "m", current="ab" * 32)
    assert "History (2 run(s)" in html and html.index("NVIDIA H100") < html.index("cpu (smoke)")
    assert "<td>0.500</td>" in html and "<td>0.250</td>" in html and "<td>-</td>" in html


def test_the_summary_says_a_cpu_run_is_a_smoke(tmp_path):
    text = results.summary(_run("1", 0.25), tmp_path / "m.fitness.json")
    assert "a CPU run is a smoke" in text and "AP50 val" in text and "a 0.250, b -" in text
    assert "smoke" not in results.summary(_run("2", 0.5, "cuda"), tmp_path / "m.fitness.json")
