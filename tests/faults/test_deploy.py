"""Deploy against hand-made manifests, flags of the wrong type, and an SSH session that dies
mid-upload: one line, exit 1, no traceback, the previous dataset as it was."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.helpers.deploydata import usable
from tests.helpers.deploystages import host_is_clean, upload_on_a_link_that_freezes
from tests.helpers.oneline import one_line_error


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
    with upload_on_a_link_that_freezes(repo, tmp_path, ssh_entry, sshd) as (proc, home, dataset, before):
        pass
    # The proxy closed every socket: the session is gone in the middle of the upload.
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "Traceback" not in err, err
    line = one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    assert "role pytorch host" in line and ("lost" in line or "cannot write" in line), line
    assert usable(dataset) == before and host_is_clean(home)
