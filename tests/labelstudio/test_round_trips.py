"""Five push / accept / pull round trips through a real Label Studio leave an untouched box where it was.

Each round changes the master here (another box's `pose`, which Label Studio does not carry) so
that push sends the pre-label again; the person accepts the prediction as it is; pull confirms it.
"""
from __future__ import annotations

import pytest

from dataclasses import replace

from dlimgmgr_tasks.lib import voc

from tests.helpers.labelstudio import pixel_boxes, Person, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

NAME = "lstrips"
STEM = "kanji_c006"


def _touch_here(xml) -> None:
    """A change here that only the pose of the last box shows: push must send the pre-label again."""
    ann = voc.read(xml)
    last = ann.objects[-1]
    ann.objects[-1] = replace(last, pose="Left" if last.pose != "Left" else "Right")
    voc.write(xml, ann)


def test_an_untouched_box_is_0_px_off_after_five_round_trips(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, NAME)
    xml = repo.project(NAME) / "master" / f"{STEM}.xml"
    start = pixel_boxes(xml)
    person = None
    for round_trip in range(5):
        _touch_here(xml)
        push = repo.inv("imglabeling.push", NAME, check=True).stdout
        assert "pre-label(s) as predictions" in push, push
        person = person or Person(label_studio, NAME)
        person.submit(STEM, person.prediction(STEM))
        pull = repo.inv("imglabeling.pull", NAME, check=True).stdout
        assert f"{STEM}.xml: submitted by a person with the boxes as they were" in pull, (round_trip, pull)
        assert pixel_boxes(xml) == start, round_trip
