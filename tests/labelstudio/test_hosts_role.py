"""`inv dlimgmgr.hosts` with a Label Studio imglabeling role (a real Label Studio): the server answering,
its token accepted; one `problem:` line per failure, naming what to do."""
from __future__ import annotations

import socket

import yaml

from tests.helpers.hostsout import problems, rows
from tests.helpers.labelstudio import TOKEN_ENV, studio_repo


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
