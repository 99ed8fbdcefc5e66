"""lib/hostside/unpack.py: verify, unpack and swap a dataset in, run as the pytorch host runs it."""
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from dlimgmgr_tasks.lib.hashing import sha256_file
from dlimgmgr_tasks.lib.hostside import unpack
from dlimgmgr_tasks.lib.inflight import INCOMING, READY
from dlimgmgr_tasks.lib.hostside.unpack_members import UnpackError

ROOT = Path(unpack.__file__).resolve().parents[3]


def _archive(path, top, text):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in ((f"{top}/", None), (f"{top}/labelmap.txt", text.encode())):
            info = tarfile.TarInfo(name.rstrip("/"))
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return str(path), sha256_file(path)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "dlimgmgr_tasks.lib.hostside.unpack", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_install_twice_keeps_prev_and_rollback_swaps(tmp_path):
    data = tmp_path / "datasets" / "voc"
    state = tmp_path / "state.json"
    for n in (1, 2):
        archive, sha = _archive(tmp_path / f"m{n}.tar.gz", "mix", f"v{n}")
        out = _cli("install", "--archive", archive, "--sha256", sha, "--top", "mix", "--dataset-dir", str(data),
                   "--state", str(state))
        assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith(f"the previous one is kept as {data}.prev")
    assert (data / "labelmap.txt").read_text() == "v2" and (Path(f"{data}.prev") / "labelmap.txt").read_text() == "v1"
    assert json.loads(state.read_text())["dataset_dir"] == str(data)
    assert not [p for p in data.parent.iterdir() if INCOMING in p.name]     # no temp folder left
    out = _cli("rollback", "--state", str(state))
    assert out.returncode == 0 and (data / "labelmap.txt").read_text() == "v1"
    where = _cli("where", "--state", str(state))
    assert json.loads(where.stdout) == str(data)


def test_a_wrong_sha256_changes_nothing(tmp_path):
    archive, sha = _archive(tmp_path / "m.tar.gz", "mix", "v1")
    data = tmp_path / "voc"
    out = _cli("install", "--archive", archive, "--sha256", "0" * 64, "--top", "mix", "--dataset-dir", str(data))
    assert out.returncode == 1 and out.stderr.startswith("error: ") and "does not match the manifest" in out.stderr
    assert not data.exists() and [p.name for p in tmp_path.iterdir()] == ["m.tar.gz"]


def test_prepare_leaves_a_ready_folder_beside_and_swaps_nothing(tmp_path):
    archive, sha = _archive(tmp_path / "m.tar.gz", "mix", "v1")
    data = tmp_path / "voc"
    message = unpack.prepare(archive, sha, "mix", str(data), "tok", beat=lambda: None)
    assert message == f"prepared mix beside {data}" and not data.exists()
    (incoming,) = [p for p in tmp_path.iterdir() if INCOMING in p.name]
    assert incoming.name == f".voc{INCOMING}tok"
    assert (incoming / "mix" / "labelmap.txt").read_text() == "v1" and (incoming / READY).is_file()


def test_dataset_folder_and_rollback_refusals(tmp_path):
    assert unpack.dataset_folder(str(tmp_path / "a" / "voc")) == str(tmp_path / "a" / "voc")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnpackError, match="exists and is not a folder"):
        unpack.dataset_folder(str(tmp_path / "file"))
    (tmp_path / "link").symlink_to(tmp_path)
    with pytest.raises(UnpackError, match="is a link"):
        unpack.dataset_folder(str(tmp_path / "link"))
    with pytest.raises(UnpackError, match="no previous dataset to roll back to"):
        unpack.rollback(str(tmp_path / "voc"))
    with pytest.raises(UnpackError, match="nothing was deployed here yet"):
        unpack.rollback(state=str(tmp_path / "none.json"))
