"""Ctrl-C (a real SIGINT to a real `inv deploy`) at each phase of a deploy, locally and over the
real sshd: exit 130 within 2 s, one line that says truthfully which dataset is in place, and
nothing left on the host (the staging archive and the unpack folder removed, no process).

A phase is hit reliably by a slow path: the role's `python:` is a wrapper that marks when it
starts the named unpack step and sleeps first; the upload is caught on a link frozen by the
proxy of tests/helpers/freezeproxy.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.deploydata import usable
from tests.helpers.deploystages import deployed_once, host_is_clean, slow_python, start_deploy, upload_on_a_link_that_freezes
from tests.helpers.signals import interrupt, wait_for

from dlimgmgr_tasks.lib import deploy as deploy_lib

KEPT = "before the swap; the previous dataset was left in place"


def test_ctrl_c_while_the_host_unpacks_leaves_the_previous_dataset_and_says_so(repo, tmp_path):
    home = tmp_path / "pytorch"
    dataset, before = deployed_once(repo, {"host": "local", "target_home": str(home)})
    wrapper, mark = slow_python(tmp_path, "prepare")
    repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": {"host": "local", "target_home": str(home),
                                                                "python": str(wrapper)}})
    proc = start_deploy(repo)
    wait_for(mark.exists, proc=proc)
    assert KEPT in interrupt(proc)
    assert usable(dataset) == before and host_is_clean(home)


def test_ctrl_c_during_the_commit_waits_for_it_and_says_the_new_dataset_is_in_place(repo, tmp_path):
    home = tmp_path / "pytorch"
    dataset, before = deployed_once(repo, {"host": "local", "target_home": str(home)})
    wrapper, mark = slow_python(tmp_path, "commit", pause=1.0)
    repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": {"host": "local", "target_home": str(home),
                                                                "python": str(wrapper)}})
    proc = start_deploy(repo)
    wait_for(mark.exists, proc=proc)
    line = interrupt(proc, limit=5.0)   # held until the commit (here slowed down) answers
    assert "after the swap: the new dataset is in place" in line
    assert usable(dataset) != before and usable(Path(f"{dataset}.prev")) == before and host_is_clean(home)


def test_over_ssh_ctrl_c_while_the_host_unpacks_stops_it_and_cleans_up(repo, tmp_path, ssh_entry, sshd):
    home = tmp_path / "pytorch"
    dataset, before = deployed_once(repo, ssh_entry(0, target_home=str(home)), known_hosts=str(sshd.known_hosts))
    wrapper, mark = slow_python(tmp_path, "prepare")
    repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": ssh_entry(0, target_home=str(home),
                                                                         python=str(wrapper))},
                     known_hosts=str(sshd.known_hosts))
    proc = start_deploy(repo)
    wait_for(mark.exists, proc=proc)
    assert KEPT in interrupt(proc)
    assert usable(dataset) == before
    assert host_is_clean(home), "the host's unpack noticed the orchestrator was gone and cleaned up"


def test_over_ssh_ctrl_c_during_the_upload_on_a_frozen_link_returns_and_leaves_no_staging(
        repo, tmp_path, ssh_entry, sshd):
    with upload_on_a_link_that_freezes(repo, tmp_path, ssh_entry, sshd) as (proc, home, dataset, before):
        assert not [p for p in (home / ".dlimgmgr" / "staging").iterdir() if not p.name.startswith(".")], \
            "the upload is not complete"
        assert KEPT in interrupt(proc)
    assert usable(dataset) == before and host_is_clean(home)


@pytest.mark.parametrize("phase", ["upload", "prepare"])
def test_an_interrupt_before_the_commit_says_the_previous_dataset_stays(phase):
    assert KEPT in deploy_lib.interrupted_message(phase)


def test_an_interrupt_after_the_commit_names_the_new_dataset():
    line = deploy_lib.interrupted_message("commit", "deployed ds into /d")
    assert "the new dataset is in place (deployed ds into /d)" in line and "left in place" not in line
