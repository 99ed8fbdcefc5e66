"""The fitness run's parts that need neither torch nor a host: the held-out scenes, the hosts.yaml
key naming a trainer venv, the history and the report's fitness section."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.fitness import check_budget, heldout, results
from dlimgmgr_tasks.lib.hosts.config import load_hosts
from dlimgmgr_tasks.lib.report import fitness as report_fitness
from dlimgmgr_tasks.lib.workspace import Workspace


def _manifest(size=(400, 400), remap=None) -> dict:
    return {"remap": remap or {}, "provenance": {"profile": {"size": list(size)}, "projects": {
        "close": {"test_only": False}, "kanji": {"test_only": False}}}}


def _longer_sides(folder: Path, prefix: str, truncated_too: bool = True) -> list[int]:
    out = []
    for xml in sorted(folder.glob(f"{prefix}*.xml")):
        for o in voc.read(xml).objects:
            if truncated_too or not o.truncated:
                out.append(max(o.xmax - o.xmin + 1, o.ymax - o.ymin + 1))
    return out


def test_heldout_scenes_use_sizes_compose_never_makes_and_are_deterministic(repo, tmp_path):
    ws = Workspace.at(repo.path)
    made = heldout.write_scenes(ws, _manifest(), tmp_path / "a", 12)
    assert made == {"close": 12, "kanji": 12}
    # compose's own boxes in the committed carriers (whole ones: an edge box is cut short)
    master = _longer_sides(repo.project("close") / "master", "close_c", truncated_too=False)
    held = _longer_sides(tmp_path / "a" / "Annotations", "heldout_close_")
    assert held and master
    assert all(s < min(master) or s > max(master) for s in held), (sorted(held), min(master), max(master))
    assert any(s < min(master) for s in held) and any(s > max(master) for s in held)
    for xml in (tmp_path / "a" / "Annotations").glob("*.xml"):
        ann = voc.read(xml)
        assert (ann.width, ann.height) == (400, 400) and ann.objects
        assert all(1 <= o.xmin <= o.xmax <= 400 and 1 <= o.ymin <= o.ymax <= 400 for o in ann.objects)
    assert {o.name for x in (tmp_path / "a" / "Annotations").glob("heldout_kanji_*.xml") for o in voc.read(x).objects} \
        <= {"hi", "kawa", "ki", "yama"}
    heldout.write_scenes(ws, _manifest(), tmp_path / "b", 12)
    for path in sorted((tmp_path / "a").rglob("*.*")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path.name


def test_heldout_scenes_follow_the_mix_remap_and_skip_test_only_projects(repo, tmp_path):
    ws = Workspace.at(repo.path)
    manifest = _manifest(size=(200, 120), remap={"close": "button"})
    manifest["provenance"]["projects"]["kanji"]["test_only"] = True
    assert heldout.write_scenes(ws, manifest, tmp_path / "h", 3) == {"close": 3}
    for xml in (tmp_path / "h" / "Annotations").glob("*.xml"):
        ann = voc.read(xml)
        assert (ann.width, ann.height) == (200, 120) and {o.name for o in ann.objects} == {"button"}


def test_a_box_is_the_pasted_pixels(repo, tmp_path):
    """A fully opaque 2:1 source: every box keeps its aspect (the source resized whole, never cut
    off by the frame, and its box its opaque pixels)."""
    from PIL import Image

    ws = Workspace.at(repo.path)
    src = repo.project("close") / "master" / "sources" / "close.png"
    Image.new("RGBA", (20, 10), (255, 0, 0, 255)).save(src)
    heldout.write_scenes(ws, {"remap": {}, "provenance": {"profile": {"size": [300, 300]},
                                                          "projects": {"close": {}}}}, tmp_path / "h", 6)
    for xml in (tmp_path / "h" / "Annotations").glob("*.xml"):
        for o in voc.read(xml).objects:
            w, h = o.xmax - o.xmin + 1, o.ymax - o.ymin + 1
            assert abs(w - 2 * h) <= 2, (w, h)   # the 2:1 source, resized whole


def test_fitness_python_in_hosts_yaml_is_a_path_on_the_pytorch_host(tmp_path):
    path = tmp_path / "hosts.yaml"
    path.write_text(yaml.safe_dump({"roles": {"pytorch": {"host": "192.0.2.1", "target_home": "/srv/t",
                                                          "fitness_python": "venvs/torch/bin/python"}}}))
    assert load_hosts(path).one("pytorch").fitness_python_path == "/srv/t/venvs/torch/bin/python"
    path.write_text(yaml.safe_dump({"roles": {"pytorch": {"host": "192.0.2.1", "fitness_python": "-x"}}}))
    with pytest.raises(UserError) as exc:
        load_hosts(path)
    assert "fitness_python '-x' starts with '-'" in str(exc.value)


@pytest.mark.parametrize("args, said", [
    ((1.0, 5, "auto", 20), "give --minutes or --steps, not both"),
    ((None, 0, "auto", 20), "--steps 0"),
    ((-1.0, None, "auto", 20), "--minutes -1.0"),
    ((None, None, "gpu", 20), "--device 'gpu'"),
    ((None, None, "cpu", -1), "--heldout -1"),
])
def test_a_budget_out_of_range_is_refused(args, said):
    with pytest.raises(UserError) as exc:
        check_budget(*args)
    assert said in str(exc.value)


def test_no_budget_means_ten_minutes():
    assert check_budget(None, None, "auto", 20) == (10.0, None)
    assert check_budget(None, 3, "cpu", 0) == (None, 3)


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


def test_a_first_run_makes_the_trainer_venv_once_and_again_when_the_pins_change(tmp_path, monkeypatch, capsys):
    """Without fitness_python the trainer venv is made under target_home from the pins (here a
    file that pins nothing, so no torch is installed), stamped with their sha256, then reused."""
    from dlimgmgr_tasks.lib import fitness as fitness_lib
    from dlimgmgr_tasks.lib.hosts.local import LocalHost

    pins = tmp_path / "requirements.txt"
    pins.write_text("# nothing to install in this test\n")
    monkeypatch.setattr(fitness_lib, "PINS", pins)
    path = tmp_path / "hosts.yaml"
    path.write_text(yaml.safe_dump({"roles": {"pytorch": {"host": "local", "target_home": str(tmp_path / "pt")}}}))
    host = LocalHost(load_hosts(path).one("pytorch"))
    python = Path(fitness_lib._trainer_python(host))
    assert python == tmp_path / "pt" / ".venv-fitness" / "bin" / "python" and python.exists()
    stamp = python.parent.parent / ".pins.sha256"
    assert stamp.read_text().strip() == fitness_lib.sha256_file(pins)
    assert "making the trainer venv" in capsys.readouterr().out
    assert fitness_lib._trainer_python(host) == str(python)
    assert "making the trainer venv" not in capsys.readouterr().out   # made once
    pins.write_text("# changed pins\n")
    fitness_lib._trainer_python(host)
    assert "making the trainer venv" in capsys.readouterr().out
    assert stamp.read_text().strip() == fitness_lib.sha256_file(pins)
