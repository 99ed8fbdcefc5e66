"""imglabeling push / pull / status: the labeling round trip, on a local role and over a real sshd.

The labeling side is written the way the tools write it: LabelImg's tab-indented XML with an
absolute <path>, CVAT's Pascal VOC export (float coordinates, empty folder and depth, extra tags)
under Annotations/, Label Studio's hex-prefixed file names; plus a truncated file and a box
outside the image, which must be refused with the master left byte-identical. The stages
(pushed, labelled, still broken, fixed, settled) run once per side; each test checks one thing.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from dlimgmgr_tasks.lib import labeling, voc
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers import labelingdata
from tests.helpers.labelingdata import boxes, cvat_xml, labelimg_xml, snapshot, status_row

labeling_side = labelingdata.labeling_side   # the fixture: a local and an SSH labeling host

PROJECT = "kanji"   # four classes, four boxes per carrier: room for moves, renames, removals
CARRIERS = [f"kanji_c00{i}" for i in range(8)]


def line_about(out: str, name: str) -> str:
    return next(ln for ln in out.splitlines() if f"{name}:" in ln)


# ------------------------------------------------------------------ stages


@pytest.fixture(scope="module")
def pushed(labeling_side):
    repo, side = labeling_side.repo, labeling_side.master(PROJECT)
    first = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    return SimpleNamespace(first=first, master=snapshot(repo.project(PROJECT) / "master"), side=snapshot(side),
                           side_dir=side, hidden=[p.name for p in side.glob(".*")], sources=(side / "sources").exists(),
                           again=repo.inv("imglabeling.push", PROJECT, check=True).stdout)


def label_there(side, master):
    """A person's session on the labeling side; returns the pre-labels and c002's full file."""
    pre = {i: boxes(master / f"kanji_c00{i}.xml") for i in range(6)}
    # c000: LabelImg, first box moved, second renamed, fourth removed.
    (n0, a, b, c, d), (n1, *k1), (n2, *k2), _ = pre[0]
    c000 = [(n0, a + 3, b + 2, c + 3, d + 2), ("ki" if n1 != "ki" else "hi", *k1), (n2, *k2)]
    (side / "kanji_c000.xml").write_bytes(labelimg_xml(side / "kanji_c000.jpg", c000))
    # c001: a CVAT export dropped in Annotations/, float coordinates, one box added.
    (side / "Annotations").mkdir()
    cvat = [(n, x0 - 0.4, y0 + 0.3, x1 + 0.2, y1) for n, x0, y0, x1, y1 in pre[1]] + [("hi", 5.6, 6.2, 30.4, 31.0)]
    (side / "Annotations" / "kanji_c001.xml").write_bytes(cvat_xml("kanji_c001.jpg", cvat))
    # c002: truncated (the tool died while saving); c003: a box outside the 400x400 image.
    full = labelimg_xml(side / "kanji_c002.jpg", pre[2])
    (side / "kanji_c002.xml").write_bytes(full[: len(full) // 2])
    (side / "kanji_c003.xml").write_bytes(labelimg_xml(side / "kanji_c003.jpg", pre[3][:3] + [("ki", 350, 350, 420, 380)]))
    # c004: opened and saved in LabelImg without a change: checked by a person, boxes as they were.
    (side / "kanji_c004.xml").write_bytes(labelimg_xml(side / "kanji_c004.jpg", pre[4]))
    # c005: a Label Studio export, its file name prefixed with 8 hex digits, one box removed.
    (side / "Annotations" / "0a1b2c3d-kanji_c005.xml").write_bytes(cvat_xml("0a1b2c3d-kanji_c005.jpg", pre[5][1:]))
    return pre, c000, full


@pytest.fixture(scope="module")
def labelled(labeling_side, pushed):
    repo, master = labeling_side.repo, labeling_side.repo.project(PROJECT) / "master"
    pre, c000, full = label_there(pushed.side_dir, master)
    before = snapshot(master)
    proc = repo.inv("imglabeling.pull", PROJECT, check=False)
    return SimpleNamespace(pre=pre, c000=c000, full=full, before=before, out=proc.stdout, err=proc.stderr,
                           after=snapshot(master), status=status_row(repo, PROJECT),
                           unchecked=labeling.unchecked(Workspace.at(repo.path).project(PROJECT)))


@pytest.fixture(scope="module")
def still_broken(labeling_side, labelled):
    return labeling_side.repo.inv("imglabeling.pull", PROJECT, check=False)


@pytest.fixture(scope="module")
def fixed(labeling_side, labelled, still_broken):
    repo, side, master = labeling_side.repo, labeling_side.master(PROJECT), labeling_side.repo.project(PROJECT) / "master"
    (side / "kanji_c002.xml").write_bytes(labelled.full)
    (side / "kanji_c003.xml").write_bytes(labelimg_xml(side / "kanji_c003.jpg",
                                                       labelled.pre[3][:3] + [("ki", 350, 350, 400, 380)]))
    out = repo.inv("imglabeling.pull", PROJECT, check=True).stdout
    settled = snapshot(master)
    return SimpleNamespace(out=out, settled=settled, again=repo.inv("imglabeling.pull", PROJECT, check=True).stdout,
                           after_again=snapshot(master))


@pytest.fixture(scope="module")
def settled(labeling_side, fixed):
    repo, side, master = labeling_side.repo, labeling_side.master(PROJECT), labeling_side.repo.project(PROJECT) / "master"
    out = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    return SimpleNamespace(out=out, side=snapshot(side), master=snapshot(master),
                           push_again=repo.inv("imglabeling.push", PROJECT, check=True).stdout,
                           pull_again=repo.inv("imglabeling.pull", PROJECT, check=True).stdout,
                           status=status_row(repo, PROJECT))


# ------------------------------------------------------------------ push


def test_push_sends_every_carrier_with_its_prelabel(pushed):
    assert "sent 8 image(s) and 8 annotation(s)" in pushed.first


def test_push_puts_each_carrier_beside_its_xml_for_labelimg(pushed):
    for stem in CARRIERS:
        for name in (f"{stem}.jpg", f"{stem}.xml"):
            assert pushed.side[name] == pushed.master[name], name


def test_push_sends_the_class_list_labelimg_reads(pushed):
    assert pushed.side["predefined_classes.txt"].decode().split() == ["yama", "kawa", "hi", "ki"]


def test_push_sends_neither_sources_nor_hidden_files(pushed):
    assert not pushed.sources and pushed.hidden == []


def test_a_second_push_with_nothing_changed_sends_nothing(pushed):
    assert "nothing changed since the last push" in pushed.again


# ------------------------------------------------------------------ pull


def test_pull_refuses_a_truncated_file_by_name(labelled):
    assert "refused: " in labelled.out and "kanji_c002.xml: not well-formed XML" in labelled.out


def test_pull_refuses_a_box_outside_the_image(labelled):
    assert "kanji_c003.xml: object 4 (ki) box (350, 350, 420, 380) reaches outside the 400x400 image" in labelled.out


def test_pull_with_refused_files_exits_1_and_counts_them(labelled):
    assert "2 file(s) refused" in labelled.err


@pytest.mark.parametrize("name", ["kanji_c002.xml", "kanji_c003.xml", "kanji_c006.xml", "kanji_c007.xml",
                                  "kanji_c004.xml", "kanji_c002.jpg", "kanji_c000.jpg"])
def test_pull_leaves_refused_and_unchanged_masters_byte_identical(labelled, name):
    assert labelled.after[name] == labelled.before[name]


def test_pull_takes_a_labelimg_file_with_its_boxes(labelled):
    assert boxes(labelled.after["kanji_c000.xml"]) == labelled.c000


def test_pull_describes_moved_renamed_and_removed_boxes(labelled):
    line = line_about(labelled.out, "kanji_c000.xml")
    assert "1 moved" in line and "1 renamed" in line and "1 removed" in line and "added" not in line


def test_pull_takes_a_cvat_export_from_annotations(labelled):
    line = line_about(labelled.out, "kanji_c001.xml")
    assert "1 added (hi 6,6-30,31)" in line and "from Annotations/kanji_c001.xml" in line


def test_pull_takes_a_label_studio_export_by_its_prefixed_name(labelled):
    line = line_about(labelled.out, "kanji_c005.xml")
    assert "1 removed" in line and " moved" not in line


def test_pull_confirms_a_file_saved_without_a_change(labelled):
    assert "kanji_c004.xml: saved by a person with the boxes as they were" in labelled.out


def test_pull_writes_our_filename_folder_and_depth(labelled):
    ann = voc.parse(labelled.after["kanji_c001.xml"])
    assert (ann.filename, ann.folder, ann.depth) == ("kanji_c001.jpg", "master", 3)


def test_pull_writes_integer_coordinates(labelled):
    text = labelled.after["kanji_c001.xml"].decode()
    assert "." not in "".join(ln for ln in text.splitlines() if "min>" in ln or "max>" in ln)


def test_pull_writes_every_field_and_drops_foreign_tags(labelled):
    text = labelled.after["kanji_c001.xml"].decode()
    assert "<pose>Unspecified</pose>" in text and "<occluded>" not in text
    assert "<path>" not in labelled.after["kanji_c000.xml"].decode()


def test_status_after_a_pull_counts_checked_and_prelabelled_carriers(labelled):
    row = labelled.status
    assert (row["carriers"], row["pre-labelled"], row["checked"], row["conflicts"]) == ("8", "4", "4", "0")
    assert row["changed-since-push"] == "0"


def test_unchecked_names_the_carriers_nobody_labelled(labelled):
    assert labelled.unchecked == [f"kanji_c00{i}.xml" for i in (2, 3, 6, 7)]


def test_a_pull_while_files_stay_broken_refuses_them_again_and_takes_nothing(still_broken):
    assert "2 file(s) refused" in still_broken.stderr and "0 taken" in still_broken.stdout


def test_pull_takes_files_fixed_on_the_labeling_side(fixed):
    assert "kanji_c003.xml: 1 added (ki 350,350-400,380)" in fixed.out
    assert "kanji_c002.xml: saved by a person with the boxes as they were" in fixed.out


def test_a_pull_with_nothing_changed_there_changes_nothing_and_says_so(fixed):
    assert "no changes on the labeling side" in fixed.again and "nothing taken" in fixed.again
    assert fixed.after_again == fixed.settled


# ------------------------------------------------------------------ after the round trip


def test_push_after_a_pull_sends_an_exports_labels_beside_the_image(settled):
    assert "sent 0 image(s) and 2 annotation(s)" in settled.out
    assert settled.side["kanji_c001.xml"] == settled.master["kanji_c001.xml"]


def test_push_leaves_labelimgs_own_file_as_the_person_saved_it(settled):
    assert settled.side["kanji_c000.xml"] != settled.master["kanji_c000.xml"]


def test_after_the_round_trip_push_and_pull_have_nothing_to_do(settled):
    assert "nothing changed" in settled.push_again
    assert "no changes on the labeling side" in settled.pull_again


def test_status_after_the_round_trip_counts_the_fixed_files_as_checked(settled):
    assert settled.status["pre-labelled"] == "2"
