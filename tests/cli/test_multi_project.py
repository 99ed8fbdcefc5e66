"""Several projects per verb: compose, preview, push, pull and status take a repeatable `-p NAME`
(no name: every project), keep the positional NAME, and still chain on one command line."""
from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.repo import make_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("multi"))


def labeling_master(repo, name: str) -> Path:
    return repo.path.parent / "labeling" / "projects" / name / "master"


def test_compose_two_projects_then_push_one_on_one_command_line(repo):
    out = repo.inv("dataaug.compose", "-p", "close", "-p", "kanji", "imglabeling.push", "-p", "close",
                   check=True).stdout
    assert "close" in out and "kanji" in out, out
    assert sorted(p.name for p in labeling_master(repo, "close").glob("*.jpg")) == \
        sorted(p.name for p in (repo.project("close") / "master").glob("close_c*.jpg"))
    assert not labeling_master(repo, "kanji").exists()   # only -p close was pushed


def test_positional_name_still_chains(repo):
    repo.inv("dataaug.compose", "kanji", "imglabeling.push", "kanji", check=True)
    assert list(labeling_master(repo, "kanji").glob("kanji_c*.jpg"))


def test_status_and_pull_with_no_name_cover_every_project(repo):
    status = repo.inv("imglabeling.status", check=True).stdout
    rows = [ln.split()[0] for ln in status.splitlines()[1:]]
    assert rows == ["close", "kanji"], status
    assert [ln.split()[0] for ln in repo.inv("imglabeling.status", "-p", "kanji", check=True).stdout.splitlines()[1:]] \
        == ["kanji"]
    assert [ln.split()[0] for ln in repo.inv("imglabeling.status", "close", check=True).stdout.splitlines()[1:]] \
        == ["close"]
    out = repo.inv("imglabeling.pull", "imglabeling.status", check=True).stdout
    assert "close" in out and "kanji" in out, out


def test_preview_name_and_repeated_flag_give_one_sheet_each(repo):
    out = repo.inv("dataaug.preview", "close", "-p", "kanji", "-p", "close", check=True).stdout
    sheets = [ln for ln in out.splitlines() if ln.endswith(".png")]
    assert [Path(s).name for s in sheets] == ["close-master.png", "kanji-master.png"]
    assert all(Path(s).is_file() for s in sheets)


def test_dry_compose_of_every_project_plans_each(repo):
    out = repo.inv("--dry", "dataaug.compose", check=True).stdout
    assert "carrier(s) of close" in out and "carrier(s) of kanji" in out, out


def test_unknown_project_among_several_is_one_line(repo):
    proc = repo.inv("dataaug.compose", "-p", "close", "-p", "nosuch", check=False)
    assert "nosuch" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
