"""lib/labeling/studio/push.py: what each carrier needs, decided from the record and the task (no server)."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hashing import sha256_file
from dlimgmgr_tasks.lib.labeling import record
from dlimgmgr_tasks.lib.labeling.studio.push import StudioPushResult, _plan, push


def test_plan_per_carrier(carriers, task):
    project = carriers(1)
    image = project.master / "close_c000.jpg"
    result = StudioPushResult("close", "LS")
    assert _plan(project, image, {}, None, result) == "upload"                 # no task there yet
    # what push records for a carrier it sent: the bytes sent and the task id Label Studio answered
    entry = {"image": sha256_file(image), "xml": sha256_file(image.with_suffix(".xml")),
             "studio": {"task": 4, "annotation": None}}
    assert _plan(project, image, entry, task(4), result) is None and result.in_sync == 1
    xml = image.with_suffix(".xml")
    xml.write_text(xml.read_text().replace("<xmin>3</xmin>", "<xmin>6</xmin>"))
    assert _plan(project, image, entry, task(4), result) == "predict"          # the pre-label changed
    submitted = task(4, [(2, "t", [("close", 1, 1, 9, 9)], False)])
    assert _plan(project, image, entry, submitted, result) is None             # a person's work waits
    assert "take it first: inv imglabeling.pull close" in result.lines()[-1]
    record.remote_copy(project, "close_c000").write_text("<annotation/>")
    assert _plan(project, image, {"conflict": True}, None, result) is None
    assert "conflict not resolved" in result.lines()[-1]


def test_result_lines():
    assert StudioPushResult("close", "LS").lines() == ["close: nothing changed since the last push; LS is up to date"]
    done = StudioPushResult("close", "LS", uploaded=["a.jpg"], predicted=["a.xml"], in_sync=3)
    assert done.lines() == ["close: sent 1 image(s) and 1 pre-label(s) as predictions to LS (3 carrier(s) already there)"]


def test_refusals_are_one_line(make_project, carriers, nowhere):
    with pytest.raises(UserError, match="no carrier images to send"):
        push(make_project("empty"), nowhere)
    with pytest.raises(UserError, match="cannot connect"):
        push(carriers(1), nowhere)
