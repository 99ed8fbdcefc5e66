"""VOC pixel boxes <-> Label Studio percent results: exact to the pixel, and the labeling config."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.helpers.repo import ROOT
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.labeling.studio.config import labeling_config
from dlimgmgr_tasks.lib.labeling.studio.convert import boxes_of, to_result

SAMPLES = sorted((ROOT / "projects").glob("*/master/*_c*.xml"))


def _trip(obj: voc.VocObject, width: int, height: int) -> voc.VocObject:
    """One push and pull through Label Studio's JSON (floats as JSON carries them)."""
    item = json.loads(json.dumps(to_result(obj, width, height, "r")))
    name, *edges = boxes_of([item], width, height)[0]
    return voc.VocObject(name, *edges)


@pytest.mark.parametrize("size", [(400, 400), (64, 64), (333, 217), (1920, 1080)])
def test_every_sample_box_is_0_px_off_after_five_round_trips(size):
    width, height = size
    for xml in SAMPLES:
        for obj in voc.read(xml).objects:
            # the sample boxes scaled into this size, whole pixels
            start = voc.VocObject(obj.name, max(1, obj.xmin * width // 400), max(1, obj.ymin * height // 400),
                                  max(1, obj.xmax * width // 400), max(1, obj.ymax * height // 400))
            got = start
            for _ in range(5):
                got = _trip(got, width, height)
            assert got == start, (xml.name, start, got)


def test_a_voc_box_becomes_its_0_based_edges_in_percent():
    value = to_result(voc.VocObject("close", 1, 1, 32, 16), 400, 200, "r")["value"]
    assert (value["x"], value["y"], value["width"], value["height"]) == (0, 0, 8, 8)


def test_a_rotated_box_comes_back_as_the_upright_box_around_it():
    item = {"original_width": 100, "original_height": 100, "value": {
        "x": 50, "y": 10, "width": 20, "height": 10, "rotation": 90, "rectanglelabels": ["ki"]}}
    assert boxes_of([item], 100, 100) == [("ki", 41, 11, 50, 30)]


def test_results_that_are_not_boxes_are_left_out():
    assert boxes_of([{"type": "choices", "value": {"choices": ["x"]}}], 100, 100) == []


def test_the_labeling_config_offers_every_class_on_the_image():
    root = ET.fromstring(labeling_config(["yama", "kawa", 'a"b']))
    rect = root.find("RectangleLabels")
    assert root.find("Image").get("value") == "$image" and rect.get("toName") == "image"
    assert [label.get("value") for label in rect] == ["yama", "kawa", 'a"b']
