"""dlimgmgr.check and lib/checks.py on real JPEGs and real LabelImg/CVAT/broken XML files."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PIL import Image

from dlimgmgr_tasks.lib import checks, projects

W, H = 64, 48

LABELIMG = """<annotation>
\t<folder>master</folder>
\t<filename>{stem}.jpg</filename>
\t<path>/home/labeler/dlimgmgr/projects/tp/master/{stem}.jpg</path>
\t<source>
\t\t<database>Unknown</database>
\t</source>
\t<size>
\t\t<width>{w}</width>
\t\t<height>{h}</height>
\t\t<depth>1</depth>
\t</size>
\t<segmented>0</segmented>
{objects}</annotation>
"""

LABELIMG_OBJECT = """\t<object>
\t\t<name>{name}</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>{xmin}</xmin>
\t\t\t<ymin>{ymin}</ymin>
\t\t\t<xmax>{xmax}</xmax>
\t\t\t<ymax>{ymax}</ymax>
\t\t</bndbox>
\t</object>
"""

# What CVAT's "PASCAL VOC 1.1" export looks like: floats, xmin 0.0, extra tags, attributes, empty depth.
CVAT = """\ufeff<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <folder></folder>
  <filename>{stem}.jpg</filename>
  <source><database>Unknown</database><annotation>Unknown</annotation><image>Unknown</image></source>
  <size><width>64</width><height>48</height><depth></depth></size>
  <segmented>0</segmented>
  <object>
    <name>ok</name>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>0</difficult>
    <bndbox><xmin>0.0</xmin><ymin>0.0</ymin><xmax>20.5</xmax><ymax>17.25</ymax></bndbox>
    <attributes><attribute><name>occluded</name><value>false</value></attribute></attributes>
  </object>
  <object>
    <name>close</name>
    <truncated>0</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox><xmin>30.12</xmin><ymin>10.0</ymin><xmax>64.0</xmax><ymax>48.0</ymax></bndbox>
  </object>
