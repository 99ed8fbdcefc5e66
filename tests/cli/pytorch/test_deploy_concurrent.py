"""Two orchestrators deploying to one pytorch target at once (two real `inv deploy` processes),
on a local target and over the real sshd: the host's lock makes them take turns, each upload
has its own staging name, and `.prev` is always the real previous dataset."""
from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

from tests.helpers.repo import make_repo
from tests.helpers.deploydata import MIX, usable
from dlimgmgr_tasks.lib.inflight import INCOMING
from tests.helpers.mixdata import make_build


def orchestrators(tmp_path: Path, pytorch: dict, known_hosts=None) -> list:
    """Two repository copies (two orchestrators) whose pytorch role is the same target."""
    repos = []
    for side in ("a", "b"):
        (tmp_path / side).mkdir()
        repo = make_repo(tmp_path / side)
        extra = {"known_hosts": str(known_hosts)} if known_hosts else {}
        repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": pytorch}, **extra)
        make_build(repo.path, "alpha", ["cat", "dog"], 60)
        repos.append(repo)
    return repos


def train_ids(repo, name: str = "ds") -> list[str]:
    """The train ids of the repo's mix NAME (what `usable` returns once it is deployed)."""
    with tarfile.open(repo.path / "dist" / f"{name}.tar.gz") as tar:
        return tar.extractfile(f"{name}/ImageSets/Main/train.txt").read().decode().split()


def deploy_at_once(*repos) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-m", "invoke", "deploy", "--name", "ds"], cwd=r.path, env=r.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
             for r in repos]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def leftovers(target_home: Path) -> list[str]:
    staging = target_home / ".dlimgmgr" / "staging"
    datasets = target_home / "datasets"
    return sorted([p.name for p in staging.iterdir()] if staging.exists() else []) + sorted(
        p.name for p in datasets.iterdir() if INCOMING in p.name)


def check_different_mixes(tmp_path: Path, pytorch: dict, known_hosts=None) -> None:
    a, b = orchestrators(tmp_path, pytorch, known_hosts)
    a.inv(*MIX, "--name", "ds", "--seed", "1", check=True)
    b.inv(*MIX, "--name", "ds", "--seed", "2", check=True)
    assert train_ids(a) != train_ids(b)
    for proc in deploy_at_once(a, b):
        assert proc.returncode == 0, proc.stderr
    dataset = Path(pytorch["target_home"]) / "datasets" / "ds"
    both = sorted([train_ids(a), train_ids(b)])
    assert sorted([usable(dataset), usable(Path(f"{dataset}.prev"))]) == both
    assert leftovers(Path(pytorch["target_home"])) == []


def check_same_mix_twice(tmp_path: Path, pytorch: dict, known_hosts=None) -> None:
    a, b = orchestrators(tmp_path, pytorch, known_hosts)
    a.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    first = train_ids(a)
    a.inv(*MIX, "--name", "ds", "--seed", "2", check=True)
    for proc in deploy_at_once(a, a):
        assert proc.returncode == 0, proc.stderr
    dataset = Path(pytorch["target_home"]) / "datasets" / "ds"
    assert usable(dataset) == train_ids(a) and usable(Path(f"{dataset}.prev")) == first
    assert leftovers(Path(pytorch["target_home"])) == []


def test_two_orchestrators_deploying_different_mixes_of_one_name_both_land(tmp_path):
    check_different_mixes(tmp_path, {"host": "local", "target_home": str(tmp_path / "pytorch")})


def test_two_deploys_of_the_same_mix_at_once_keep_the_real_previous_as_prev(tmp_path):
    check_same_mix_twice(tmp_path, {"host": "local", "target_home": str(tmp_path / "pytorch")})


def test_over_ssh_two_orchestrators_deploying_different_mixes_both_land(tmp_path, ssh_entry, sshd):
    check_different_mixes(tmp_path, ssh_entry(0, target_home=str(tmp_path / "pytorch")), sshd.known_hosts)


def test_over_ssh_two_deploys_of_the_same_mix_keep_the_real_previous_as_prev(tmp_path, ssh_entry, sshd):
    check_same_mix_twice(tmp_path, ssh_entry(0, target_home=str(tmp_path / "pytorch")), sshd.known_hosts)


def test_a_second_deploy_of_the_same_mix_says_so_and_keeps_prev(tmp_path):
    a = orchestrators(tmp_path, {"host": "local", "target_home": str(tmp_path / "pytorch")})[0]
    a.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    a.inv(*MIX, "--name", "ds", "--seed", "2", "deploy", check=True)
    proc = a.inv("deploy", check=True)
    assert "again (the same mix as the one it replaced)" in proc.stdout and "still" in proc.stdout
    dataset = tmp_path / "pytorch" / "datasets" / "ds"
    assert usable(Path(f"{dataset}.prev")) != usable(dataset)
