"""`inv dlimgmgr.check` groups problems by cause: a class project.yaml no longer lists, or one
size mismatch shared by many files, is one line with the count and the fix, then a few examples;
a cause with few problems keeps its own lines."""
from __future__ import annotations

import pytest
import yaml
from tests.helpers.repo import make_repo


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("groups"))
    repo.inv("build", "--project", "close", check=True)
    return repo


def set_classes(repo, classes):
    path = repo.project("close") / "project.yaml"
    data = yaml.safe_load(path.read_text())
    original = path.read_bytes()
    data["classes"] = classes
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path, original


def test_a_class_typo_is_one_line_naming_the_class_and_the_fix(built):
    path, original = set_classes(built, ["closee"])
    try:
        proc = built.inv("dlimgmgr.check", "--project", "close", check=False)
    finally:
        path.write_bytes(original)
    out = proc.stdout.splitlines()
    causes = [ln for ln in out if not ln.startswith("  e.g. ")]
    assert len(causes) == 1, proc.stdout
    line = causes[0]
    assert "objects of class 'close', which projects/close/project.yaml does not list (it lists closee)" in line
    assert "add 'close' to classes in projects/close/project.yaml" in line and "build again: inv" not in line
    assert "projects/close/master" in line and "projects/close/build" in line
    assert len(out) == 1 + 3, proc.stdout                   # the cause, then three examples
    assert "of 1 cause(s)" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_many_files_with_one_size_mismatch_are_one_line_and_a_lone_problem_keeps_its_own(built):
    build = built.project("close") / "build"
    xmls = sorted(build.glob("close_*.xml"))[:6]
    originals = {x: x.read_bytes() for x in xmls}
    try:
        for x in xmls[:5]:
            x.write_bytes(originals[x].replace(b"<width>400</width>", b"<width>401</width>"))
        x = xmls[5]
        x.write_bytes(originals[x].replace(b"<width>400</width>", b"<width>399</width>"))
        out = built.inv("dlimgmgr.check", "--project", "close", check=False).stdout.splitlines()
    finally:
        for x, data in originals.items():
            x.write_bytes(data)
    grouped = [ln for ln in out if "5 problem(s) in 5 file(s)" in ln]
    assert len(grouped) == 1 and "size says 401x400 but the image is 400x400" in grouped[0], out
    assert "inv build --project close --force" in grouped[0]
    alone = [ln for ln in out if "399x400" in ln]
    assert len(alone) == 1 and alone[0].startswith(f"projects/close/build/{xmls[5].name}: ")
    assert len(out) == 1 + 3 + 1, out


def test_a_clean_project_says_no_problems(built):
    assert "no problems" in built.inv("dlimgmgr.check", "--project", "close", check=True).stdout
