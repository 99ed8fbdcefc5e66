"""`inv dlimgmgr.hosts` checks what each role needs, not only the host: pytorch's dataset_dir
parent writable (over a real sshd and locally). One `problem:` line per failure, naming what to do.
A Label Studio role's checks are in tests/labelstudio/test_hosts_role.py."""
from __future__ import annotations

import yaml

from tests.helpers.hostsout import problems, rows


def test_pytorch_dataset_dir_under_a_file_fails_over_ssh(ssh_repo, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the dataset's parent should be")
    data = yaml.safe_load((ssh_repo.path / "hosts.yaml").read_text())
    data["roles"]["pytorch"]["dataset_dir"] = str(blocker / "VOCdevkit" / "mine")
    ssh_repo.write_hosts(data["roles"], known_hosts=data["known_hosts"])
    proc = ssh_repo.inv("dlimgmgr.hosts", check=False)
    assert "1 of 4 host check(s) failed" in proc.stderr
    assert rows(proc.stdout)["pytorch"][-1] == "FAIL", proc.stdout
    (line,) = problems(proc.stdout)
    assert str(blocker) in line and "dataset_dir" in line and "writable" in line, line


def test_pytorch_dataset_dir_not_made_yet_is_fine_when_its_ancestor_is_writable(ssh_repo, tmp_path):
    data = yaml.safe_load((ssh_repo.path / "hosts.yaml").read_text())
    data["roles"]["pytorch"].update(dataset_dir=str(tmp_path / "a" / "b" / "BCCD"), layout="vocdevkit")
    ssh_repo.write_hosts(data["roles"], known_hosts=data["known_hosts"])
    out = ssh_repo.inv("dlimgmgr.hosts", check=True).stdout
    assert rows(out)["pytorch"][-1] == "ok", out
    assert not (tmp_path / "a").exists()          # a check writes nothing there


def test_local_pytorch_dataset_dir_under_a_file_fails(repo, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    repo.write_hosts({"dataaug": {"host": "local"},
                      "imglabeling": {"host": "local", "target_home": str(tmp_path / "labeling")},
                      "pytorch": {"host": "local", "target_home": str(tmp_path / "pytorch"),
                                  "dataset_dir": str(blocker / "data")}})
    proc = repo.inv("dlimgmgr.hosts", check=False)
    (line,) = problems(proc.stdout)
    assert line.startswith("problem: role pytorch host local: ") and str(blocker) in line, line
