"""`inv pytorch.fitness` end to end over the real sshd on CPU with a tiny budget (a smoke of the
path, not a measure): per-class AP50 on val, test and held-out scenes in dist/NAME.fitness.json,
weights and JSON beside the dataset on the host; Ctrl-C stops the trainer there within seconds.
The task's local refusals are in tests/cli/pytorch/test_fitness.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.fitnessdata import deployed_mix, trainer_python
from tests.helpers.signals import interrupt, wait_for


def _trainers(marker: str) -> list[int]:
    """Live trainer processes whose command line holds `marker` (this test's folder)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if "dlimgmgr_trainer" in cmd and marker in cmd and state != "Z":
            found.append(int(pid))
    return found


def test_fitness_over_ssh_on_cpu_writes_per_class_ap50_for_val_test_and_heldout(repo, tmp_path, ssh_entry, sshd):
    home = tmp_path / "pytorch"
    manifest = deployed_mix(repo, ssh_entry(0, target_home=str(home), fitness_python=trainer_python()),
                            known_hosts=str(sshd.known_hosts))
    proc = repo.inv("pytorch.fitness", "--steps", "2", "--heldout", "3", "--device", "cpu", check=True, timeout=900)
    assert "step 1/2" in proc.stdout and "step 2/2" in proc.stdout, proc.stdout   # progress as it ran
    assert "smoke" in proc.stdout
    result = json.loads((repo.path / "dist" / "fit.fitness.json").read_text())
    assert result["mix"] == "fit" and result["dataset_sha256"] == manifest["sha256"]
    assert set(result["recipes"]) == {"alpha", "beta", "gamma"}
    assert result["recipes"]["alpha"]["project.yaml"] == manifest["provenance"]["projects"]["alpha"]["recipe"]["project.yaml"]
    assert result["device"]["kind"] == "cpu" and result["training"]["steps"] == 2
    assert result["settings"]["model"] == "fasterrcnn_mobilenet_v3_large_fpn" and result["settings"]["steps"] == 2
    assert set(result["ap50"]) == {"val", "test", "heldout"}
    for name, got in result["ap50"].items():
        assert set(got["per_class"]) == {"cat", "dog", "owl"}, name
        with_objects = [c for c, n in got["objects"].items() if n]
        assert with_objects, name
        for cls in with_objects:
            assert 0.0 <= got["per_class"][cls] <= 1.0, (name, cls)
    assert result["ap50"]["heldout"]["images"] == 6     # 3 scenes for each project with sources
    assert result["ap50"]["test"]["images"] == manifest["counts"]["images"]["test"]
    # Beside the dataset on the host: the weights and the same JSON.
    beside = home / "datasets" / "fit.fitness"
    assert Path(result["weights"]).parent == beside and Path(result["weights"]).stat().st_size > 1_000_000
    assert json.loads((beside / f"{result['run']}.json").read_text()) == result
    assert not list((home / ".dlimgmgr" / "fitness").iterdir()), "the kit was removed"
    history = (repo.path / "dist" / "fit.fitness.jsonl").read_text().splitlines()
    assert [json.loads(line)["run"] for line in history] == [result["run"]]


def test_ctrl_c_over_ssh_stops_the_trainer_on_the_host_within_seconds(repo, tmp_path, ssh_entry, sshd):
    home = tmp_path / "pytorch"
    deployed_mix(repo, ssh_entry(0, target_home=str(home), fitness_python=trainer_python()),
                 known_hosts=str(sshd.known_hosts))
    log = tmp_path / "fitness.out"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "pytorch.fitness", "--steps", "100000",
                                 "--heldout", "1"], cwd=repo.path, env=repo.env, stdout=out,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    wait_for(lambda: "step 1/100000" in log.read_text(), 300, proc=proc)
    assert _trainers(str(home)), "the trainer runs on the host"
    line = interrupt(proc)
    assert "interrupted" in line and "nothing was written to dist/" in line
    deadline = time.monotonic() + 10
    while _trainers(str(home)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _trainers(str(home)), "the trainer stopped on the host"
    assert not (repo.path / "dist" / "fit.fitness.json").exists()
    assert not list((home / "datasets" / "fit.fitness").glob("*.json"))
    assert not list((home / ".dlimgmgr" / "fitness").iterdir()), "the kit was removed"
