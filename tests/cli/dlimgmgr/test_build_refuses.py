"""A build refuses, in one line and before it writes anything, masters that `inv dlimgmgr.check`
refuses: the same check (checks.master_problems), here on this machine and before a share goes to
an SSH host (that case: tests/ssh/test_build_refuses.py). The previous good build stays byte-identical.

One good build per module; each test corrupts one master, runs `inv build --force`, and restores
the master afterwards.
"""
from __future__ import annotations

import shutil

import pytest

from tests.helpers import hostile_images
from tests.helpers.buildkit import add_tiny_profiles, build, make_project, snapshot
from tests.helpers.repo import make_repo
from tests.helpers.oneline import one_line_error

CARRIER = "icons_c000"   # its box: xmin 37, ymin 37, xmax 60, ymax 60 in a 96x96 image


def _edit_xml(old: str, new: str):
    def edit(master):
        xml = master / f"{CARRIER}.xml"
        text = xml.read_text()
        assert old in text
        xml.write_text(text.replace(old, new, 1))
    return edit


def _edit_image(change):
    return lambda master: change(master / f"{CARRIER}.jpg")


# (corruption of the master, what the one line says)
CASES = {
    "unknown_class": (_edit_xml("<name>close</name>", "<name>dog</name>"), "has class 'dog', not listed in"),
    "empty_class": (_edit_xml("<name>close</name>", "<name></name>"), "has an empty class name"),
    "inverted_box": (_edit_xml("<xmin>37</xmin>", "<xmin>70</xmin>"), "is inverted (max < min)"),
    "negative_coordinate": (_edit_xml("<ymin>37</ymin>", "<ymin>-4</ymin>"), "has a negative coordinate"),
    "box_outside_the_image": (_edit_xml("<xmax>60</xmax>", "<xmax>130</xmax>"), "reaches outside the 96x96 image"),
    "size_mismatch": (_edit_xml("<width>96</width>", "<width>120</width>"),
                      "size says 120x96 but the image is 96x96"),
    "difficult_2": (_edit_xml("<difficult>0</difficult>", "<difficult>2</difficult>"),
                    "object 1 difficult is not 0 or 1 ('2')"),
    "malformed_xml": (_edit_xml("</annotation>", ""), "not well-formed XML"),
    "exif_orientation_6": (_edit_image(hostile_images.rotate_tag), "has EXIF orientation 6"),
    "jpeg_cut_short": (_edit_image(hostile_images.cut_short), "is a truncated JPEG (no end-of-image marker)"),
    "jpeg_cut_and_closed": (_edit_image(hostile_images.cut_and_closed), "is a damaged JPEG (libjpeg:"),
    "decompression_bomb": (_edit_image(hostile_images.png_bomb), "(a decompression bomb?)"),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A repo with `icons` (3 carriers, count 1) built once: (repo, master snapshot)."""
    repo = add_tiny_profiles(make_repo(tmp_path_factory.mktemp("refuses")))
    pdir = make_project(repo, "icons", count=1)
    build(repo, "icons")
    return repo, {p.name: p.read_bytes() for p in (pdir / "master").iterdir() if p.is_file()}


@pytest.fixture
def icons(good):
    """The built repo; whatever a test does to master/ is undone after it."""
    repo, master = good
    yield repo
    folder = repo.project("icons") / "master"
    for path in folder.iterdir():
        if path.is_file() and path.name not in master:
            path.unlink()
    for name, data in master.items():
        (folder / name).write_bytes(data)


def _refused_build(repo, corrupt) -> str:
    """Corrupt a master, force a build, assert nothing changed; the one error line."""
    pdir = repo.project("icons")
    before, names = snapshot(pdir / "build", mtimes=True), sorted(p.name for p in pdir.iterdir())
    corrupt(pdir / "master")
    line = one_line_error(build(repo, "icons", "--force", check=False))
    assert snapshot(pdir / "build", mtimes=True) == before
    assert sorted(p.name for p in pdir.iterdir()) == names, "a staging folder was left"
    return line


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_build_refuses_a_master_that_check_refuses(icons, case):
    corrupt, says = CASES[case]
    line = _refused_build(icons, corrupt)
    assert "icons: the masters have 1 problem(s), nothing was built: projects/icons/master/" in line
    assert says in line and line.endswith("list them all: inv dlimgmgr.check --project icons")
    check = icons.inv("dlimgmgr.check", "--project", "icons", check=False)
    assert says in check.stdout  # the same finding, from the same check


def test_a_build_names_the_first_problem_and_how_many_more(icons):
    def two(master):
        _edit_xml("<name>close</name>", "<name>dog</name>")(master)
        hostile_images.cut_short(master / "icons_c001.jpg")
    line = _refused_build(icons, two)
    assert "the masters have 2 problem(s)" in line and "(+1 more)" in line


def test_a_carrier_without_xml_is_left_out_with_a_warning_not_refused(icons):
    shutil.copyfile(icons.project("icons") / "master" / f"{CARRIER}.jpg",
                    icons.project("icons") / "master" / "icons_c009.jpg")
    proc = build(icons, "icons", "--force")
    assert "1 carrier(s)" in proc.stderr and "have no XML and are left out" in proc.stderr
