"""lib/plans.py: what a verb would do for `inv --dry`, from local files only, writing nothing."""
import os

from dlimgmgr_tasks.lib import plans, voc


def _tree(root):
    return sorted((str(p.relative_to(root)), p.stat().st_mtime_ns) for p in root.rglob("*"))


def test_every_plan_names_its_hosts_and_writes_nothing(ws, make_project, jpeg, annotation, tmp_path):
    ws.hosts_path.write_text(f"""roles:
  dataaug: {{host: local, target_home: {tmp_path / 'aug'}}}
  imglabeling: {{host: local, target_home: {tmp_path / 'lab'}}}
  pytorch: {{host: local, target_home: {tmp_path / 'pt'}, train_command: ./run_learn.sh}}
""")
    project = make_project(compose={"count": 3})
    jpeg(project.master / "close_c000.jpg")
    voc.write(project.master / "close_c000.xml", annotation("close_c000.jpg", (64, 48), ("close", 1, 1, 9, 9)))
    (tmp_path / "harvest").mkdir()
    jpeg(tmp_path / "harvest" / "new.jpg")
    before = _tree(tmp_path)
    local = "role dataaug host local"
    assert plans.compose(ws, "close")[0] == f"would compose 3 carrier(s) of close at 400x400 on {local}"
    assert plans.compose(ws, "close")[1].startswith("would write changed carriers and pre-label XML into "
                                                    "projects/close/master")
    (line,) = plans.build(ws, ["close"], force=False)
    assert line.startswith("close: would build from 1 carrier(s) x count 2 at 400x400 on " + local)
    assert "projects/close/master" in plans.push(ws, "close")[0] and str(tmp_path / "lab") in plans.push(ws, "close")[0]
    assert plans.pull(ws, "close")[0].startswith("would fetch the XML changed on role imglabeling host local")
    assert plans.outdated(ws, ["close"], force=False) == ["close"]
    assert plans.mix_after_build(ws, "voc")[0].startswith("would mix the new builds into dist/voc.tar.gz and "
                                                          "voc.manifest.json")
    assert plans.deploy(ws, None)[0].startswith("would stop: ")
    assert plans.rollback(ws)[0].startswith("would swap ") and ".prev on role pytorch host local" in plans.rollback(ws)[0]
    (train,) = plans.train(ws)   # nothing deployed yet: the dataset folder it would name is unknown
    assert train.startswith(f"would run on role pytorch host local in {tmp_path / 'pt'} with DLIMGMGR_DATASET_DIR=")
    assert train.endswith(": ./run_learn.sh")
    assert len(plans.distribute_config(ws)) == 3
    assert plans.prepare(ws)[0].endswith("and make target_home/.venv from requirements.txt")
    assert plans.new(ws, "kanji", [])[0].startswith("would create projects/kanji (project.yaml")
    assert "(1 candidate(s)) to project close" in plans.import_(ws, tmp_path / "harvest", "close", False)[0]
    assert _tree(tmp_path) == before and not (ws.root / "dist").exists()
    assert not os.path.exists(tmp_path / "aug") and not os.path.exists(tmp_path / "lab")


def test_train_without_a_command_would_stop(ws, tmp_path):
    ws.hosts_path.write_text(f"roles:\n  pytorch: {{host: local, target_home: {tmp_path / 'pt'}}}\n")
    assert plans.train(ws) == [f"would stop: {ws.hosts_path}: roles.pytorch has no train_command"]
