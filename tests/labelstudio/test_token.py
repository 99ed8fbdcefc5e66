"""Label Studio set up without a browser: `inv imglabeling.labelstudio-token` logs in as the user
Label Studio made at its first start, keeps a personal access token in secrets.yaml (mode 0600)
and push then works with it; a user who has a token already, or a wrong password, is one line.
Neither secret is ever printed. (Label Studio keeps one personal token per user: the test revokes
the fixture's, as a person would in Account & Settings, and hands the new one back to the fixture.)"""
from __future__ import annotations

import stat

import pytest
import yaml

from tests.helpers import labelstudio_server as studio_server
from dlimgmgr_tasks.lib.labeling.studio.client import Client
from tests.helpers.labelstudio import TOKEN_ENV, studio_repo
from tests.helpers.oneline import one_line_error

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)


def test_a_wrong_password_is_one_line_and_writes_nothing(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lstoken2")
    repo.env["LABEL_STUDIO_PASSWORD"] = "not-the-password"
    proc = repo.inv("imglabeling.labelstudio-token", "--email", label_studio.email, check=False)
    assert "refused the login" in one_line_error(proc) and "not-the-password" not in proc.stderr
    assert not (repo.path / "secrets.yaml").exists()


def test_a_token_made_without_a_browser_is_kept_in_secrets_and_works(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lstoken")
    del repo.env[TOKEN_ENV]
    repo.env["LABEL_STUDIO_PASSWORD"] = label_studio.password
    args = ("imglabeling.labelstudio-token", "--email", label_studio.email)
    assert "already has a personal access token" in one_line_error(repo.inv(*args, check=False))
    Client(label_studio.url, label_studio.token).post("/api/token/blacklist/", {"refresh": label_studio.token})
    token = None
    try:
        out = repo.inv(*args, check=True).stdout
        secrets = repo.path / "secrets.yaml"
        token = yaml.safe_load(secrets.read_text())[TOKEN_ENV]
    finally:
        label_studio.token = token or studio_server._personal_token(label_studio)
    assert f"is in {secrets} as {TOKEN_ENV} (mode 600)" in out
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert token.count(".") == 2 and token not in out and label_studio.password not in out
    assert "sent 8 image(s)" in repo.inv("imglabeling.push", "lstoken", check=True).stdout
