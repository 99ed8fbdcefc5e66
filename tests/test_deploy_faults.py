"""Deploy against hand-made manifests, flags of the wrong type, and an SSH session that dies
mid-upload: one line, exit 1, no traceback, the previous dataset as it was."""
from __future__ import annotations

import json
import subprocess
import time

import pytest

from deploydata import usable
from deploystages import deployed_once, host_is_clean, start_deploy
from freezeproxy import FreezeProxy
from oneline import one_line_error
from signals import wait_for


@pytest.mark.parametrize("name", [".", "..", "a/b", "-rf", 7])
def test_a_hand_made_manifest_whose_name_is_not_plain_is_refused_naming_it(repo, name):
    dist = repo.path / "dist"
    dist.mkdir()
    (dist / "x.manifest.json").write_text(json.dumps({"name": name, "sha256": "0" * 64}))
    (repo.path.parent / "pytorch" / "datasets").mkdir(parents=True)
    line = one_line_error(repo.inv("deploy", "--name", "x", check=False))
    assert "x.manifest.json: names the dataset" in line and "not a plain name" in line
    assert list((repo.path.parent / "pytorch" / "datasets").iterdir()) == []


@pytest.mark.parametrize("args, flag", [(("dlimgmgr.trust", "127.0.0.1", "--port", "abc"), "--port"),
                                        (("dlimgmgr.hosts", "--timeout", "abc"), "--timeout")])
def test_a_flag_of_the_wrong_type_is_one_line_naming_it(repo, args, flag):
    line = one_line_error(repo.inv(*args, check=False))
    assert f"{flag} must be a whole number (got 'abc')" in line


def test_an_ssh_session_lost_during_the_upload_is_one_line_and_changes_nothing(repo, tmp_path, ssh_entry, sshd):
    home = tmp_path / "pytorch"
    dataset, before = deployed_once(repo, ssh_entry(0, target_home=str(home)), known_hosts=str(sshd.known_hosts))
    (home / ".dlimgmgr" / "staging").rmdir()   # made again just before the upload
    with FreezeProxy((sshd.hosts[0], sshd.port)) as proxy:
        known = tmp_path / "proxy_known_hosts"
        known.write_text(f"[127.0.0.1]:{proxy.port} {sshd.host_key_line}\n")
        repo.write_hosts({"dataaug": {"host": "local"},
                          "pytorch": ssh_entry(0, host="127.0.0.1", port=proxy.port, target_home=str(home),
                                               timeout=60)}, known_hosts=str(known))
        proc = start_deploy(repo)
        wait_for((home / ".dlimgmgr" / "staging").exists, proc=proc)
        proxy.freeze_after(256 << 10)
        assert proxy.frozen.wait(30)
        time.sleep(0.3)
    # The proxy closed every socket: the session is gone in the middle of the upload.
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "Traceback" not in err, err
    line = one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    assert "role pytorch host" in line and ("lost" in line or "cannot write" in line), line
    assert usable(dataset) == before and host_is_clean(home)
