"""lib/invconfig.py: Workspace.at reads invoke.yaml and its profile as `inv` does."""
from __future__ import annotations


import pytest

from dlimgmgr_tasks.lib.errors import UserError
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
