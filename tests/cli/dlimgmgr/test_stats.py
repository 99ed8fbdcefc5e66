"""inv dlimgmgr.stats: the tables, --json, and pre-labels and stale mixes in a real checkout.
The library's counting is in tests/unit/test_stats.py."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.helpers.statsdata import make_counted_project


@pytest.fixture
def counted_repo(repo):
    for p in (repo.path / "projects").iterdir():
        if p.name != "common":
            shutil.rmtree(p)
    make_counted_project(repo.path)
    return repo


def test_the_stats_task_prints_the_tables(counted_repo):
    proc = counted_repo.inv("dlimgmgr.stats", check=True)
    assert proc.stdout.splitlines()[1].split() == ["tp", "0", "2", "2", "0", "1"]
    assert "splits of mix voc (dist/voc.manifest.json, the newest):" in proc.stdout


def test_the_stats_task_prints_json_with_json(counted_repo):
    data = json.loads(counted_repo.inv("dlimgmgr.stats", "--json", check=True).stdout)
    assert data["projects"][0]["classes"]["tp"]["master"]["objects"] == 3
    assert data["manifest"]["counts"]["val"] == 2


def test_untouched_pre_labels_are_not_counted_as_labelled_and_a_rebuilt_project_makes_the_mix_stale(repo):
    # The sample carriers are compose's pre-labels, untouched: none is labelled by a person yet.
    row = next(ln.split() for ln in repo.inv("dlimgmgr.stats", check=True).stdout.splitlines()
               if ln.startswith("close "))
    assert row[:5] == ["close", "1", "8", "0", "8"], row
    repo.inv("build", "--project", "close", check=True)
    repo.inv("mix", "--projects", "close", "--name", "first", check=True)
    out = repo.inv("dlimgmgr.stats", check=True).stdout
    assert "splits of mix first (dist/first.manifest.json, the newest):" in out and "stale" not in out
    later = (repo.path / "dist" / "first.manifest.json").stat().st_mtime + 5   # as a rebuild after the mix
    os.utime(repo.project("close") / "build" / ".fingerprint.json", (later, later))
    out = repo.inv("dlimgmgr.stats", check=True).stdout
    assert "note: mix first is stale: projects/close/build was rebuilt after it; mix again: inv mix --name first" \
        in out, out
