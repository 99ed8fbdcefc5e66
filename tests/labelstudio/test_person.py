"""A person labels in a real Label Studio after a push; pull takes each change exactly and says so.

One staged scenario (module scope): push the kanji sample, then through the API accept one
pre-label, move one box, add one, delete one, rename one, skip one task, leave the rest alone,
and pull once. Each test looks at one outcome of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.labelingdata import snapshot
from tests.helpers.labelstudio import pixel_boxes, Person, box, moved, named, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

NAME = "lsperson"


@dataclass
class Scenario:
    master: Path
    before: dict[str, bytes]
    push: str
    pull: str
    status: str


def _work(person: Person) -> None:
    """What the person does in the editor, one carrier each."""
    person.submit("kanji_c000", person.prediction("kanji_c000"))          # accepted as it was
    result = person.prediction("kanji_c001")
    result[result.index(named(result, "hi"))] = moved(named(result, "hi"), 5, 3)
    person.submit("kanji_c001", result)
    person.submit("kanji_c002", person.prediction("kanji_c002") + [box("ki", 9, 9, 40, 40)])
    person.submit("kanji_c003", [i for i in person.prediction("kanji_c003")
                                 if i["value"]["rectanglelabels"] != ["kawa"]])
    result = person.prediction("kanji_c004")
    named(result, "yama")["value"]["rectanglelabels"] = ["hi"]
    person.submit("kanji_c004", result)
    person.skip("kanji_c005")


@pytest.fixture(scope="module")
def scenario(label_studio, tmp_path_factory) -> Scenario:
    repo = studio_repo(label_studio, tmp_path_factory.mktemp("studio-person"), NAME)
    master = repo.project(NAME) / "master"
    before = snapshot(master)
    push = repo.inv("imglabeling.push", NAME, check=True).stdout
    _work(Person(label_studio, NAME))
    pull = repo.inv("imglabeling.pull", NAME, check=True).stdout
    status = repo.inv("imglabeling.status", "--project", NAME, check=True).stdout
    return Scenario(master, before, push, pull, status)


def _line(scenario: Scenario, xml: str) -> str:
    return next(line for line in scenario.pull.splitlines() if line.startswith(f"{NAME}: {xml}:"))


def test_push_sends_every_carrier_with_its_pre_label_as_a_prediction(scenario):
    assert "sent 8 image(s) and 8 pre-label(s) as predictions" in scenario.push


def test_an_accepted_pre_label_is_confirmed_and_its_master_kept_byte_identical(scenario):
    assert "with the boxes as they were" in _line(scenario, "kanji_c000.xml")
    assert (scenario.master / "kanji_c000.xml").read_bytes() == scenario.before["kanji_c000.xml"]


def test_a_moved_box_is_reported_and_taken_to_the_pixel(scenario):
    old = {b[0]: b for b in pixel_boxes(scenario.before["kanji_c001.xml"])}
    new = {b[0]: b for b in pixel_boxes(scenario.master / "kanji_c001.xml")}
    _, x0, y0, x1, y1 = old["hi"]
    assert new["hi"] == ("hi", x0 + 5, y0 + 3, x1 + 5, y1 + 3)
    assert f"1 moved (hi {x0},{y0}-{x1},{y1} -> {x0 + 5},{y0 + 3}-{x1 + 5},{y1 + 3})" in _line(scenario, "kanji_c001.xml")


def test_the_boxes_nobody_moved_keep_every_pixel(scenario):
    old = [b for b in pixel_boxes(scenario.before["kanji_c001.xml"]) if b[0] != "hi"]
    assert old == [b for b in pixel_boxes(scenario.master / "kanji_c001.xml") if b[0] != "hi"]


def test_an_added_box_is_reported_and_taken_1_based(scenario):
    assert ("ki", 10, 10, 40, 40) in pixel_boxes(scenario.master / "kanji_c002.xml")
    assert "1 added (ki 10,10-40,40)" in _line(scenario, "kanji_c002.xml")


def test_a_deleted_box_is_reported_and_gone(scenario):
    assert "kawa" not in [b[0] for b in pixel_boxes(scenario.master / "kanji_c003.xml")]
    assert "1 removed (kawa " in _line(scenario, "kanji_c003.xml")


def test_a_renamed_box_is_reported_and_keeps_its_place(scenario):
    old = next(b for b in pixel_boxes(scenario.before["kanji_c004.xml"]) if b[0] == "yama")
    assert ("hi", *old[1:]) in pixel_boxes(scenario.master / "kanji_c004.xml")
    assert f"1 renamed (yama -> hi at {old[1]},{old[2]}-{old[3]},{old[4]})" in _line(scenario, "kanji_c004.xml")


def test_tasks_nobody_annotated_or_skipped_are_left_alone(scenario):
    for stem in ("kanji_c005", "kanji_c006", "kanji_c007"):
        assert (scenario.master / f"{stem}.xml").read_bytes() == scenario.before[f"{stem}.xml"]
    assert "3 task(s) not annotated yet" in scenario.pull


def test_status_counts_tasks_annotated_and_pre_label_only_and_names_the_annotator(scenario):
    header, row = scenario.status.splitlines()[:2]
    got = dict(zip(header.split(), row.split()))
    assert (got["tasks"], got["annotated"], got["pre-label-only"], got["changed-since-push"], got["conflicts"]) \
        == ("8", "5", "3", "0", "0")
    assert got["last-by"] == "labeler@example.com" and got["last-at"].endswith("Z")
