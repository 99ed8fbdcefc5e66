"""A broken or mistyped invoke.yaml, which Invoke reads itself before any task of ours runs: one
line naming the file (and the key), exit 1, no traceback."""
from __future__ import annotations

import pytest

from tests.helpers.oneline import one_line_error


def inv_with_config(repo, text: bytes, *args: str):
    (repo.path / "invoke.yaml").write_bytes(text)
    return repo.inv(*(args or ("dlimgmgr.stats",)), check=False)


def test_a_yaml_scanner_error_is_one_line_naming_the_file_and_the_place(repo):
    line = one_line_error(inv_with_config(repo, b"dlimgmgr: [1\n"))
    assert f"{repo.path / 'invoke.yaml'}: not readable YAML" in line and "line 2, column 1" in line


def test_a_tab_indent_is_one_line_naming_the_file(repo):
    line = one_line_error(inv_with_config(repo, b"dlimgmgr:\n\tseed: 1\n"))
    assert "invoke.yaml: not readable YAML" in line and "'\\t'" in line


def test_bytes_that_are_not_utf8_are_one_line_naming_the_file(repo):
    line = one_line_error(inv_with_config(repo, b"dlimgmgr:\n  seed: \xff\xfe\n"))
    assert "invoke.yaml: not readable YAML" in line and "utf-8" in line


def test_a_file_that_is_not_a_mapping_is_one_line(repo):
    line = one_line_error(inv_with_config(repo, b"- dlimgmgr\n"))
    assert "invoke.yaml: must be a mapping of settings" in line


@pytest.mark.parametrize("text, key, want", [
    (b"dlimgmgr:\n  mix: 3\n", "dlimgmgr.mix", "a mapping"),              # Invoke's AmbiguousMergeError
    (b"dlimgmgr:\n  profiles: ssd\n", "dlimgmgr.profiles", "a mapping"),
    (b"dlimgmgr:\n  mix:\n    seed: {a: 1}\n", "dlimgmgr.mix.seed", "a single value"),
])
def test_a_value_of_the_wrong_kind_names_the_file_and_the_key(repo, text, key, want):
    line = one_line_error(inv_with_config(repo, text))
    assert f"invoke.yaml: {key} must be {want}" in line


def test_jobs_that_is_not_a_number_names_invoke_yaml_and_the_key_not_a_flag(repo):
    line = one_line_error(inv_with_config(repo, b"dlimgmgr:\n  jobs: many\n", "build"))
    assert "invoke.yaml: dlimgmgr.jobs must be a whole number" in line and "--jobs" not in line
