"""A confirmation in a real Label Studio is a person's work: compose keeps that carrier byte-identical
after a settings change, the record says who confirmed it and when, and status counts it."""
from __future__ import annotations

import json

import pytest

from tests.helpers.labelingdata import snapshot
from tests.helpers.labelstudio import Person, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

NAME = "lsconfirm"


@pytest.fixture(scope="module")
def recomposed(label_studio, tmp_path_factory):
    repo = studio_repo(label_studio, tmp_path_factory.mktemp("studio-confirm"), NAME)
    master = repo.project(NAME) / "master"
    for path in master.iterdir():   # carriers named after this project, made by compose
        if path.is_file():
            path.unlink()
    repo.inv("dataaug.compose", NAME, check=True)
    repo.inv("imglabeling.push", NAME, check=True)
    person = Person(label_studio, NAME, master)
    person.submit(f"{NAME}_c000", person.prediction(f"{NAME}_c000"))   # accepted as it was
    pull = repo.inv("imglabeling.pull", NAME, check=True).stdout
    status = repo.inv("imglabeling.status", "--project", NAME, check=True).stdout
    before = snapshot(master)
    yaml_path = repo.project(NAME) / "project.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("margin: 8", "margin: 20"))   # a settings change
    compose = repo.inv("dataaug.compose", NAME, check=True).stdout
    return master, pull, status, before, snapshot(master), compose


def test_the_pull_said_confirmed(recomposed):
    assert f"{NAME}_c000.xml: submitted by a person with the boxes as they were" in recomposed[1]


def test_recompose_after_a_confirmation_keeps_the_carrier_byte_identical(recomposed):
    master, _, _, before, after, compose = recomposed
    for name in (f"{NAME}_c000.jpg", f"{NAME}_c000.xml"):
        assert after[name] == before[name]
    assert f"1 kept (edited or confirmed by a person: {NAME}_c000.jpg)" in compose
    assert after[f"{NAME}_c001.xml"] != before[f"{NAME}_c001.xml"]   # the others follow the settings


def test_the_record_says_who_confirmed_and_when(recomposed):
    entry = json.loads((recomposed[0] / ".labeling.json").read_text())[f"{NAME}_c000"]
    assert entry["person"]["by"].startswith("labeler@example.com (user ") and entry["person"]["at"][:2] == "20"


def test_status_tells_confirmed_from_pre_label_only(recomposed):
    header, row = recomposed[2].splitlines()[:2]
    got = dict(zip(header.split(), row.split()))
    assert (got["annotated"], got["pre-label-only"], got["confirmed-here"]) == ("1", "7", "1")
