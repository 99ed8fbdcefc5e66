"""`inv dlimgmgr.check` through the real task: every broken file named once, exit 1; --project narrows it.

The check itself (lib/checks.py) is tested in tests/unit/test_checks.py."""
from __future__ import annotations

import time

import pytest

from tests.helpers.vocfiles import BROKEN, CVAT, add_pair, labelimg, make_project, only_mine


def test_check_task_names_every_broken_file_once_and_exits_1(repo):
    only_mine(repo)
    pdir = make_project(repo.path)
    add_pair(pdir, "good_labelimg", labelimg("good_labelimg"))
    add_pair(pdir, "good_cvat", CVAT.format(stem="good_cvat"))
    for stem, (xml, _, _) in BROKEN.items():
        add_pair(pdir, stem, xml)
    (pdir / "master" / "orphan.xml").write_text(labelimg("orphan"))  # its image is missing
    start = time.perf_counter()
    proc = repo.inv("dlimgmgr.check", check=False)
    assert time.perf_counter() - start < 30
    lines = proc.stdout.splitlines()
    for stem, (_, _, phrase) in BROKEN.items():
        mine = [line for line in lines if line.startswith(f"projects/tp/master/{stem}.xml: ")]
        assert len(mine) == 1 and phrase in mine[0], (stem, proc.stdout)
    assert any(line.startswith("projects/tp/master/orphan.xml: annotation whose image") for line in lines)
    assert not any("good_" in line for line in lines), proc.stdout
    assert len(lines) == len(BROKEN) + 1
    assert "11 problem(s)" in proc.stderr and "error:" in proc.stderr


@pytest.fixture
def two_projects(repo):
    only_mine(repo)
    pdir = make_project(repo.path)
    other = make_project(repo.path, "other", classes=("ok",))
    add_pair(pdir, "c1", labelimg("c1"))
    add_pair(pdir, "tp_000000", labelimg("tp_000000"), where="build")
    add_pair(other, "c1", CVAT.format(stem="c1").replace("<name>close</name>", "<name>ok</name>"))
    return repo


def test_check_task_passes_master_and_built_annotations(two_projects):
    proc = two_projects.inv("dlimgmgr.check", check=True)
    assert "checked 3 annotation(s) and 3 image(s) in 2 project(s): no problems" in proc.stdout


def test_check_task_names_a_built_box_outside_the_image(two_projects):
    add_pair(two_projects.project("tp"), "tp_000001", labelimg("tp_000001", [("close", 30, 6, 65, 37)]),
             where="build")
    proc = two_projects.inv("dlimgmgr.check", check=False)
    assert proc.stdout.splitlines()[0].startswith("projects/tp/build/tp_000001.xml: object 1 (close) box")
    assert "reaches outside" in proc.stdout


def test_check_task_project_flag_narrows_the_check(two_projects):
    add_pair(two_projects.project("tp"), "tp_000001", labelimg("tp_000001", [("close", 30, 6, 65, 37)]),
             where="build")
    two_projects.inv("dlimgmgr.check", "--project", "other", check=True)
    two_projects.inv("dlimgmgr.check", "--project", "other", "--project", "tp", check=False)


def test_check_task_refuses_an_unknown_project(repo):
    only_mine(repo)
    proc = repo.inv("dlimgmgr.check", "--project", "nope", check=False)
    assert "project 'nope' not found" in proc.stderr


def test_check_task_reports_a_project_yaml_that_does_not_load(repo):
    only_mine(repo)
    pdir = make_project(repo.path)
    (pdir / "project.yaml").write_text("classes: []\ncount: 1\nseed: 0\n")
    proc = repo.inv("dlimgmgr.check", check=False)
    assert proc.stdout.startswith("projects/tp/project.yaml: 'classes' must be a non-empty list")


def test_each_broken_case_alone_fails_the_check_task(repo):
    """One project per broken case beside a good carrier: every case on its own fails the check."""
    only_mine(repo)
    cases = {**{stem: xml for stem, (xml, _, _) in BROKEN.items()}, "missing_image": None}
    for i, (stem, xml) in enumerate(cases.items()):
        pdir = make_project(repo.path, f"case{i}")
        add_pair(pdir, "good", labelimg("good"))
        if xml is None:
            (pdir / "master" / f"{stem}.xml").write_text(labelimg(stem))
        else:
            add_pair(pdir, stem, xml)
    for i, stem in enumerate(cases):
        proc = repo.inv("dlimgmgr.check", "--project", f"case{i}", check=False)
        lines = proc.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"projects/case{i}/master/{stem}.xml: "), proc.stdout
        assert "1 problem(s)" in proc.stderr
