"""A confirmation recorded by the labeling verdict (any tool) is a person's work: compose keeps the
carrier byte-identical, and the project report tells pre-labelled from confirmed, naming who.
(The same on a real Label Studio: tests/test_labelstudio_confirmed.py.)"""
from __future__ import annotations

import json

import yaml

from dlimgmgr_tasks.lib import compose as lib
from dlimgmgr_tasks.lib.hashing import sha256_file
from dlimgmgr_tasks.lib.labeling.record import confirmed
from dlimgmgr_tasks.lib.report import write_report
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.composehelp import load, make_project

PERSON = {"by": "user 3", "at": "2026-12-07T03:00:00.000000Z"}


def _confirm(master, stem: str) -> None:
    """What the verdict writes when a person saved the pre-label unchanged."""
    image, xml = master / f"{stem}.jpg", master / f"{stem}.xml"
    record = {stem: {"image": sha256_file(image), "xml": sha256_file(xml), "checked": sha256_file(image),
                     "person": PERSON}}
    (master / ".labeling.json").write_text(json.dumps(record))


def test_compose_keeps_a_confirmed_carrier_byte_identical_after_a_settings_change(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 3, "background": {"colors": [[255, 255, 255]]}})
    lib.compose(load(tmp_path), (80, 80))
    master = pdir / "master"
    _confirm(master, "demo_c001")
    before = {n: (master / n).read_bytes() for n in ("demo_c001.jpg", "demo_c001.xml")}
    data = yaml.safe_load((pdir / "project.yaml").read_text())
    data["compose"]["background"] = {"colors": [[10, 10, 10]]}
    (pdir / "project.yaml").write_text(yaml.safe_dump(data))
    result = lib.compose(load(tmp_path), (80, 80))
    assert [p.name for p in result.kept] == ["demo_c001.jpg"]
    assert "kept (edited or confirmed by a person: demo_c001.jpg)" in result.summary()
    assert {n: (master / n).read_bytes() for n in before} == before
    assert sorted(p.name for p in result.written) == ["demo_c000.jpg", "demo_c002.jpg"]


def test_a_confirmation_for_another_image_no_longer_counts(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 2})
    lib.compose(load(tmp_path), (80, 80))
    master = pdir / "master"
    _confirm(master, "demo_c000")
    assert confirmed(load(tmp_path)) == {"demo_c000": PERSON}
    (master / "demo_c000.jpg").write_bytes((master / "demo_c001.jpg").read_bytes())
    assert confirmed(load(tmp_path)) == {}


def test_the_project_report_tells_pre_labelled_from_confirmed_and_names_who(repo):
    master = repo.project("close") / "master"
    stem = sorted(master.glob("*.jpg"))[0].stem
    _confirm(master, stem)
    page = write_report(Workspace.at(repo.path), project="close").path.read_text()
    assert "pre-labelled only" in page and "confirmed in a labeling tool" in page
    assert stem in page and "user 3" in page
