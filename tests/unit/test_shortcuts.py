"""dlimgmgr_tasks/shortcuts.py: build, mix, deploy as top-level tasks, and `all` chaining them."""
from dlimgmgr_tasks import shortcuts
from dlimgmgr_tasks.dlimgmgr import build, mix
from dlimgmgr_tasks.pytorch import deploy


def test_the_shortcuts_are_the_namespace_tasks():
    assert shortcuts.TASKS == [build, mix, deploy, shortcuts.all_]
    assert shortcuts.all_.name == "all"
    # None takes a positional argument, so `inv build mix deploy` chains.
    for task in shortcuts.TASKS:
        assert all(not a.positional for a in task.get_arguments())


def test_all_in_a_dry_run_plans_every_step(ws, context, make_project, tmp_path, capsys):
    ws.hosts_path.write_text(f"roles:\n  pytorch: {{host: local, target_home: {tmp_path / 'pt'}}}\n"
                             f"  dataaug: {{host: local, target_home: {tmp_path / 'aug'}}}\n")
    make_project()
    shortcuts.all_(context(ws, dry=True))
    out = capsys.readouterr().out
    # The build would rebuild close, so the mix and deploy are planned from what that build writes.
    assert out.count("dry run: nothing is changed") == 2
    assert "close: would build from 0 carrier(s)" in out and "would mix the new builds into dist/" in out
    assert "would upload that mix to role pytorch host local" in out
    assert not (ws.root / "dist").exists() and not (tmp_path / "pt").exists()
