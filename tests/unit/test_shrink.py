"""dlimgmgr_tasks/lib/shrink.py: a profile's resize that leaves objects too small to learn from."""
import pytest

from dlimgmgr_tasks.lib import shrink, voc
from dlimgmgr_tasks.lib.errors import UserError


def test_carriers_shrunk_below_the_threshold_warn_with_the_fix(ws, make_project, jpeg, annotation):
    project = make_project()
    small = ws.with_profile("resnet34")          # 64x64
    project.workspace = small
    image = jpeg(project.master / "close_c000.jpg", (400, 400))
    xml = project.master / "close_c000.xml"
    voc.write(xml, annotation("close_c000.jpg", (400, 400), ("close", 1, 1, 32, 32), ("close", 1, 1, 200, 200)))
    line = shrink.shrink_warning(project, [(image, xml)])
    assert line.startswith("close: profile resnet34 (64x64) resizes the 400x400 carriers so that 1 of 2 object(s)")
    assert "inv dataaug.compose close --profile resnet34" in line


def test_no_resize_or_big_enough_objects_say_nothing(ws, make_project, jpeg, annotation):
    project = make_project()
    image = jpeg(project.master / "close_c000.jpg", (400, 400))
    xml = project.master / "close_c000.xml"
    voc.write(xml, annotation("close_c000.jpg", (400, 400), ("close", 1, 1, 32, 32)))
    assert shrink.shrink_warning(project, [(image, xml)]) is None   # ssd: 400x400, no resize


def test_the_threshold_is_a_setting(ws):
    assert shrink.min_object_px(ws) == shrink.MIN_OBJECT_PX
    ws.settings["build"] = {"min_object_px": "big"}
    with pytest.raises(UserError, match="min_object_px must be a number"):
        shrink.min_object_px(ws)
