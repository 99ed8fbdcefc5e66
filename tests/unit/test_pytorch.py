"""dlimgmgr_tasks/pytorch.py: deploy, rollback, train in-process (dry plans and one-line refusals)."""
import pytest
from invoke import Exit

from dlimgmgr_tasks import pytorch


@pytest.fixture
def pt(ws, tmp_path):
    ws.hosts_path.write_text(f"roles:\n  pytorch: {{host: local, target_home: {tmp_path / 'pt'}, "
                             f"train_command: echo trained-here}}\n")
    return tmp_path / "pt"


def test_dry_plans(ws, context, pt, capsys):
    c = context(ws, dry=True)
    pytorch.deploy(c)
    pytorch.rollback(c)
    pytorch.train(c)
    out = capsys.readouterr().out
    assert out.count("dry run: nothing is changed") == 3
    assert f"would run on role pytorch host local in {pt} with DLIMGMGR_DATASET_DIR=" in out
    assert out.rstrip().endswith(": echo trained-here")
    assert not pt.exists()


def test_train_streams_the_command_output(ws, context, pt, capfd):
    pytorch.train(context(ws))
    assert "trained-here" in capfd.readouterr().out


def test_nothing_to_deploy_or_roll_back_is_one_line(ws, context, pt):
    with pytest.raises(Exit) as err:
        pytorch.deploy(context(ws))
    assert err.value.code == 1 and err.value.message.startswith("error: ") and "\n" not in err.value.message
    with pytest.raises(Exit) as err:
        pytorch.rollback(context(ws))
    assert err.value.code == 1
    assert sorted(pytorch.ns.tasks) == ["deploy", "fitness", "rollback", "train"]
