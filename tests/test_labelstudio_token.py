"""Label Studio set up without a browser: `inv imglabeling.labelstudio-token` logs in as the user
Label Studio made at its first start, keeps a personal access token in secrets.yaml (mode 0600)
and push then works with it; a wrong password is one line. Neither secret is ever printed."""
from __future__ import annotations

import stat

import pytest
import yaml

from labelstudio import TOKEN_ENV, studio_repo
from oneline import one_line_error

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)


def test_a_token_made_without_a_browser_is_kept_in_secrets_and_works(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lstoken")
    del repo.env[TOKEN_ENV]
    repo.env["LABEL_STUDIO_PASSWORD"] = label_studio.password
    out = repo.inv("imglabeling.labelstudio-token", "--email", label_studio.email, check=True).stdout
    secrets = repo.path / "secrets.yaml"
    assert f"is in {secrets} as {TOKEN_ENV} (mode 600)" in out
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    token = yaml.safe_load(secrets.read_text())[TOKEN_ENV]
    assert token.count(".") == 2 and token not in out and label_studio.password not in out
    assert "sent 8 image(s)" in repo.inv("imglabeling.push", "lstoken", check=True).stdout


def test_a_wrong_password_is_one_line_and_writes_nothing(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lstoken2")
    repo.env["LABEL_STUDIO_PASSWORD"] = "not-the-password"
    proc = repo.inv("imglabeling.labelstudio-token", "--email", label_studio.email, check=False)
    assert "refused the login" in one_line_error(proc) and "not-the-password" not in proc.stderr
    assert not (repo.path / "secrets.yaml").exists()
