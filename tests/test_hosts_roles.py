"""`inv dlimgmgr.hosts` checks what each role needs, not only the host: pytorch's dataset_dir
parent writable (over a real sshd and locally), a Label Studio role's server answering and its
token accepted (a real Label Studio). One `problem:` line per failure, naming what to do."""
from __future__ import annotations

import socket

import yaml

from labelstudio import TOKEN_ENV, studio_repo


def rows(out: str) -> dict:
    return {ln.split()[0]: ln.split() for ln in out.splitlines()[1:] if ln and not ln.startswith("problem")}


def problems(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("problem: ")]


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_label_studio_role_up_down_and_token_refused(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lshosts")
    good = repo.inv("dlimgmgr.hosts", check=True).stdout
    assert rows(good)["imglabeling"][-1] != "FAIL" and "Label Studio" in good, good

    repo.env[TOKEN_ENV] = "0123456789abcdef0123456789abcdef01234567"     # a legacy token it refuses
    refused = repo.inv("dlimgmgr.hosts", check=False)
    (line,) = problems(refused.stdout)
    assert "401" in line and TOKEN_ENV in line and "0123456789abcdef" not in refused.stdout + refused.stderr
    assert rows(refused.stdout)["imglabeling"][-1] == "FAIL"

    repo.env[TOKEN_ENV] = label_studio.token
    data = yaml.safe_load((repo.path / "hosts.yaml").read_text())
    dead = f"http://127.0.0.1:{_free_port()}"
    data["roles"]["imglabeling"]["url"] = dead
    repo.write_hosts(data["roles"])
    down = repo.inv("dlimgmgr.hosts", check=False)
    (line,) = problems(down.stdout)
    assert dead in line and "cannot connect" in line, line
    assert label_studio.token not in down.stdout + down.stderr
