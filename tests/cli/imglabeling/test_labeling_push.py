"""imglabeling.push after compose, only what changed, and the ways push and pull refuse cleanly
(on a local labeling role; the SSH side of the same code is in test_labeling.py)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.helpers.repo import make_repo
from dlimgmgr_tasks.lib import voc
from tests.helpers.labelingdata import boxes, labelimg_xml, snapshot, status_row

PROJECT = "close"


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    base = tmp_path_factory.mktemp("composed")
    repo = make_repo(base)
    side = base / "labeling" / "projects" / PROJECT / "master"
    out = repo.inv("dataaug.compose", PROJECT, "imglabeling.push", PROJECT, check=True).stdout
    record = json.loads((repo.project(PROJECT) / "master" / ".labeling.json").read_text())
    return SimpleNamespace(repo=repo, side=side, out=out, images=len(list(side.glob("*.jpg"))), record=record,
                           status=status_row(repo, PROJECT))


@pytest.fixture(scope="module")
def edited(composed):
    repo, side = composed.repo, composed.side
    xml = repo.project(PROJECT) / "master" / "close_c003.xml"
    ann = voc.read(xml)
    ann.objects = [voc.VocObject(o.name, o.xmin + 1, o.ymin, o.xmax, o.ymax) for o in ann.objects]
    voc.write(xml, ann)
    status = status_row(repo, PROJECT)
    mtimes = {p.name: p.stat().st_mtime_ns for p in side.iterdir()}
    out = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    return SimpleNamespace(status=status, out=out, master=xml.read_bytes(), side=(side / xml.name).read_bytes(),
                           touched=[p.name for p in side.iterdir() if p.stat().st_mtime_ns != mtimes.get(p.name)])


@pytest.fixture(scope="module")
def changed_there(composed, edited):
    side = composed.side
    (side / "close_c005.xml").write_bytes(labelimg_xml(side / "close_c005.jpg", [("close", 10, 10, 40, 40)]))
    out = composed.repo.inv("imglabeling.push", PROJECT, check=True).stdout
    return SimpleNamespace(out=out, boxes=boxes(side / "close_c005.xml"))


def test_compose_and_push_chain_on_one_command_line(composed):
    assert "sent 8 image(s) and 8 annotation(s)" in composed.out and composed.images == 8


def test_push_records_every_carrier_it_sent(composed):
    assert sorted(composed.record) == [f"close_c00{i}" for i in range(8)]


def test_status_after_a_push_counts_prelabels_and_nothing_changed(composed):
    row = composed.status
    assert (row["carriers"], row["pre-labelled"], row["checked"], row["changed-since-push"]) == ("8", "8", "0", "0")


def test_status_counts_a_master_xml_edited_since_the_push(edited):
    assert edited.status["changed-since-push"] == "1"


def test_push_sends_only_the_master_xml_that_changed(edited):
    assert "sent 0 image(s) and 1 annotation(s)" in edited.out
    assert edited.touched == ["close_c003.xml"] and edited.side == edited.master


def test_push_never_overwrites_a_change_not_pulled_yet(changed_there):
    assert "close_c005 not sent: its XML changed on the labeling side" in changed_there.out
    assert changed_there.boxes == [("close", 10, 10, 40, 40)]


def test_pull_before_any_push_says_to_push_first(repo):
    proc = repo.inv("imglabeling.pull", PROJECT, check=False)
    assert "nothing was pushed there yet" in proc.stderr and f"inv imglabeling.push {PROJECT}" in proc.stderr


def test_push_of_an_unknown_project_is_refused(repo):
    assert "project 'nope' not found" in repo.inv("imglabeling.push", "nope", check=False).stderr


@pytest.mark.parametrize("task", ["imglabeling.push", "imglabeling.pull"])
def test_an_unreachable_labeling_host_is_one_line_and_changes_nothing(repo, task):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    repo.write_hosts({"imglabeling": {"host": "127.0.0.1", "port": 9, "target_home": "labeling"}})
    master = snapshot(repo.project(PROJECT) / "master")
    lines = repo.inv(task, PROJECT, check=False).stderr.strip().splitlines()
    assert len(lines) == 1 and "role imglabeling host 127.0.0.1:9: connection refused" in lines[0], lines
    assert snapshot(repo.project(PROJECT) / "master") == master
