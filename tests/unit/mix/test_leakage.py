"""lib/mix/leakage.py (issue 22) on VOC folders made by hand: one id in two splits, images naming no
carrier, other tools' <source><image>, a VOCdevkit layout below the folder named. The check task
is in tests/cli/dlimgmgr/test_check_leakage.py; near-duplicate icons in test_icons.py."""
from __future__ import annotations

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.mix import leakage
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.leakvoc import clean, voc_folder


def test_one_id_listed_in_two_splits_is_identical_bytes(tmp_path):
    folder = voc_folder(tmp_path / "ds", clean(tmp_path))
    with open(folder / voc.IMAGE_SETS_MAIN / "val.txt", "a") as f:
        f.write("x_000000\n")
    found = leakage.check(Workspace.at(tmp_path), str(folder))
    assert len(found.bytes_lines) == 1 and len(found.carrier_lines) == 1 and found.leaks == 2


def test_images_naming_no_carrier_are_counted(tmp_path):
    images = {k: (s, "", d) for k, (s, c, d) in clean(tmp_path).items()}
    found = leakage.check(Workspace.at(tmp_path), str(voc_folder(tmp_path / "ds", images)))
    assert found.leaks == 0 and found.unnamed == 8 and "(8 image(s) name no carrier)" in found.summary()


def test_source_images_other_tools_write_are_no_carriers(tmp_path):
    """VOC2007 writes <image>flickr</image> and CVAT <image>Unknown</image> for every image: only
    our own <database> makes <image> a carrier."""
    folder = voc_folder(tmp_path / "ds", clean(tmp_path))
    for i, xml in enumerate(sorted((folder / voc.ANNOTATIONS).glob("*.xml"))):
        theirs = ("<source><database>The VOC2007 Database</database><annotation>PASCAL VOC2007</annotation>"
                  "<image>flickr</image></source>" if i % 2 else
                  "<source><database>Unknown</database><annotation>Unknown</annotation><image>Unknown</image></source>")
        text = xml.read_text()
        xml.write_text(text[:text.index("<source>")] + theirs + text[text.index("</source>") + 9:])
        assert voc.source_image(xml.read_bytes()) == voc.read(xml).source_image == ""
    found = leakage.check(Workspace.at(tmp_path), str(folder))
    assert found.leaks == 0 and found.unnamed == 8 and found.carriers == 0


def test_a_source_with_a_comment_is_read_in_full():
    data = voc.dumps(voc.Annotation("a.jpg", 8, 8, source_image="a_c001.jpg")).replace(
        b"<source>", b"<source><!-- made here -->")
    assert voc.source_image(data) == "a_c001.jpg"


def test_an_unpacked_mix_or_a_vocdevkit_layout_is_found_below_the_folder_named(tmp_path):
    images = clean(tmp_path)
    images["x_000005"] = ("val", "x_c002.jpg", images["x_000005"][2])
    voc_folder(tmp_path / "dataset" / "VOCdevkit" / "VOC2012", images)
    found = leakage.check(Workspace.at(tmp_path), str(tmp_path / "dataset"))
    assert found.images == 8 and len(found.carrier_lines) == 1
