"""`inv pytorch.fitness` refusing before anything runs, every role local: a mix the host does not
hold, budget flags that clash (moved from tests/ssh/test_fitness.py, which keeps the SSH runs)."""
from __future__ import annotations

from tests.helpers.fitnessdata import deployed_mix


def test_a_mix_not_deployed_there_is_one_line_naming_the_host_and_the_fix(repo, tmp_path):
    deployed_mix(repo, {"host": "local", "target_home": str(tmp_path / "pytorch"),
                        "fitness_python": "/nonexistent/python"})
    repo.inv("mix", "--profile", "resnet34", "--projects", "alpha,beta,gamma", "--name", "fit", "--seed", "7",
             check=True)   # dist/ now holds another mix than the host
    proc = repo.inv("pytorch.fitness", "--steps", "1", check=False)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "role pytorch host local" in lines[0] and "inv deploy --name fit" in lines[0]
    assert not (repo.path / "dist" / "fit.fitness.json").exists()


def test_budget_flags_are_checked_before_anything_runs(repo):
    proc = repo.inv("pytorch.fitness", "--minutes", "1", "--steps", "2", check=False)
    assert proc.stderr.strip() == "error: give --minutes or --steps, not both"
    proc = repo.inv("pytorch.fitness", "--device", "tpu", check=False)
    assert "--device 'tpu'" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
