"""lib/fitness without torch or a host: the budget flags, the hosts.yaml key naming a trainer venv,
and the trainer venv made once per pins. The held-out scenes are in test_heldout.py, the history
and the report's section in test_results.py."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.fitness import check_budget
from dlimgmgr_tasks.lib.hosts.config import load_hosts


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
