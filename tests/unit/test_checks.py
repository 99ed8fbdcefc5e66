"""lib/checks.py on real JPEGs and real LabelImg/CVAT/broken XML files. The
`inv dlimgmgr.check` task is in tests/cli/dlimgmgr/test_check.py."""
from __future__ import annotations

import time

import pytest
from PIL import Image

from dlimgmgr_tasks.lib import checks, projects
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.vocfiles import BOMB, BROKEN, CVAT, H, W, add_pair, jpeg, labelimg, make_project

# --- one annotation -------------------------------------------------------------------------


def test_labelimg_and_cvat_annotations_pass_the_check(tmp_path):
    pdir = make_project(tmp_path)
    add_pair(pdir, "labelimg", labelimg("labelimg", [("close", 1, 1, 64, 48), ("ok", 5, 5, 5, 5),
                                                      ("ok", 0, 0, 10, 10)]))
    add_pair(pdir, "cvat", CVAT.format(stem="cvat"))
    assert checks.check_project(projects.load(Workspace.at(tmp_path), "tp")) == []


def test_a_report_counts_projects_annotations_and_images(tmp_path):
    pdir = make_project(tmp_path)
    add_pair(pdir, "labelimg", labelimg("labelimg"))
    add_pair(pdir, "cvat", CVAT.format(stem="cvat"))
    report = checks.check_projects(Workspace.at(tmp_path))
    assert (report.ok, report.projects, report.annotations, report.images) == (True, 1, 2, 2)


@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_each_broken_annotation_is_one_line_naming_the_file_and_the_fix(tmp_path, stem):
    xml, code, phrase = BROKEN[stem]
    image = jpeg(tmp_path / f"{stem}.jpg")
    (tmp_path / f"{stem}.xml").write_text(xml, encoding="utf-8")
    problems = checks.check_pair(tmp_path / f"{stem}.xml", image, ["close", "ok"], root=tmp_path)
    assert [p.code for p in problems] == [code]
    line = problems[0].line()
    assert line.startswith(f"{stem}.xml: ") and phrase in line and "\n" not in line
    assert "; " in line  # what, then the fix


def test_an_entity_bomb_is_refused_in_milliseconds(tmp_path):
    image = jpeg(tmp_path / "b.jpg")
    start = time.perf_counter()
    problems = checks.check_xml_bytes(BOMB.encode(), image, ["close"], xml_name="b.xml")
    assert time.perf_counter() - start < 0.2
    assert [p.code for p in problems] == ["entities"]


GOOD_40x30 = labelimg("x", [("close", 1, 1, 40, 30)], w=40, h=30).encode()


def test_pulled_bytes_are_checked_against_an_image_elsewhere(tmp_path):
    image = jpeg(tmp_path / "elsewhere" / "x.jpg", size=(40, 30))
    assert checks.check_xml_bytes(GOOD_40x30, image, ["close"], xml_name="pulled/x.xml") == []


def test_no_classes_skips_the_class_rule(tmp_path):
    image = jpeg(tmp_path / "x.jpg", size=(40, 30))
    assert checks.check_xml_bytes(GOOD_40x30, image, None) == []


def test_an_unknown_class_in_pulled_bytes_names_the_pulled_file(tmp_path):
    image = jpeg(tmp_path / "x.jpg", size=(40, 30))
    wrong = checks.check_xml_bytes(GOOD_40x30, image, ["ok"], xml_name="pulled/x.xml")
    assert [(p.code, p.path) for p in wrong] == [("unknown-class", "pulled/x.xml")]


def test_bytes_whose_image_is_gone_are_a_missing_image(tmp_path):
    gone = checks.check_xml_bytes(GOOD_40x30, tmp_path / "nope.jpg", ["close"], xml_name="x.xml")
    assert [p.code for p in gone] == ["missing-image"]


def test_the_one_check_returns_what_it_read(tmp_path):
    image = jpeg(tmp_path / "x.jpg", size=(40, 30))
    checked = checks.check_data(GOOD_40x30, str(image), checks.Rules(("close",)), "x.xml")
    assert checked.ok and checked.size == (40, 30) and checked.data == GOOD_40x30
    assert checked.annotation.labels == ["close"]


def test_a_built_file_problem_says_build_again(tmp_path):
    image = jpeg(tmp_path / "x.jpg")
    rules = checks.Rules(("close",), rebuild_fix=checks.rebuild_fix("tp"))
    checked = checks.check_data(BROKEN["outside_box"][0].encode(), str(image), rules, "build/x.xml")
    assert [(p.code, p.fix) for p in checked.problems] == [("outside", "build again: inv build --project tp --force")]


# --- images ---------------------------------------------------------------------------------

@pytest.fixture
def damaged(tmp_path):
    """Project tp with a half-copied JPEG, an image without XML, two images of one stem, a bad source."""
    pdir = make_project(tmp_path)
    add_pair(pdir, "cut", labelimg("cut"))
    Image.effect_noise((W, H), 64).convert("RGB").save(pdir / "master" / "cut.jpg")  # noise: a long scan
    data = (pdir / "master" / "cut.jpg").read_bytes()
    (pdir / "master" / "cut.jpg").write_bytes(data[: len(data) // 2])  # a copy interrupted half way
    jpeg(pdir / "master" / "nolabel.jpg")
    add_pair(pdir, "twin", labelimg("twin"))
    Image.new("RGB", (W, H)).save(pdir / "master" / "twin.png")
    (pdir / "master" / "sources" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    return {(p.path, p.code): p for p in checks.check_project(projects.load(Workspace.at(tmp_path), "tp"))}


def test_a_half_copied_carrier_is_an_unreadable_image(damaged):
    problem = damaged[("projects/tp/master/cut.jpg", "unreadable-image")]
    assert problem.line().startswith("projects/tp/master/cut.jpg: the image is a truncated JPEG")


def test_a_carrier_without_xml_is_unlabelled(damaged):
    assert ("projects/tp/master/nolabel.jpg", "unlabelled") in damaged


def test_an_unreadable_source_image_is_reported(damaged):
    assert ("projects/tp/master/sources/broken.png", "unreadable-image") in damaged


def test_two_images_of_one_stem_are_a_shared_stem(damaged):
    assert ("projects/tp/master/twin.png", "shared-stem") in damaged


def test_the_damaged_project_has_exactly_those_four_problems(damaged):
    assert len(damaged) == 4


def test_a_jpeg_without_its_end_marker_is_truncated(tmp_path):
    image = jpeg(tmp_path / "t.jpg")
    image.write_bytes(image.read_bytes()[:-40])
    with pytest.raises(ValueError, match="truncated JPEG"):
        checks.image_size(image)


def test_image_size_reads_a_png_header(tmp_path):
    Image.new("RGB", (20, 10)).save(tmp_path / "t.png")
    assert checks.image_size(tmp_path / "t.png") == (20, 10)


def test_a_png_without_its_iend_chunk_is_truncated(tmp_path):
    png = tmp_path / "t.png"
    Image.new("RGB", (20, 10)).save(png)
    png.write_bytes(png.read_bytes()[:-12])
    with pytest.raises(ValueError, match="truncated PNG"):
        checks.image_size(png)
