"""lib/labeling/studio/account.py without a Label Studio: the secrets file written 0600 with the
other keys kept, and the login refused in one line by a server that is not Label Studio, one that
redirects elsewhere, or none (tests/labelstudio/test_token.py has the real server's side)."""
import stat

import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.account import make_token, store
from tests.helpers.hostile_http import answer, serve

TOKEN = "0123456789abcdef0123456789abcdef01234567"


def test_the_token_is_stored_0600_and_other_secrets_stay(tmp_path):
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text("SSH_PASSWORD: hunter2\n")
    secrets.chmod(0o644)
    store(secrets, "LS_TOKEN", TOKEN)
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert yaml.safe_load(secrets.read_text()) == {"SSH_PASSWORD": "hunter2", "LS_TOKEN": TOKEN}
    store(secrets, "LS_TOKEN", "new")                         # a second token replaces the first
    assert yaml.safe_load(secrets.read_text())["LS_TOKEN"] == "new"
    fresh = tmp_path / "new" / "secrets.yaml"
    fresh.parent.mkdir()
    store(fresh, "T", TOKEN)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.parametrize("text", ["- a list\n", "a: [1\n", "just words\n"])
def test_a_secrets_file_that_is_not_a_mapping_is_refused_and_kept(tmp_path, text):
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(text)
    with pytest.raises(UserError, match=r"secrets.yaml: not a mapping NAME: secret; fix it"):
        store(secrets, "LS_TOKEN", TOKEN)
    assert secrets.read_text() == text


@pytest.mark.timeout(60)
def test_a_server_without_a_login_form_is_one_line(tmp_path):
    with serve(answer(b"<html>hello</html>", content_type="text/html")) as (url, seen):
        with pytest.raises(UserError, match=r"^role imglabeling http://127.*: /user/login/ has no login form"):
            make_token(url, "me@example.com", "pw", "role imglabeling")
    assert seen[0].startswith(b"GET /user/login/ ")


@pytest.mark.timeout(60)
def test_a_redirect_to_another_server_is_refused(tmp_path):
    with serve(answer(b"<html></html>")) as (elsewhere, seen_there):
        moved = answer(b"", "302 Found", extra=f"Location: {elsewhere}/user/login/\r\n")
        with serve(moved) as (url, _):
            with pytest.raises(UserError, match="redirected to another server; refused"):
                make_token(url, "me@example.com", "pw", "role imglabeling")
    assert seen_there == []


def test_nothing_listening_is_cannot_connect_and_never_shows_the_password(nowhere):
    with pytest.raises(UserError, match=r"cannot connect \(.*\); start Label Studio there") as err:
        make_token(nowhere.url, "me@example.com", "s3cret-PW", "role imglabeling")
    assert "s3cret-PW" not in str(err.value) and "\n" not in str(err.value)
