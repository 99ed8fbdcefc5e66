"""A carrier changed here and on the labeling side: neither is overwritten, the labeling side's
version waits beside the master, push holds the carrier back until a person merges it. Runs on a
local labeling role and over the real sshd (labelingdata.labeling_side); each test checks one thing."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from dlimgmgr_tasks.lib import voc
from tests.helpers import labelingdata
from tests.helpers.labelingdata import boxes, labelimg_xml, status_row

labeling_side = labelingdata.labeling_side   # the fixture: a local and an SSH labeling host

PROJECT, STEM = "close", "close_c000"


@pytest.fixture(scope="module")
def conflicted(labeling_side):
    repo, side = labeling_side.repo, labeling_side.master(PROJECT)
    xml = repo.project(PROJECT) / "master" / f"{STEM}.xml"
    repo.inv("imglabeling.push", PROJECT, check=True)
    (name, x0, y0, x1, y1), = boxes(xml)
    here = voc.read(xml)
    here.objects = [voc.VocObject(name, x0 - 1, y0, x1, y1)]
    voc.write(xml, here)
    theirs_box = (name, x0 + 2, y0, x1, y1)
    (side / f"{STEM}.xml").write_bytes(labelimg_xml(side / f"{STEM}.jpg", [theirs_box]))
    mine, theirs = xml.read_bytes(), (side / f"{STEM}.xml").read_bytes()
    proc = repo.inv("imglabeling.pull", PROJECT, check=False)
    check = repo.inv("dlimgmgr.check", "--project", PROJECT, check=False)
    return SimpleNamespace(mine=mine, theirs=theirs, theirs_box=theirs_box, out=proc.stdout, err=proc.stderr,
                           master_after=xml.read_bytes(), side_after=(side / f"{STEM}.xml").read_bytes(),
                           waiting=boxes(xml.with_name(f"{STEM}.remote.xml")), status=status_row(repo, PROJECT),
                           check=check.stdout + check.stderr)


@pytest.fixture(scope="module")
def held(labeling_side, conflicted):
    repo, side = labeling_side.repo, labeling_side.master(PROJECT)
    out = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    return SimpleNamespace(push=out, side=(side / f"{STEM}.xml").read_bytes(),
                           pull=repo.inv("imglabeling.pull", PROJECT, check=False).stdout)


@pytest.fixture(scope="module")
def resolved(labeling_side, held):
    repo, side = labeling_side.repo, labeling_side.master(PROJECT)
    (repo.project(PROJECT) / "master" / f"{STEM}.remote.xml").unlink()   # the person kept ours
    pull = repo.inv("imglabeling.pull", PROJECT, check=True).stdout
    status = status_row(repo, PROJECT)
    push = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    return SimpleNamespace(pull=pull, status=status, push=push, side=(side / f"{STEM}.xml").read_bytes())


def test_pull_of_a_file_changed_on_both_sides_reports_a_conflict_and_exits_1(conflicted):
    assert f"conflict: {STEM}.xml changed here since the push" in conflicted.out
    assert "1 conflict(s)" in conflicted.err


def test_a_conflict_overwrites_neither_side(conflicted):
    assert conflicted.master_after == conflicted.mine and conflicted.side_after == conflicted.theirs


def test_a_conflict_keeps_the_labeling_sides_version_beside_the_master(conflicted):
    assert conflicted.waiting == [conflicted.theirs_box]


def test_status_counts_a_waiting_conflict(conflicted):
    assert conflicted.status["conflicts"] == "1"


def test_check_names_an_unresolved_conflict(conflicted):
    assert f"{STEM}.remote.xml: unresolved labeling conflict over {STEM}.xml" in conflicted.check


def test_push_holds_back_a_carrier_in_conflict(held, conflicted):
    assert f"{STEM} not sent: conflict not resolved" in held.push
    assert held.side == conflicted.theirs


def test_pull_reminds_of_a_conflict_that_still_waits(held):
    assert "still waits" in held.pull


def test_deleting_the_waiting_copy_resolves_the_conflict(resolved):
    assert "no changes on the labeling side" in resolved.pull
    assert resolved.status["conflicts"] == "0"


def test_after_the_conflict_is_resolved_push_sends_the_master(resolved, conflicted):
    assert "sent 0 image(s) and 1 annotation(s)" in resolved.push
    assert resolved.side == conflicted.mine
