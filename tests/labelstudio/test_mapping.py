"""Task <-> carrier matching on a real Label Studio: the mapping push kept, never the stored name.

Label Studio stores `my shot (1).jpg` and `été_c001.jpg` under other names; push keeps the task
id it made for each, so a second push sends nothing and pull takes the boxes into the right XML.
A name Label Studio cannot take is refused at push in one line; an annotation on a task no
carrier owns is named; push asks again right before it replaces a task; pull takes boxes only onto
the picture they were drawn on; Ctrl-C during a pull leaves a record the rerun reads right.
"""
from __future__ import annotations

import os
import shutil
import signal
from dataclasses import replace

import pytest

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.labeling import verdict
from dlimgmgr_tasks.lib.labeling.studio.remote import Remote
from dlimgmgr_tasks.lib.labeling.tool import tool_for
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.labelingdata import snapshot
from tests.helpers.labelstudio import TOKEN_ENV, Person, moved, studio_repo
from tests.helpers.oneline import one_line_error

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)


def _rename(master, old: str, new: str) -> None:
    """A carrier given another name here (its image and XML, the XML's filename with it)."""
    (master / f"{old}.jpg").rename(master / f"{new}.jpg")
    voc.write(master / f"{new}.xml", replace(voc.read(master / f"{old}.xml"), filename=f"{new}.jpg"))
    (master / f"{old}.xml").unlink()


def _moved_first(person: Person, stem: str, dx: int = 3) -> None:
    result = person.prediction(stem)
    result[0] = moved(result[0], dx, 0)
    person.submit(stem, result)


def test_names_label_studio_changes_keep_their_task_and_their_labels(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lsnames")
    master = repo.project("lsnames") / "master"
    _rename(master, "kanji_c000", "my shot (1)")
    _rename(master, "kanji_c001", "été_c001")
    assert "sent 8 image(s) and 8 pre-label(s)" in repo.inv("imglabeling.push", "lsnames", check=True).stdout
    assert "nothing changed since the last push" in repo.inv("imglabeling.push", "lsnames", check=True).stdout
    person = Person(label_studio, "lsnames", master)
    assert len(person.remote.listing()[0]) == 8
    for stem in ("my shot (1)", "été_c001"):
        _moved_first(person, stem)
    pull = repo.inv("imglabeling.pull", "lsnames", check=True).stdout
    assert "lsnames: my shot (1).xml: 1 moved" in pull and "lsnames: été_c001.xml: 1 moved" in pull
    assert "2 taken" in pull


@pytest.mark.parametrize("name", ['say"hi', "two\nlines"])
def test_a_name_label_studio_cannot_take_is_refused_at_push_in_one_line(label_studio, tmp_path, name):
    repo = studio_repo(label_studio, tmp_path, "lsbadname")
    master = repo.project("lsbadname") / "master"
    _rename(master, "kanji_c003", name)
    line = one_line_error(repo.inv("imglabeling.push", "lsbadname", check=False))
    assert "Label Studio cannot take a file name" in line and "rename the carrier" in line


def test_an_annotation_on_a_task_no_carrier_owns_is_named_not_dropped(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lsstray")
    master = repo.project("lsstray") / "master"
    repo.inv("imglabeling.push", "lsstray", check=True)
    person = Person(label_studio, "lsstray", master)
    _moved_first(person, "kanji_c002")
    for ext in (".jpg", ".xml"):   # the carrier goes here after the person labelled it there
        (master / f"kanji_c002{ext}").unlink()
    pull = repo.inv("imglabeling.pull", "lsstray", check=True).stdout
    task = next(t for t in person.remote.listing()[0].values() if t["annotations"])
    assert f"lsstray: warning: task {task['id']} (" in pull
    assert "has a submitted annotation but matches no carrier here" in pull


def _in_process(repo, monkeypatch, name):
    monkeypatch.setenv(TOKEN_ENV, repo.env[TOKEN_ENV])
    ws = Workspace.at(repo.path)
    return tool_for(ws), ws.project(name)


def test_push_asks_again_before_it_replaces_a_task_and_keeps_a_fresh_annotation(label_studio, tmp_path,
                                                                                 monkeypatch):
    repo = studio_repo(label_studio, tmp_path, "lsrace")
    master = repo.project("lsrace") / "master"
    repo.inv("imglabeling.push", "lsrace", check=True)
    person = Person(label_studio, "lsrace", master)
    listed = person.remote.listing()              # what push lists before the person submits
    old = person.task("kanji_c000")["id"]
    _moved_first(person, "kanji_c000")            # ... in between ...
    shutil.copy(master / "kanji_c001.jpg", master / "kanji_c000.jpg")   # and the carrier changed here
    monkeypatch.setattr(Remote, "listing", lambda self: listed)
    tool, project = _in_process(repo, monkeypatch, "lsrace")
    lines = "\n".join(tool.push(project).lines())
    assert f"kanji_c000 not sent: a person's annotation of task {old} there came in during this push" in lines
    monkeypatch.undo()
    task = person.remote.listing()[0][old]
    assert len(task["annotations"]) == 1


def test_boxes_go_only_onto_the_picture_they_were_drawn_on(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, "lssha")
    master = repo.project("lssha") / "master"
    repo.inv("imglabeling.push", "lssha", check=True)
    _moved_first(Person(label_studio, "lssha", master), "kanji_c003")
    shutil.copy(master / "kanji_c004.jpg", master / "kanji_c003.jpg")   # another picture, same size
    before = (master / "kanji_c003.xml").read_bytes()
    pull = repo.inv("imglabeling.pull", "lssha", check=False).stdout
    assert "kanji_c003.xml: its image was replaced here since the push" in pull
    assert (master / "kanji_c003.xml").read_bytes() == before
    assert (master / "kanji_c003.remote.xml").is_file()


def test_ctrl_c_during_a_pull_says_how_many_and_the_rerun_takes_the_rest_right(label_studio, tmp_path,
                                                                                monkeypatch):
    repo = studio_repo(label_studio, tmp_path, "lsstop")
    master = repo.project("lsstop") / "master"
    repo.inv("imglabeling.push", "lsstop", check=True)
    person = Person(label_studio, "lsstop", master)
    for stem in ("kanji_c000", "kanji_c001", "kanji_c002"):
        _moved_first(person, stem)
    judge, calls = verdict.judge, []

    def judge_then_ctrl_c(*args):
        out = judge(*args)
        calls.append(out)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)   # a real Ctrl-C, while the second is being written
        return out
    monkeypatch.setattr(verdict, "judge", judge_then_ctrl_c)
    tool, project = _in_process(repo, monkeypatch, "lsstop")
    with pytest.raises(KeyboardInterrupt, match="lsstop: 2 annotation"):
        tool.pull(project)
    after_stop = snapshot(master)
    monkeypatch.setattr(verdict, "judge", judge)
    rerun = repo.inv("imglabeling.pull", "lsstop", check=True).stdout
    assert "kanji_c002.xml: 1 moved" in rerun and "1 taken, 0 confirmed" in rerun
    assert "as they were" not in rerun
    assert {k: v for k, v in snapshot(master).items() if k != "kanji_c002.xml" and k != ".labeling.json"} == \
        {k: v for k, v in after_stop.items() if k != "kanji_c002.xml" and k != ".labeling.json"}
