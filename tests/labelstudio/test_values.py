"""Values a real Label Studio accepts and stores, that no box can be made of: pull refuses each in one
line naming the task and the field, keeps those masters byte-identical, and still takes the good
annotation of another task."""
from __future__ import annotations

import pytest

from tests.helpers.labelingdata import snapshot
from tests.helpers.labelstudio import Person, moved, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

NAME = "lsvalues"


def _spoil(item: dict, where: str, key: str, value) -> dict:
    (item["value"] if where == "value" else item)[key] = value
    return item


BAD = {"kanji_c000": ("value", "x", None, "result[0].value.x is null"),
       "kanji_c001": ("value", "x", "7", 'result[0].value.x is "7"'),
       "kanji_c002": ("value", "x", 1e308, "result[0].value.x is 1e+308"),
       "kanji_c003": ("value", "rotation", "30", 'result[0].value.rotation is "30"'),
       "kanji_c004": ("item", "original_width", "400", 'result[0].original_width is "400"'),
       "kanji_c005": ("value", "rectanglelabels", "kawa", 'result[0].value.rectanglelabels is "kawa"')}


@pytest.fixture(scope="module")
def pulled(label_studio, tmp_path_factory):
    repo = studio_repo(label_studio, tmp_path_factory.mktemp("studio-values"), NAME)
    master = repo.project(NAME) / "master"
    repo.inv("imglabeling.push", NAME, check=True)
    person = Person(label_studio, NAME, master)
    ids = {}
    for stem, (where, key, value, _) in BAD.items():
        result = person.prediction(stem)
        result[0] = _spoil(result[0], where, key, value)
        ids[stem] = person.submit(stem, result)["id"]
        assert person.task(stem)["annotations"], f"Label Studio did not store {stem}'s annotation"
    good = person.prediction("kanji_c006")
    good[0] = moved(good[0], 4, 0)
    person.submit("kanji_c006", good)
    before = snapshot(master)
    proc = repo.inv("imglabeling.pull", NAME, check=False)
    return proc, before, snapshot(master), {s: person.task(s)["id"] for s in BAD}


@pytest.mark.parametrize("stem", sorted(BAD))
def test_each_bad_field_is_one_line_naming_the_task_and_the_master_is_kept(pulled, stem):
    proc, before, after, tasks = pulled
    lines = [x for x in proc.stdout.splitlines() if f"task {tasks[stem]} ({stem})" in x]
    assert len(lines) == 1 and BAD[stem][3] in lines[0], proc.stdout
    assert after[f"{stem}.xml"] == before[f"{stem}.xml"]


def test_the_good_task_is_still_taken_and_nothing_is_a_traceback(pulled):
    proc, before, after, _ = pulled
    assert "kanji_c006.xml: 1 moved" in proc.stdout and "1 taken" in proc.stdout
    assert after["kanji_c006.xml"] != before["kanji_c006.xml"]
    assert "Traceback" not in proc.stdout + proc.stderr
