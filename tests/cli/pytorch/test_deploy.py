"""`inv deploy` / `pytorch.rollback` / `pytorch.train` on a local pytorch role: sha256 checked on
the host, atomic swap with .prev, rollback, hostile archives refused before anything is written,
an unpack killed half-way leaving the previous dataset usable, train_command streamed. Over SSH:
tests/ssh/test_deploy.py."""
from __future__ import annotations

import hashlib
import io
import json
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.helpers import unpacker
from tests.helpers.deploydata import MIX, usable
from dlimgmgr_tasks.lib.inflight import INCOMING
from tests.helpers.mixdata import make_build
from tests.helpers.oneline import one_line_error


@pytest.fixture
def built(repo):
    make_build(repo.path, "alpha", ["cat", "dog"], 24)
    return repo


def home(repo) -> Path:
    return repo.path.parent / "pytorch"     # the fixture's pytorch target_home


def test_deploy_uploads_the_archive_and_unpacks_a_usable_dataset(built):
    built.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    assert usable(home(built) / "datasets" / "ds")
    manifest = json.loads((built.path / "dist" / "ds.manifest.json").read_text())
    assert hashlib.sha256((home(built) / "ds.tar.gz").read_bytes()).hexdigest() == manifest["sha256"]
    assert not Path(f"{home(built)}/datasets/ds.prev").exists()


def test_deployed_files_are_dated_by_the_deploy_not_the_archive(built):
    built.inv(*MIX, "--name", "ds", "deploy", check=True)
    dataset = home(built) / "datasets" / "ds"
    # Not by the archive's fixed mtime 0.
    assert (dataset / "JPEGImages").stat().st_mtime > time.time() - 3600
    assert min(p.stat().st_mtime for p in (dataset / "Annotations").iterdir()) > time.time() - 3600


@pytest.fixture
def deployed_twice(built):
    built.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    dataset = home(built) / "datasets" / "ds"
    first = usable(dataset)
    proc = built.inv(*MIX, "--name", "ds", "--seed", "2", "deploy", check=True)
    return built, dataset, first, proc


def test_a_second_deploy_keeps_the_previous_dataset_as_prev(deployed_twice):
    _, dataset, first, proc = deployed_twice
    assert "previous one is kept as" in proc.stdout
    assert usable(dataset) != first and usable(Path(f"{dataset}.prev")) == first


def test_rollback_swaps_the_previous_dataset_back_and_again_undoes_it(deployed_twice):
    repo, dataset, first, _ = deployed_twice
    second = usable(dataset)
    repo.inv("pytorch.rollback", check=True)
    assert usable(dataset) == first and usable(Path(f"{dataset}.prev")) == second
    repo.inv("pytorch.rollback", check=True)
    assert usable(dataset) == second
    leftovers = [p.name for p in dataset.parent.iterdir() if p.name.startswith(".ds.") and not p.name.endswith(".lock")]
    assert leftovers == []


def test_deploy_into_a_trainer_folder_and_the_newest_mix(built):
    built.write_hosts({"pytorch": {"host": "local", "target_home": str(home(built)),
                                   "dataset_dir": "~/pytorch_ssd/VOCdevkit/BCCD"}})
    built.inv(*MIX, "--name", "old", check=True)
    time.sleep(0.05)
    built.inv(*MIX, "--name", "new", "--seed", "5", check=True)
    built.inv("deploy", check=True)
    target = Path(built.env["HOME"]) / "pytorch_ssd" / "VOCdevkit" / "BCCD"
    assert (target / "labelmap.txt").read_text().splitlines()[1:] == ["cat:::", "dog:::"]
    new = (built.path / "dist" / "new.manifest.json")
    assert json.loads(new.read_text())["counts"]["images"]["train"] == len(usable(target))
    assert not (home(built) / "old.tar.gz").exists(), "the newest mix (by manifest mtime) was deployed"


def test_checksum_is_verified_on_the_host(built):
    built.inv(*MIX, "--name", "ds", "deploy", check=True)
    dataset = home(built) / "datasets" / "ds"
    before = usable(dataset)
    built.inv(*MIX, "--name", "ds", "--seed", "9", check=True)
    archive = built.path / "dist" / "ds.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    line = one_line_error(built.inv("deploy", "--name", "ds", check=False))
    assert "sha256" in line and "role pytorch" in line
    assert usable(dataset) == before and not Path(f"{dataset}.prev").exists()


