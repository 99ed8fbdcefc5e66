"""The one verdict on an offered annotation (lib/labeling/verdict.py), on a copy of the sample
`kanji` project's real JPEGs. The one place that picks the labeling tool is in test_tool.py."""
from __future__ import annotations

from dataclasses import replace

import pytest

from tests.helpers.repo import make_repo
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.hashing import sha256_bytes, sha256_file
from dlimgmgr_tasks.lib.labeling import verdict
from dlimgmgr_tasks.lib.labeling.studio.convert import annotation_of, to_result
from dlimgmgr_tasks.lib.workspace import Workspace

STEM = "kanji_c000"


@pytest.fixture
def carrier(tmp_path):
    repo = make_repo(tmp_path)
    ws = Workspace.at(repo.path)
    project = ws.project("kanji")
    image = project.master / f"{STEM}.jpg"
    return ws, project, image, image.with_suffix(".xml")


def _offer(project, image, ann, person=None):
    shown = f"offered {STEM}"
    return verdict.Candidate(ann, verdict.check(ann, image, project.classes, shown), "there/x.xml",
                             "the labeling side's", keep={"remote": {"x.xml": "sha"}}, person=person)


def _moved(ann: voc.Annotation, dx: int) -> voc.Annotation:
    first = ann.objects[0]
    return replace(ann, objects=[replace(first, xmin=first.xmin + dx, xmax=first.xmax + dx)] + ann.objects[1:])


def test_refuse_names_every_problem_and_leaves_master_and_record_alone(carrier):
    _, project, image, xml = carrier
    before, entry = xml.read_bytes(), {"xml": sha256_file(xml)}
    bad = _moved(voc.parse(before), 1000)   # a box far outside the 400x400 image
    result = verdict.PullResult("kanji", "there")
    assert verdict.judge(project, image, _offer(project, image, bad), entry, result) == verdict.REFUSE
    assert xml.read_bytes() == before and entry == {"xml": sha256_file(xml)}
    assert result.refused_files == [xml.name] and "offered kanji_c000" in result.refused[0]
    assert "outside" in result.refused[0] and not result.ok


def test_confirm_records_the_person_who_saved_the_boxes_as_they_were(carrier):
    _, project, image, xml = carrier
    before = xml.read_bytes()
    same = voc.parse(before)
    result = verdict.PullResult("kanji", "there")
    entry = {"xml": sha256_bytes(before)}
    person = verdict.Person("user 7", "2026-12-07T02:00:00Z")
    got = verdict.judge(project, image, _offer(project, image, same, person), entry, result)
    assert got == verdict.CONFIRM and xml.read_bytes() == before
    assert result.confirmed == [f"{xml.name}: saved by a person with the boxes as they were (from there/x.xml)"]
    assert entry["person"] == {"by": "user 7", "at": "2026-12-07T02:00:00Z"}
    assert entry["checked"] == sha256_file(image) and entry["remote"] == {"x.xml": "sha"}


def test_take_rewrites_master_as_our_voc_and_says_what_moved(carrier):
    _, project, image, xml = carrier
    before = xml.read_bytes()
    entry = {"xml": sha256_bytes(before), "conflict": True, "person": {"by": "user 1"}}   # an earlier person
    result = verdict.PullResult("kanji", "there")
    got = verdict.judge(project, image, _offer(project, image, _moved(voc.parse(before), 3)), entry, result)
    assert got == verdict.TAKE
    taken = voc.parse(xml.read_bytes())
    assert taken.objects[0].xmin == voc.parse(before).objects[0].xmin + 3
    assert xml.read_bytes() == voc.dumps(taken) and entry["xml"] == sha256_file(xml)
    assert "conflict" not in entry and "person" not in entry
    assert "1 moved" in result.taken[0] and result.ok


def test_conflict_keeps_both_sides_until_a_person_merges(carrier):
    _, project, image, xml = carrier
    before = xml.read_bytes()
    entry = {"xml": "the sha of what was pushed, since changed here"}
    result = verdict.PullResult("kanji", "there")
    got = verdict.judge(project, image, _offer(project, image, _moved(voc.parse(before), 3)), entry, result)
    waiting = project.master / f"{STEM}.remote.xml"
    assert got == verdict.CONFLICT and xml.read_bytes() == before and waiting.is_file()
    assert entry["conflict"] is True and "the labeling side's version is in" in result.conflicts[0]
    again = verdict.PullResult("kanji", "there")
    verdict.still_waiting(project, STEM, entry, again)
    assert "still waits" in again.conflicts[0]
    waiting.unlink()   # merged by the person
    verdict.still_waiting(project, STEM, entry, verdict.PullResult("kanji", "there"))
    assert "conflict" not in entry


def test_label_studio_json_becomes_the_annotation_with_master_flags_kept(carrier):
    _, project, image, xml = carrier
    master = voc.parse(xml.read_bytes())
    master.objects[0] = replace(master.objects[0], difficult=1, pose="Left")
    result = [to_result(o, 400, 400, f"r{i}") for i, o in enumerate(master.objects)]
    ann = annotation_of(result, image.name, 400, 400, master.objects)
    assert ann.objects == [replace(o, xmin=int(o.xmin), ymin=int(o.ymin), xmax=int(o.xmax), ymax=int(o.ymax))
                           for o in master.objects]
    assert verdict.check(ann, image, project.classes, "task 1") == []
    moved = annotation_of([{**result[0], "value": {**result[0]["value"], "x": 50.0}}], image.name, 400, 400,
                          master.objects)
    assert (moved.objects[0].difficult, moved.objects[0].pose) == (0, "Unspecified")   # a changed box: no flags
