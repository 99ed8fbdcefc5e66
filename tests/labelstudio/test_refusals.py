"""Pull from a real Label Studio refuses a broken annotation by name and keeps today's conflict rule.

Staged once (module scope): push the kanji sample; a person submits a box outside the image on
one carrier, a class the project does not have on another, and moves a box on a third whose
master was edited here since the push; then one pull (exit 1) and one push.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from dlimgmgr_tasks.lib import voc
from tests.helpers.labelingdata import snapshot
from tests.helpers.labelstudio import Person, box, moved, named, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

NAME = "lsrefuse"


@dataclass
class Staged:
    master: Path
    before: dict[str, bytes]
    pull: str
    push: str
    task: dict[str, int]


def _edit_here(xml: Path) -> None:
    """Someone edits the master here after the push: the first box grows by one pixel."""
    ann = voc.read(xml)
    ann.objects[0] = replace(ann.objects[0], xmax=ann.objects[0].xmax + 1)
    voc.write(xml, ann)


@pytest.fixture(scope="module")
def staged(label_studio, tmp_path_factory) -> Staged:
    repo = studio_repo(label_studio, tmp_path_factory.mktemp("studio-refuse"), NAME)
    master = repo.project(NAME) / "master"
    repo.inv("imglabeling.push", NAME, check=True)
    person = Person(label_studio, NAME)
    person.submit("kanji_c000", person.prediction("kanji_c000") + [box("ki", 380, 10, 420, 50)])
    person.submit("kanji_c001", person.prediction("kanji_c001") + [box("maru", 10, 10, 40, 40)])
    result = person.prediction("kanji_c002")
    result[result.index(named(result, "ki"))] = moved(named(result, "ki"), 2, 2)
    person.submit("kanji_c002", result)
    _edit_here(master / "kanji_c002.xml")
    before = snapshot(master)
    pull = repo.inv("imglabeling.pull", NAME, check=False).stdout
    push = repo.inv("imglabeling.push", NAME, check=True).stdout
    task = {s: person.task(s)["id"] for s in ("kanji_c000", "kanji_c001", "kanji_c002")}
    return Staged(master, before, pull, push, task)


def test_pull_refuses_a_box_outside_the_image_by_task_and_carrier(staged):
    line = next(x for x in staged.pull.splitlines() if f"task {staged.task['kanji_c000']} (kanji_c000)" in x)
    assert "refused" in line and "400" in line


def test_pull_refuses_a_class_the_project_does_not_have(staged):
    line = next(x for x in staged.pull.splitlines() if f"task {staged.task['kanji_c001']} (kanji_c001)" in x)
    assert "refused" in line and "maru" in line


def test_a_refused_annotation_leaves_its_master_byte_identical(staged):
    after = snapshot(staged.master)
    assert after["kanji_c000.xml"] == staged.before["kanji_c000.xml"]
    assert after["kanji_c001.xml"] == staged.before["kanji_c001.xml"]


def test_a_change_on_both_sides_is_kept_beside_as_remote_xml(staged):
    waiting = staged.master / "kanji_c002.remote.xml"
    assert waiting.is_file()
    assert (staged.master / "kanji_c002.xml").read_bytes() == staged.before["kanji_c002.xml"]
    assert "conflict: kanji_c002.xml changed here since the push" in staged.pull


def test_push_holds_a_carrier_whose_annotation_was_not_taken(staged):
    assert "kanji_c000 not sent: a person's annotation of task" in staged.push
    assert "kanji_c002 not sent: conflict not resolved" in staged.push