</annotation>
"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE annotation [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<annotation><filename>&lol9;</filename><size><width>64</width><height>48</height></size></annotation>
"""


def labelimg(stem, objects=(("close", 5, 6, 36, 37),), w=W, h=H):
    objs = "".join(LABELIMG_OBJECT.format(name=n, xmin=a, ymin=b, xmax=c, ymax=d) for n, a, b, c, d in objects)
    return LABELIMG.format(stem=stem, w=w, h=h, objects=objs)


# stem -> (XML text, code, phrase the output line must carry)
BROKEN = {
    "truncated_xml": (labelimg("truncated_xml")[:200], "malformed-xml", "not well-formed XML"),
    "missing_bndbox": (labelimg("missing_bndbox").replace(
        "\t\t<bndbox>\n\t\t\t<xmin>5</xmin>\n\t\t\t<ymin>6</ymin>\n\t\t\t<xmax>36</xmax>\n\t\t\t<ymax>37</ymax>\n\t\t</bndbox>\n",
        ""), "missing-bndbox", "has no <bndbox>"),
    "inverted_box": (labelimg("inverted_box", [("close", 40, 6, 10, 37)]), "inverted", "is inverted"),
    "outside_box": (labelimg("outside_box", [("close", 40, 6, 70, 37)]), "outside", "reaches outside the 64x48 image"),
    "negative_coord": (labelimg("negative_coord", [("close", -3, 6, 10, 37)]), "negative", "negative coordinate"),
    "size_mismatch": (labelimg("size_mismatch", w=80), "size-mismatch", "size says 80x48 but the image is 64x48"),
    "non_numeric": (labelimg("non_numeric", [("close", "5px", 6, 10, 37)]), "non-numeric", "is not a number ('5px')"),
    "empty_class": (labelimg("empty_class", [("", 5, 6, 10, 37)]), "empty-class", "empty class name"),
    "unknown_class": (labelimg("unknown_class", [("dog", 5, 6, 10, 37)]), "unknown-class",
                      "class 'dog', not listed in"),
    "entity_bomb": (BOMB, "entities", "declares entities"),
}


def jpeg(path: Path, size=(W, H), color=(200, 30, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, quality=90)
    return path


def make_project(root: Path, name="tp", classes=("close", "ok")) -> Path:
    pdir = root / "projects" / name
    (pdir / "master" / "sources").mkdir(parents=True)
    (pdir / "project.yaml").write_text(f"classes: [{', '.join(classes)}]\ncount: 1\nseed: 0\n")
    Image.new("RGB", (32, 32), "white").save(pdir / "master" / "sources" / "close.png")
    return pdir


def add_pair(pdir: Path, stem: str, xml: str, where="master") -> None:
    jpeg(pdir / where / f"{stem}.jpg")
    (pdir / where / f"{stem}.xml").write_text(xml, encoding="utf-8")


def only_mine(repo, *keep):
    """The copy's sample projects are someone else's; the 'all projects' runs look at ours only."""
    for p in (repo.path / "projects").iterdir():
        if p.name != "common" and p.name not in keep:
            shutil.rmtree(p)


# --- library level --------------------------------------------------------------------------

def test_labelimg_and_cvat_files_are_accepted(tmp_path):
    pdir = make_project(tmp_path)
    add_pair(pdir, "labelimg", labelimg("labelimg", [("close", 1, 1, 64, 48), ("ok", 5, 5, 5, 5),
                                                      ("ok", 0, 0, 10, 10)]))
    add_pair(pdir, "cvat", CVAT.format(stem="cvat"))
    project = projects.load(tmp_path, "tp")
    assert checks.check_project(project) == []
    report = checks.check_projects(tmp_path)
    assert report.ok and report.projects == 1 and report.annotations == 2 and report.images == 2


@pytest.mark.parametrize("stem", sorted(BROKEN))
def test_each_broken_case_is_one_named_line(tmp_path, stem):
    xml, code, phrase = BROKEN[stem]
    image = jpeg(tmp_path / f"{stem}.jpg")
    (tmp_path / f"{stem}.xml").write_text(xml, encoding="utf-8")
    problems = checks.check_pair(tmp_path / f"{stem}.xml", image, ["close", "ok"], root=tmp_path)
    assert [p.code for p in problems] == [code]
    line = problems[0].line()
    assert line.startswith(f"{stem}.xml: ") and phrase in line and "\n" not in line
    assert "; " in line  # what, then the fix


def test_entity_bomb_is_refused_fast(tmp_path):
    image = jpeg(tmp_path / "b.jpg")
    start = time.perf_counter()
    problems = checks.check_xml_bytes(BOMB.encode(), image, ["close"], xml_name="b.xml")
    assert time.perf_counter() - start < 0.2
    assert [p.code for p in problems] == ["entities"]


def test_check_xml_bytes_against_an_image_elsewhere(tmp_path):
    image = jpeg(tmp_path / "elsewhere" / "x.jpg", size=(40, 30))
    good = labelimg("x", [("close", 1, 1, 40, 30)], w=40, h=30).encode()
    assert checks.check_xml_bytes(good, image, ["close"], xml_name="pulled/x.xml") == []
    assert checks.check_xml_bytes(good, image, None) == []  # classes None: class rule skipped
    wrong = checks.check_xml_bytes(good, image, ["ok"], xml_name="pulled/x.xml")
    assert [p.code for p in wrong] == ["unknown-class"] and wrong[0].path == "pulled/x.xml"
    gone = checks.check_xml_bytes(good, tmp_path / "nope.jpg", ["close"], xml_name="x.xml")
    assert [p.code for p in gone] == ["missing-image"]


def test_image_problems(tmp_path):
    pdir = make_project(tmp_path)
    add_pair(pdir, "cut", labelimg("cut"))
    Image.effect_noise((W, H), 64).convert("RGB").save(pdir / "master" / "cut.jpg")  # noise: a long scan
    data = (pdir / "master" / "cut.jpg").read_bytes()
    (pdir / "master" / "cut.jpg").write_bytes(data[: len(data) // 2])  # a copy interrupted half way
    jpeg(pdir / "master" / "nolabel.jpg")
    add_pair(pdir, "twin", labelimg("twin"))
    Image.new("RGB", (W, H)).save(pdir / "master" / "twin.png")
    (pdir / "master" / "sources" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    found = sorted((p.path, p.code) for p in checks.check_project(projects.load(tmp_path, "tp"), root=tmp_path))
    assert found == [("projects/tp/master/cut.jpg", "unreadable-image"),
                     ("projects/tp/master/nolabel.jpg", "unlabelled"),
                     ("projects/tp/master/sources/broken.png", "unreadable-image"),
                     ("projects/tp/master/twin.png", "shared-stem")]
    lines = [p.line() for p in checks.check_project(projects.load(tmp_path, "tp"), root=tmp_path)]
    assert any(line.startswith("projects/tp/master/cut.jpg: the image is a truncated JPEG") for line in lines)


def test_truncated_image_reported(tmp_path):
    image = jpeg(tmp_path / "t.jpg")
    image.write_bytes(image.read_bytes()[:-40])
    with pytest.raises(ValueError, match="truncated JPEG"):
        checks.image_size(image)
    png = tmp_path / "t.png"
    Image.new("RGB", (20, 10)).save(png)
    assert checks.image_size(png) == (20, 10)
    png.write_bytes(png.read_bytes()[:-12])
    with pytest.raises(ValueError, match="truncated PNG"):
        checks.image_size(png)


# --- through the real task --------------------------------------------------------------------

def test_check_task_names_every_broken_file_and_exits_1(repo):
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


def test_check_task_ok_and_built_annotations(repo):
    only_mine(repo)
    pdir = make_project(repo.path)
    other = make_project(repo.path, "other", classes=("ok",))
    add_pair(pdir, "c1", labelimg("c1"))
    add_pair(pdir, "tp_000000", labelimg("tp_000000"), where="build")
    add_pair(other, "c1", CVAT.format(stem="c1").replace("<name>close</name>", "<name>ok</name>"))
    proc = repo.inv("dlimgmgr.check", check=True)
    assert "checked 3 annotation(s) and 3 image(s) in 2 project(s): no problems" in proc.stdout

    add_pair(pdir, "tp_000001", labelimg("tp_000001", [("close", 30, 6, 65, 37)]), where="build")
    proc = repo.inv("dlimgmgr.check", check=False)
    assert proc.stdout.splitlines()[0].startswith("projects/tp/build/tp_000001.xml: object 1 (close) box")
    assert "reaches outside" in proc.stdout
    # --project narrows the check; the other project alone is fine
    repo.inv("dlimgmgr.check", "--project", "other", check=True)
    repo.inv("dlimgmgr.check", "--project", "other", "--project", "tp", check=False)


def test_check_task_refuses_unknown_project_and_reports_bad_yaml(repo):
    only_mine(repo)
    proc = repo.inv("dlimgmgr.check", "--project", "nope", check=False)
    assert "project 'nope' not found" in proc.stderr
    pdir = make_project(repo.path)
    (pdir / "project.yaml").write_text("classes: []\ncount: 1\nseed: 0\n")
    proc = repo.inv("dlimgmgr.check", check=False)
    assert proc.stdout.startswith("projects/tp/project.yaml: 'classes' must be a non-empty list")


def test_each_broken_case_alone_exits_1(repo):
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
