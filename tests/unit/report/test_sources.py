"""report.sources: a mix archive (VOC or YOLO) or a project folder read as entries, and their JPEGs."""
from __future__ import annotations

import io
import json
import tarfile

import pytest
from PIL import Image

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.report import sources


def _jpeg_bytes(size=(40, 20), color=(10, 200, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _add(tar, name, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _mix(dist, members: dict, formats=("voc",), name="m1"):
    dist.mkdir(exist_ok=True)
    with tarfile.open(dist / f"{name}.tar.gz", "w:gz") as tar:
        for member, data in members.items():
            _add(tar, f"{name}/{member}", data)
    manifest = {"name": name, "classes": ["close", "far"], "formats": list(formats),
                "provenance": {"projects": {"close": {}, "close_far": {}}}}
    (dist / f"{name}.manifest.json").write_text(json.dumps(manifest))


def _xml(stem, *objects):
    return voc.dumps(voc.Annotation(f"{stem}.jpg", 40, 20, objects=[voc.VocObject(*o) for o in objects]))


def _voc_members():
    return {"Annotations/close_000001.xml": _xml("close_000001", ("close", 1, 1, 10, 10)),
            "Annotations/close_far_000001.xml": _xml("close_far_000001", ("far", 5, 5, 20, 15)),
            "ImageSets/Main/train.txt": b"close_000001\n", "ImageSets/Main/val.txt": b"close_far_000001\n",
            "JPEGImages/close_000001.jpg": _jpeg_bytes(color=(200, 0, 0)),
            "JPEGImages/close_far_000001.jpg": _jpeg_bytes()}


def test_a_voc_mix_gives_entries_with_split_and_longest_project_and_its_jpegs(tmp_path):
    _mix(tmp_path / "dist", _voc_members())
    src = sources.read_mix(tmp_path / "dist", "m1")
    assert [(e.stem, e.split, e.project) for e in src.entries] == [
        ("close_000001", "train", "close"), ("close_far_000001", "val", "close_far")]
    assert src.splits == ["train", "val"] and src.classes == ["close", "far"] and src.title == "mix m1"
    assert src.entries[1].annotation.objects[0].name == "far"
    images = src.images({"close_far_000001"})
    assert list(images) == ["close_far_000001"] and images["close_far_000001"] == _jpeg_bytes()
    only = sources.only_project(src, "close_far")
    assert [e.stem for e in only.entries] == ["close_far_000001"] and only.splits == ["val"]
    with pytest.raises(UserError, match="no image of project 'nope'; its projects: close, close_far"):
        sources.only_project(src, "nope")


def test_a_yolo_mix_reads_boxes_as_fractions_of_each_image(tmp_path):
    _mix(tmp_path / "dist", {"images/train/close_000001.jpg": _jpeg_bytes((40, 20)),
                             "labels/train/close_000001.txt": b"1 0.5 0.5 0.5 0.5\n"}, formats=("yolo",))
    (entry,) = sources.read_mix(tmp_path / "dist", "m1").entries
    assert entry.split == "train" and (entry.annotation.width, entry.annotation.height) == (40, 20)
    (obj,) = entry.annotation.objects
    assert obj.name == "far" and obj.edges() == (10, 5, 30, 15)


def test_a_bad_yolo_line_names_the_label_file(tmp_path):
    _mix(tmp_path / "dist", {"images/train/a_1.jpg": _jpeg_bytes(),
                             "labels/train/a_1.txt": b"7 0.5 0.5 0.1 0.1\n"}, formats=("yolo",))
    with pytest.raises(UserError, match=r"m1/labels/train/a_1\.txt: line '7 0\.5"):
        sources.read_mix(tmp_path / "dist", "m1")


def test_a_missing_or_damaged_archive_is_one_line(tmp_path):
    _mix(tmp_path / "dist", _voc_members())
    archive = tmp_path / "dist/m1.tar.gz"
    archive.write_bytes(archive.read_bytes()[:100])
    with pytest.raises(UserError, match="cannot be read as a mix archive"):
        sources.read_mix(tmp_path / "dist", "m1")
    archive.unlink()
    with pytest.raises(UserError, match="the mix's archive is missing; run inv mix --name m1"):
        sources.read_mix(tmp_path / "dist", "m1")


def test_a_project_gives_master_and_build_entries_and_lists_unreadable_xml(make_project, jpeg, annotation):
    project = make_project("close")
    with pytest.raises(UserError, match="no labelled images yet; run: inv dataaug.compose close"):
        sources.read_project(project)
    jpeg(project.master / "close_c000.jpg")
    voc.write(project.master / "close_c000.xml", annotation("close_c000.jpg", (64, 48), ("close", 2, 2, 9, 9)))
    jpeg(project.build_dir / "close_000001.jpg")
    voc.write(project.build_dir / "close_000001.xml", annotation("close_000001.jpg"))
    jpeg(project.master / "close_c001.jpg")
    (project.master / "close_c001.xml").write_text("<annotation><broken")
    src = sources.read_project(project)
    assert [(e.stem, e.split) for e in src.entries] == [("close_c000", "master"), ("close_000001", "build")]
    assert src.splits == ["master", "build"] and len(src.unreadable) == 1
    assert src.images({"close_c000"})["close_c000"] == (project.master / "close_c000.jpg").read_bytes()
