"""deploy: where a mix lands on the pytorch role, and a real deploy, rollback and train against a
local role (the unpacker runs as the host runs it: `python -m` in target_home)."""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from dlimgmgr_tasks.lib import deploy
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hashing import sha256_file
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.workspace import Workspace


def _config(**kw):
    return HostConfig(role="pytorch", host="local", target_home="/t", **kw)


def test_dataset_dir_and_swap_target_per_layout():
    assert deploy.dataset_dir(_config(), "m1") == "/t/datasets/m1"
    assert deploy.swap_target(_config(dataset_dir="/d"), "m1") == ("/d", None)
    voc = _config(dataset_dir="/d/", layout="vocdevkit")
    assert deploy.dataset_dir(voc, "m1", has_test=True) == "/d/VOCdevkit/VOC2007"
    assert deploy.swap_target(voc, "m1") == ("/d/VOCdevkit", "VOC2012")
    assert deploy.rollback_folder(voc) == "/d/VOCdevkit" and deploy.rollback_folder(_config()) is None
    assert deploy.voc_root(voc, "/d/VOCdevkit/VOC2012") == {"DLIMGMGR_VOC_ROOT": "/d", "DLIMGMGR_VOC_YEAR": "2012"}
    assert deploy.voc_root(_config(), "/x") == {}


def test_has_test_split_and_the_interrupted_messages():
    assert deploy.has_test_split({"counts": {"images": {"test": 3}}})
    assert not deploy.has_test_split({"counts": {"images": {"train": 3}}}) and not deploy.has_test_split({})
    assert "before the swap; the previous dataset was left in place" in deploy.interrupted_message("prepare")
    assert deploy.interrupted_message("commit", "ok") == \
        "interrupted (Ctrl-C) after the swap: the new dataset is in place (ok)"


def _mix(ws: Workspace, name: str, text: str) -> None:
    ws.dist_dir.mkdir(exist_ok=True)
    archive = ws.dist_dir / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
        data = text.encode()
        info = tarfile.TarInfo(f"{name}/labelmap.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    manifest = {"name": name, "sha256": sha256_file(archive), "counts": {"images": {"train": 1}}}
    (ws.dist_dir / f"{name}.manifest.json").write_text(json.dumps(manifest))


@pytest.fixture
def local_ws(tmp_path, monkeypatch):
    monkeypatch.delenv("DLIMGMGR_HOSTS_FILE", raising=False)
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    home = tmp_path / "pt"
    (root / "hosts.yaml").write_text(
        f"roles:\n  pytorch: {{host: local, target_home: {home}, dataset_dir: {home}/data,\n"
        f"    train_command: 'test -f \"$DLIMGMGR_DATASET_DIR/labelmap.txt\" && exit 3'}}\n")
    return Workspace.at(root)


def test_deploy_swaps_in_keeps_prev_and_rolls_back(local_ws, tmp_path):
    data = tmp_path / "pt/data"
    with pytest.raises(UserError, match="no mixed dataset yet; run: inv mix"):
        deploy.deploy(local_ws)
    _mix(local_ws, "m1", "one\n")
    deploy.deploy(local_ws)
    assert (data / "labelmap.txt").read_text() == "one\n"
    assert deploy.recorded_folder(local_ws.hosts.one("pytorch")) == str(data)
    _mix(local_ws, "m2", "two\n")
    deploy.deploy(local_ws, "m2")
    assert (data / "labelmap.txt").read_text() == "two\n"
    assert (Path(f"{data}.prev") / "labelmap.txt").read_text() == "one\n"
    deploy.rollback(local_ws)
    assert (data / "labelmap.txt").read_text() == "one\n"


def test_a_bad_sha256_leaves_the_previous_dataset(local_ws, tmp_path):
    _mix(local_ws, "m1", "one\n")
    deploy.deploy(local_ws)
    _mix(local_ws, "m2", "two\n")
    manifest = local_ws.dist_dir / "m2.manifest.json"
    manifest.write_text(manifest.read_text().replace('"sha256": "', '"sha256": "0'))
    with pytest.raises(UserError, match="does not match the manifest"):
        deploy.deploy(local_ws, "m2")
    assert (tmp_path / "pt/data/labelmap.txt").read_text() == "one\n"


def test_train_runs_the_command_with_the_deployed_folder(local_ws, tmp_path):
    _mix(local_ws, "m1", "one\n")
    deploy.deploy(local_ws)
    # The command exits 3 only when it found the deployed labelmap through DLIMGMGR_DATASET_DIR.
    with pytest.raises(UserError, match="train_command exited with status 3"):
        deploy.train(local_ws)