def _hostile(kind: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
        def add(name, data=b"x", **attrs):
            info = tarfile.TarInfo(name)
            info.size = len(data) if attrs.get("type", tarfile.REGTYPE) == tarfile.REGTYPE else 0
            for k, v in attrs.items():
                setattr(info, k, v)
            tar.addfile(info, io.BytesIO(data) if info.size else None)
        add("ds/", type=tarfile.DIRTYPE)
        add("ds/ok.txt")
        if kind == "dotdot":
            add("ds/../evil.txt")
        elif kind == "absolute":
            add("/tmp/dlimgmgr-evil.txt")
        elif kind == "symlink":
            add("ds/link", type=tarfile.SYMTYPE, linkname="../../../evil")
        elif kind == "hardlink":
            add("ds/hard", type=tarfile.LNKTYPE, linkname="etc/passwd")
        elif kind == "device":
            add("ds/dev", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        elif kind == "outside":
            add("other/x.txt")
        add("ds/zz_after.txt")
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "hardlink", "device", "outside"])
def test_hostile_archives_are_refused_before_anything_is_written(repo, kind):
    dist = repo.path / "dist"
    dist.mkdir()
    data = _hostile(kind)
    (dist / "ds.tar.gz").write_bytes(data)
    (dist / "ds.manifest.json").write_text(json.dumps({"name": "ds", "sha256": hashlib.sha256(data).hexdigest()}))
    line = one_line_error(repo.inv("deploy", check=False))
    culprit = {"dotdot": "'ds/../evil.txt' climbs out", "absolute": "'/tmp/dlimgmgr-evil.txt' has an absolute path",
               "symlink": "'ds/link' points outside", "hardlink": "'ds/hard' points outside",
               "device": "'ds/dev' is a device", "outside": "'other/x.txt' is outside"}[kind]
    assert culprit in line and "refused" in line and "role pytorch" in line
    datasets = home(repo) / "datasets"
    written = [p.name for p in datasets.iterdir()] if datasets.exists() else []
    assert written == [], "nothing unpacked, not even the good members"
    assert not (repo.path.parent / "evil.txt").exists() and not Path("/tmp/dlimgmgr-evil.txt").exists()


# Runs the real unpacker and SIGKILLs it after it has written a few members: a power cut
# or a `kill -9` half-way, not an exception the unpacker could clean up after.
KILL_HALF_WAY = """
import os, signal, tarfile
orig = tarfile.TarFile._extract_member
seen = [0]
def extract(self, *a, **k):
    seen[0] += 1
    if seen[0] == 20:
        os.kill(os.getpid(), signal.SIGKILL)
    return orig(self, *a, **k)
tarfile.TarFile._extract_member = extract
"""


def test_an_unpack_killed_half_way_leaves_the_previous_dataset(built, tmp_path):
    built.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    built.inv(*MIX, "--name", "ds", "--seed", "2", "deploy", check=True)
    dataset = home(built) / "datasets" / "ds"
    current, previous = usable(dataset), usable(Path(f"{dataset}.prev"))
    built.inv(*MIX, "--name", "ds", "--seed", "3", check=True)
    archive = built.path / "dist" / "ds.tar.gz"
    sha = json.loads((built.path / "dist" / "ds.manifest.json").read_text())["sha256"]
    proc = subprocess.run([*unpacker.command(unpacker.shipped(tmp_path / "unpacker"), KILL_HALF_WAY),
                           "install", "--archive", str(archive),
                           "--sha256", sha, "--top", "ds", "--dataset-dir", str(dataset)])
    assert proc.returncode == -signal.SIGKILL
    leftovers = [p for p in dataset.parent.iterdir() if INCOMING in p.name]
    assert leftovers and any(leftovers[0].rglob("*.xml")), "it was killed half-way through writing"
    assert usable(dataset) == current and usable(Path(f"{dataset}.prev")) == previous

    built.inv("deploy", check=True)    # the next deploy clears the leftover and goes through
    assert usable(Path(f"{dataset}.prev")) == current
    assert not [p for p in dataset.parent.iterdir() if INCOMING in p.name]


def test_train_streams_its_output_as_it_comes(built):
    target = home(built)
    built.write_hosts({"pytorch": {"host": "local", "target_home": str(target), "train_command":
                                   "echo epoch 1; while [ ! -f go ]; do sleep 0.05; done; echo done"}})
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "pytorch.train"], cwd=built.path, env=built.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        # The first line arrives while the command is still waiting: the output is not held back.
        assert proc.stdout.readline().strip() == "epoch 1"
        assert proc.poll() is None
        (target / "go").touch()
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0 and out.strip() == "done", err


def test_a_failing_train_command_is_one_line_with_its_status(built):
    built.write_hosts({"pytorch": {"host": "local", "target_home": str(home(built)), "train_command": "exit 3"}})
    line = one_line_error(built.inv("pytorch.train", check=False))
    assert "role pytorch" in line and "status 3" in line


@pytest.mark.parametrize("args, hint", [
    (("deploy",), "inv mix"),
    (("pytorch.deploy", "--name", "nope"), "inv mix --name nope"),
    (("pytorch.rollback",), "inv deploy"),
    (("pytorch.train",), "train_command"),
])
def test_nothing_to_deploy_roll_back_or_train_is_one_line_saying_what_to_do(repo, args, hint):
    assert hint in one_line_error(repo.inv(*args, check=False))
