"""A Label Studio role that cannot work says so in one line (exit 1, no traceback, no token shown),
and hosts.yaml's Label Studio keys are checked."""
from __future__ import annotations

import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import load_hosts
from tests.helpers.labelstudio_server import free_port
from tests.helpers.labelstudio import TOKEN_ENV, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

SECRET = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.not-a-real-signature"


def _one_line(proc) -> str:
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def _hosts(tmp_path, imglabeling: dict):
    path = tmp_path / "hosts.yaml"
    path.write_text(yaml.safe_dump({"roles": {"imglabeling": {"host": "local", **imglabeling}}}))
    return path


def test_a_wrong_token_gives_one_line_without_the_token(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lswrong")
    repo.env[TOKEN_ENV] = SECRET
    proc = repo.inv("imglabeling.push", "lswrong", check=False)
    line = _one_line(proc)
    assert "refused" in line and TOKEN_ENV in line
    assert SECRET not in proc.stdout + proc.stderr and SECRET[-20:] not in proc.stdout + proc.stderr


def test_a_wrong_legacy_token_gives_one_line_without_the_token(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lslegacy")
    repo.env[TOKEN_ENV] = "0123456789abcdef0123456789abcdef01234567"
    proc = repo.inv("imglabeling.status", check=False)
    assert "401" in _one_line(proc) and "0123456789abcdef" not in proc.stdout + proc.stderr


def test_a_dead_url_gives_one_line_naming_it(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lsdead")
    dead = f"http://127.0.0.1:{free_port()}"
    hosts = yaml.safe_load((repo.path / "hosts.yaml").read_text())
    hosts["roles"]["imglabeling"]["url"] = dead
    (repo.path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    line = _one_line(repo.inv("imglabeling.pull", "lsdead", check=False))
    assert dead in line and "cannot connect" in line


def test_an_unset_token_variable_gives_one_line_naming_it(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lsunset")
    del repo.env[TOKEN_ENV]
    assert f"token_env {TOKEN_ENV} is not set" in _one_line(repo.inv("imglabeling.push", "lsunset", check=False))


def test_hosts_yaml_refuses_a_url_that_is_not_http(tmp_path):
    with pytest.raises(UserError, match=r"hosts.yaml: roles.imglabeling: url must be .*http"):
        load_hosts(_hosts(tmp_path, {"tool": "labelstudio", "url": "ftp://x", "token_env": "T"}))


def test_hosts_yaml_refuses_a_token_written_in_it(tmp_path):
    with pytest.raises(UserError, match="tokens never go in hosts.yaml") as err:
        load_hosts(_hosts(tmp_path, {"tool": "labelstudio", "url": "http://127.0.0.1:1", "token": SECRET}))
    assert SECRET not in str(err.value)


def test_hosts_yaml_refuses_an_unknown_tool(tmp_path):
    with pytest.raises(UserError, match="tool 'cvat' is not one of folder, labelstudio"):
        load_hosts(_hosts(tmp_path, {"tool": "cvat"}))


def test_the_token_comes_from_the_secrets_file_and_stays_out_of_repr(tmp_path):
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(f"LS_SECRET_TOKEN: {SECRET}\n")
    secrets.chmod(0o600)
    path = _hosts(tmp_path, {"tool": "labelstudio", "url": "http://127.0.0.1:8080/", "token_env": "LS_SECRET_TOKEN"})
    entry = load_hosts(path).one("imglabeling")
    assert (entry.tool, entry.url, entry.token) == ("labelstudio", "http://127.0.0.1:8080", SECRET)
    assert SECRET not in repr(entry)


def test_the_default_tool_is_the_folder(tmp_path):
    assert load_hosts(_hosts(tmp_path, {})).one("imglabeling").tool == "folder"


def test_dry_push_names_the_label_studio_project_and_contacts_nothing(repo):
    dead = f"http://127.0.0.1:{free_port()}"
    repo.write_hosts({"imglabeling": {"host": "local", "tool": "labelstudio", "url": dead, "token_env": TOKEN_ENV}})
    out = repo.inv("--dry", "imglabeling.push", "close", check=True).stdout
    assert f"Label Studio {dead}, project 'dlimgmgr close'" in out
