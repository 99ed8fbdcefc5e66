"""lib/labeling/studio/setup.py (`inv imglabeling.labelstudio-token`) without a Label Studio: what
it refuses before anything is contacted, what --dry says, and that a failed login writes nothing."""
import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.setup import PASSWORD_ENV, USER_ENV, token_line, token_plan
from dlimgmgr_tasks.lib.workspace import Workspace


@pytest.fixture
def studio_ws(ws, tmp_path, monkeypatch, nowhere):
    """The empty checkout with imglabeling on a Label Studio url where nothing listens."""
    for name in (USER_ENV, PASSWORD_ENV, "LS_T"):
        monkeypatch.delenv(name, raising=False)
    roles = {"imglabeling": {"host": "local", "target_home": str(tmp_path / "lab"), "tool": "labelstudio",
                             "url": nowhere.url, "token_env": "LS_T", "timeout": 2}}
    (ws.root / "hosts.yaml").write_text(yaml.safe_dump({"roles": roles}))
    return Workspace.at(ws.root, {})


def test_dry_says_where_the_token_would_go(studio_ws, monkeypatch):
    monkeypatch.setenv(USER_ENV, "me@example.com")
    [line] = token_plan(studio_ws, None)
    assert line == (f"would log in to {studio_ws.hosts.one('imglabeling').url} as me@example.com, make a personal "
                    f"access token and write it to {studio_ws.root / 'secrets.yaml'} as LS_T (mode 600)")
    assert token_plan(studio_ws, "other@example.com")[0].split(" as ")[1].startswith("other@example.com")


def test_no_user_is_one_line(studio_ws):
    with pytest.raises(UserError, match=f"^no Label Studio user given; pass --email or set {USER_ENV}$"):
        token_plan(studio_ws, None)


def test_a_folder_role_is_refused_naming_hosts_yaml(ws, tmp_path):
    roles = {"imglabeling": {"host": "local", "target_home": str(tmp_path / "lab")}}   # tool: folder
    (ws.root / "hosts.yaml").write_text(yaml.safe_dump({"roles": roles}))
    with pytest.raises(UserError, match=r"hosts.yaml: roles.imglabeling is not tool: labelstudio; set tool"):
        token_plan(ws, "me@example.com")


def test_no_password_and_no_terminal_is_one_line(studio_ws, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)    # as under CI or a pipe
    with pytest.raises(UserError, match=f"^{PASSWORD_ENV} is not set and there is no terminal to ask; export it$"):
        token_line(studio_ws, "me@example.com")
    assert not (studio_ws.root / "secrets.yaml").exists()


def test_a_failed_login_writes_nothing(studio_ws, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-PW")
    with pytest.raises(UserError, match="cannot connect") as err:
        token_line(studio_ws, "me@example.com")
    assert "s3cret-PW" not in str(err.value)
    assert not (studio_ws.root / "secrets.yaml").exists()
