"""lib/pairs.py, the pair scanner: which files of a folder are images, annotations, and pairs."""
from __future__ import annotations

from dlimgmgr_tasks.lib import pairs, projects
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.vocfiles import jpeg, labelimg, make_project


def touch(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return folder


def test_an_image_and_its_xml_pair_by_stem(tmp_path):
    found = pairs.scan(touch(tmp_path, "c1.jpg", "c1.xml"))
    assert [(p.stem, p.image, p.xml) for p in found.pairs] == [("c1", "c1.jpg", "c1.xml")]


def test_an_image_alone_and_an_xml_alone_are_pairs_with_one_side_missing(tmp_path):
    found = pairs.scan(touch(tmp_path, "a.png", "b.xml"))
    assert [(p.stem, p.image, p.xml) for p in found.pairs] == [("a", "a.png", None), ("b", None, "b.xml")]


def test_hidden_files_and_subfolders_are_ignored(tmp_path):
    touch(tmp_path, ".c1.jpg", ".c1.xml", "c2.jpg")
    (tmp_path / "sub.jpg").mkdir()
    assert [p.stem for p in pairs.scan(tmp_path).pairs] == ["c2"]


def test_extensions_match_in_any_case(tmp_path):
    found = pairs.scan(touch(tmp_path, "a.JPG", "a.XML", "b.Jpeg", "c.txt"))
    assert [(p.stem, p.labelled) for p in found.pairs] == [("a", True), ("b", False)]


def test_images_sharing_a_stem_are_one_pair_and_one_shared_group(tmp_path):
    found = pairs.scan(touch(tmp_path, "t.jpg", "t.png", "t.xml"))
    assert [p.image for p in found.pairs] == ["t.jpg"] and found.shared == [["t.jpg", "t.png"]]


def test_every_image_is_listed_even_when_stems_are_shared(tmp_path):
    assert pairs.scan(touch(tmp_path, "t.jpg", "t.png")).images == ["t.jpg", "t.png"]


def test_a_missing_folder_scans_as_empty(tmp_path):
    found = pairs.scan(tmp_path / "nope")
    assert found.pairs == [] and found.images == [] and found.annotations == 0


def test_labelled_pairs_come_in_image_name_order(tmp_path):
    # '-' sorts before '.', so by name a-b.jpg comes first although stem "a" sorts before "a-b".
    found = pairs.scan(touch(tmp_path, "a.jpg", "a.xml", "a-b.jpg", "a-b.xml"))
    assert [p.image for p in found.labelled()] == ["a-b.jpg", "a.jpg"]


def test_each_image_comes_with_its_stems_annotation(tmp_path):
    found = pairs.scan(touch(tmp_path, "a.jpg", "a.xml", "b.png"))
    assert found.images_with_annotations() == [(str(tmp_path / "a.jpg"), str(tmp_path / "a.xml")),
                                               (str(tmp_path / "b.png"), None)]


def test_a_projects_labelled_carriers_are_the_scanners_labelled_pairs(tmp_path):
    pdir = make_project(tmp_path)
    for stem in ("c1", "c2"):
        jpeg(pdir / "master" / f"{stem}.jpg")
    (pdir / "master" / "c1.xml").write_text(labelimg("c1"))
    project = projects.load(Workspace.at(tmp_path), "tp")
    assert project.labelled_carriers() == [(pdir / "master" / "c1.jpg", pdir / "master" / "c1.xml")]


def test_a_projects_carrier_images_are_every_image_of_its_master(tmp_path):
    pdir = make_project(tmp_path)
    for name in ("c2.jpg", "c1.png", "c1.jpg"):
        jpeg(pdir / "master" / name)
    project = projects.load(Workspace.at(tmp_path), "tp")
    assert [p.name for p in project.carrier_images()] == ["c1.jpg", "c1.png", "c2.jpg"]
