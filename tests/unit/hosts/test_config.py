"""hosts.yaml and secrets.yaml refused with one line naming the file: bad bytes, numbers that
would be truncated, values a remote shell would read as options."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import DEFAULT_TIMEOUT, load_hosts


def hosts_file(tmp_path: Path, pytorch: dict) -> Path:
    path = tmp_path / "hosts.yaml"
    path.write_text(yaml.safe_dump({"roles": {"pytorch": {"host": "192.0.2.1", **pytorch}}}))
    return path


def refusal(path: Path) -> str:
    with pytest.raises(UserError) as exc:
        load_hosts(path)
    line = str(exc.value)
    assert "\n" not in line and str(path) in line
    return line


def test_non_utf8_bytes_in_hosts_yaml_are_one_line_naming_the_file(tmp_path):
    path = tmp_path / "hosts.yaml"
    path.write_bytes(b"roles:\n  pytorch: {host: caf\xe9}\n")
    assert "is not UTF-8 text (byte" in refusal(path)


def test_non_utf8_bytes_in_secrets_yaml_are_one_line_naming_that_file(tmp_path):
    path = hosts_file(tmp_path, {"password_env": "PT_PASS"})
    secrets = tmp_path / "secrets.yaml"
    secrets.write_bytes(b"PT_PASS: \xff\xfe\n")
    secrets.chmod(0o600)
    with pytest.raises(UserError, match=r"secrets.yaml: secrets file is not UTF-8 text"):
        load_hosts(path)


@pytest.mark.parametrize("port", [22.7, "22.7", True, 0, 70000, "ssh"])
def test_a_port_that_is_not_a_whole_number_in_range_is_refused(tmp_path, port):
    assert "port must be a whole number 1-65535" in refusal(hosts_file(tmp_path, {"port": port}))


def test_a_quoted_port_number_is_still_accepted(tmp_path):
    assert load_hosts(hosts_file(tmp_path, {"port": "2222"})).one("pytorch").port == 2222


@pytest.mark.parametrize("key", ["target_home", "dataset_dir", "python"])
def test_a_path_starting_with_a_dash_is_refused(tmp_path, key):
    line = refusal(hosts_file(tmp_path, {key: "-evil"}))
    assert f"{key} '-evil' starts with '-'" in line and "./evil" in line


def test_a_path_with_a_newline_is_refused(tmp_path):
    assert "holds a newline" in refusal(hosts_file(tmp_path, {"target_home": "a\nrm -rf ~"}))


def test_timeout_defaults_and_is_read_per_host(tmp_path):
    assert load_hosts(hosts_file(tmp_path, {})).one("pytorch").timeout == DEFAULT_TIMEOUT
    assert load_hosts(hosts_file(tmp_path, {"timeout": 2.5})).one("pytorch").timeout == 2.5


@pytest.mark.parametrize("timeout", [0, -1, "abc", True])
def test_a_timeout_that_is_not_a_positive_number_is_refused(tmp_path, timeout):
    assert "timeout must be a number of seconds > 0" in refusal(hosts_file(tmp_path, {"timeout": timeout}))
