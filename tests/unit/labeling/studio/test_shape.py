"""lib/labeling/studio/shape.py: Label Studio's JSON checked by shape; each bad field is one line
naming the task, the bad task alone is left out, the good ones are kept."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.shape import (PROBLEMS, Bad, annotation_problems, number, prediction_ids,
                                                      task_list, whole)


def good(tid, **extra):
    ann = {"id": 10 + tid, "updated_at": "2026-01-01T00:00:00Z", "was_cancelled": False,
           "completed_by": {"id": 1}, "result": []}
    return {"id": tid, "data": {"image": f"/data/upload/{tid}.jpg"}, "annotations": [ann],
            "predictions": [{"id": 100 + tid}], **extra}


def test_good_tasks_are_kept_as_they_are():
    answer = [good(1), good(2)]
    tasks, lines = task_list(answer, "role imglabeling")
    assert tasks == {1: answer[0], 2: answer[1]} and lines == []
    assert prediction_ids(tasks[1]) == [101]


@pytest.mark.parametrize("field, value, said", [
    ("data", {"image": None}, "data.image is null, not a url"),
    ("annotations", "many", 'annotations is "many", not a list'),
    ("predictions", [{"id": "x"}], "predictions is not a list of predictions with ids"),
])
def test_a_bad_field_is_one_line_naming_the_task_and_only_that_task_is_left_out(field, value, said):
    tasks, lines = task_list([good(1), good(2, **{field: value})], "lab")
    assert tasks[1] == good(1)
    assert tasks[2] == {"id": 2, PROBLEMS: [f"task 2: {said}"]}
    assert lines == []


def test_each_bad_annotation_field_is_its_own_line():
    ann = {"id": "7", "updated_at": 5, "was_cancelled": "no", "completed_by": {"id": -1}, "result": "boxes"}
    problems = annotation_problems(ann)
    assert problems == ['id is "7", not a whole number from 1 to 4611686018427387904',
                        "updated_at is 5, not a time", 'was_cancelled is "no", not true or false',
                        "completed_by is -1, not a whole number from 0 to 4611686018427387904",
                        'result is "boxes", not a list of regions']
    tasks, _ = task_list([{**good(3), "annotations": [ann]}], "lab")
    assert all(line.startswith("task 3: annotations[0]: ") for line in tasks[3][PROBLEMS])
    assert annotation_problems(["not", "a", "dict"]) == ["is list, not an annotation"]


def test_tasks_without_an_id_are_counted_in_one_line():
    tasks, lines = task_list([good(1), {"id": None}, {"id": True}, "junk"], "role imglabeling")
    assert list(tasks) == [1]
    assert lines == ["role imglabeling: 3 task(s) in the task list have no id; left out (see Label Studio's "
                     "log there)"]


def test_an_answer_that_is_not_a_list_is_one_line():
    with pytest.raises(UserError, match=r'^lab: the task list is "<html>", not a list of tasks; check url'):
        task_list("<html>", "lab")
    with pytest.raises(UserError, match="the task list is dict"):
        task_list({"detail": "x"}, "lab")


def test_numbers_refuse_strings_bools_infinities_and_values_out_of_range():
    assert number(12.5, "x", 0, 100) == 12.5 and whole(3.0, "n", 1, 9) == 3
    for bad in ("7", True, None, float("inf"), float("nan"), 1e308, -1):
        with pytest.raises(Bad, match="^x is .*, not a number from 0 to 1000$"):
            number(bad, "x", 0, 1000)
    with pytest.raises(Bad, match=r"^n is \"a{36}\.\.\., not a whole number"):   # a long value is cut in the line
        whole("a" * 100, "n", 1, 9)
    with pytest.raises(Bad):
        whole(2.5, "n", 1, 9)
