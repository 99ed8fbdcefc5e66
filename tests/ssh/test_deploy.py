"""`inv deploy` / `pytorch.rollback` / `pytorch.train` with the pytorch role over the real sshd: .prev
kept, rollback, train told where the last deploy went, a damaged archive refused by the host.
The same on a local role is in tests/cli/pytorch/test_deploy.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.deploydata import MIX, usable
from tests.helpers.mixdata import make_build
from tests.helpers.oneline import one_line_error


@pytest.fixture
def ssh_deployed_twice(ssh_repo, ssh_entry, sshd):
    """pytorch over SSH, deployed with seed 1 then seed 2: (repo, dataset, first train ids)."""
    make_build(ssh_repo.path, "alpha", ["cat", "dog"], 12)
    target = ssh_repo.path.parent / "pytorch"
    ssh_repo.write_hosts({"pytorch": ssh_entry(0, target_home=str(target),
                                               train_command='echo "training on $DLIMGMGR_DATASET_DIR"')},
                         known_hosts=str(sshd.known_hosts))
    ssh_repo.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    dataset = target / "datasets" / "ds"
    first = usable(dataset)
    ssh_repo.inv(*MIX, "--name", "ds", "--seed", "2", "deploy", check=True)
    return ssh_repo, dataset, first


def test_deploy_over_ssh_keeps_the_previous_dataset_as_prev(ssh_deployed_twice):
    _, dataset, first = ssh_deployed_twice
    assert usable(Path(f"{dataset}.prev")) == first != usable(dataset)


def test_rollback_over_ssh_swaps_the_previous_dataset_back(ssh_deployed_twice):
    repo, dataset, first = ssh_deployed_twice
    repo.inv("pytorch.rollback", check=True)
    assert usable(dataset) == first


def test_train_over_ssh_is_told_where_the_last_deploy_went(ssh_deployed_twice):
    repo, dataset, _ = ssh_deployed_twice
    assert f"training on {dataset}" in repo.inv("pytorch.train", check=True).stdout


def test_a_damaged_archive_is_refused_by_the_ssh_host(ssh_deployed_twice, sshd):
    repo, dataset, _ = ssh_deployed_twice
    before = usable(dataset)
    archive = repo.path / "dist" / "ds.tar.gz"
    data = bytearray(archive.read_bytes())
    data[-100] ^= 0xFF
    archive.write_bytes(bytes(data))
    line = one_line_error(repo.inv("deploy", check=False))
    assert "sha256" in line and f"host {sshd.user}@" in line
    assert usable(dataset) == before
