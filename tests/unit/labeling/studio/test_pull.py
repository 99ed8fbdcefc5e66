"""lib/labeling/studio/pull.py: a submitted annotation as the verdict's candidate (no server needed)."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.pull import StudioPullResult, candidate, incoming, person_of, pull


def test_candidate_from_a_submitted_annotation(carriers, task):
    project = carriers(1)
    image = project.master / "close_c000.jpg"
    t = task(5, [(9, "2026-01-02T03:04:05Z", [("close", 4, 4, 30, 20)], False)])
    ann = t["annotations"][0]
    cand = candidate(project, image, t, ann, "LS task 5 (close_c000)")
    (obj,) = cand.annotation.objects
    assert (obj.name, obj.xmin, obj.ymin, obj.xmax, obj.ymax) == ("close", 4, 4, 30, 20)
    assert cand.problems == [] and cand.origin == "task 5, annotation 9" and cand.saved == "submitted"
    assert cand.keep == {"studio": {"task": 5, "annotation": "9@2026-01-02T03:04:05Z"}}
    assert cand.person.who == "user 7" and cand.person.when == "2026-01-02T03:04:05Z"


def test_a_box_outside_the_image_or_an_unknown_class_is_a_problem(carriers, task):
    project = carriers(1)
    image = project.master / "close_c000.jpg"
    t = task(5, [(9, "t", [("nope", 4, 4, 30, 20)], False)])
    cand = candidate(project, image, t, t["annotations"][0], "LS")
    assert cand.problems and "nope" in str(cand.problems[0])
    assert incoming(image, {"result": []}).objects == []


def test_person_of():
    assert person_of({"completed_by": 3, "updated_at": "x"}, {}).who == "user 3"
    assert person_of({"completed_by": {"id": 3}}, {3: "ann@example.org"}).who == "ann@example.org (user 3)"
    assert person_of({}, {}).who is None and person_of({"updated_at": ""}, {}).when is None


def test_result_lines_mention_tasks_not_annotated():
    result = StudioPullResult("close", "LS", unannotated=2)
    lines = result.lines()
    assert lines[0] == "close: 2 task(s) not annotated yet; left as they are"
    assert lines[-1].startswith("close: no changes on the labeling side")


def test_no_server_is_one_line(carriers, nowhere):
    with pytest.raises(UserError) as err:
        pull(carriers(1), nowhere)
    assert nowhere.url in str(err.value) and "cannot connect" in str(err.value) and "\n" not in str(err.value)
