"""lib/invconfig.py: Workspace.at reads invoke.yaml and its profile as `inv` does."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.invconfig import read
from dlimgmgr_tasks.lib.workspace import Workspace

PNG = b"\x89PNG\r\n\x1a\n"


def test_workspace_at_reads_invoke_yaml_and_its_profile_as_inv_does(repo, monkeypatch):
    path = repo.path / "invoke.yaml"
    path.write_text(path.read_text().replace("profile: ssd", "profile: resnet34"))
    assert Workspace.at(repo.path).profile.name == "resnet34"
    assert Workspace.at(repo.path, {}).profile.name == "ssd"   # {}: the built-in defaults only
    monkeypatch.setenv("INVOKE_DLIMGMGR_PROFILE", "ssd")
    assert Workspace.at(repo.path).profile.name == "ssd"

def test_a_broken_invoke_yaml_is_one_line_naming_it(repo):
    (repo.path / "invoke.yaml").write_text("dlimgmgr: [1\n")
    with pytest.raises(UserError, match=r"invoke.yaml: not readable YAML"):
        Workspace.at(repo.path)


def test_read_merges_defaults_invoke_yaml_and_the_environment_lowest_first(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))              # no ~/.invoke.yaml of the person running it
    for name in ("INVOKE_DLIMGMGR_SEED", "INVOKE_DLIMGMGR_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    defaults = {"seed": 1, "profile": "ssd", "mix": {"train": 0.8, "val": 0.2}, "root": "/elsewhere"}
    assert read(tmp_path, defaults) == {"seed": 1, "profile": "ssd", "mix": {"train": 0.8, "val": 0.2}}
    (tmp_path / "invoke.yaml").write_text("dlimgmgr:\n  seed: 5\n  mix: {train: 0.7}\n")
    got = read(tmp_path, defaults)
    assert got["seed"] == 5 and got["mix"] == {"train": 0.7, "val": 0.2}
    monkeypatch.setenv("INVOKE_DLIMGMGR_SEED", "9")
    assert read(tmp_path, defaults)["seed"] == 9                    # the environment wins, as in `inv`
    assert defaults["seed"] == 1 and "root" in defaults             # the caller's defaults untouched


def test_an_invoke_yaml_that_is_not_a_mapping_is_one_line(tmp_path):
    (tmp_path / "invoke.yaml").write_text("- dlimgmgr\n")
    with pytest.raises(UserError, match=r"invoke.yaml: must be a mapping of settings .*; fix the file$"):
        read(tmp_path, {"seed": 1})
