"""The formats' edges: COCO alone is refused (its file_name points into JPEGImages/), a format
named twice is written once, the report of a YOLO-only mix counts its images and reads the same
boxes as VOC, and a class name that breaks labelmap.txt or a file name is refused early."""
from __future__ import annotations

import json
import tarfile

import pytest
import yaml
from tests.helpers.repo import make_repo

from dlimgmgr_tasks.lib.report import sources


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("formatedges"))
    repo.inv("build", "--project", "close", check=True)
    return repo


def one_line(proc) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


def test_coco_alone_is_refused_and_nothing_written(built):
    line = one_line(built.inv("mix", "--projects", "close", "--name", "cocoonly", "--format", "coco", check=False))
    assert "--format voc,coco" in line
    assert not list((built.path / "dist").glob("cocoonly*")) if (built.path / "dist").exists() else True


def test_a_format_named_twice_is_written_once_and_deploys(built):
    built.inv("mix", "--projects", "close", "--name", "twice", "--format", "voc,yolo,yolo", check=True)
    with tarfile.open(built.path / "dist" / "twice.tar.gz") as tar:
        names = tar.getnames()
    assert len(names) == len(set(names))
    manifest = json.loads((built.path / "dist" / "twice.manifest.json").read_text())
    assert manifest["formats"] == ["voc", "yolo"]
    built.inv("deploy", "--name", "twice", check=True)


def test_the_report_of_a_yolo_only_mix_counts_its_images_with_the_voc_boxes(built):
    built.inv("mix", "--projects", "close", "--name", "both", "--format", "voc,yolo", check=True)
    built.inv("mix", "--projects", "close", "--name", "yoloonly", "--format", "yolo", check=True)
    manifest = json.loads((built.path / "dist" / "yoloonly.manifest.json").read_text())
    total = manifest["counts"]["total_images"]
    out = built.inv("dlimgmgr.report", "--mix", "yoloonly", check=True).stdout
    assert f": {total} images" in out and total > 0, out
    voc_side = sources.read_mix(built.path / "dist", "both")
    yolo_side = sources.read_mix(built.path / "dist", "yoloonly")
    assert len(yolo_side.entries) == total

    def boxes(entries):
        return {e.stem: (e.split, [(o.name, o.xmin, o.ymin, o.xmax, o.ymax) for o in e.annotation.objects])
                for e in entries}
    from_yolo, from_voc = boxes(yolo_side.entries), boxes(voc_side.entries)
    assert {s: from_yolo[s] for s in from_voc} == from_voc
    # YOLO keeps the images with no object, which VOC leaves out without --negatives.
    assert all(not from_yolo[s][1] for s in set(from_yolo) - set(from_voc))


@pytest.mark.parametrize("cls, said", [("#close", "starts with '#'"), ("c" * 250, "250 bytes long")])
def test_a_class_that_breaks_labelmap_or_a_file_name_is_refused_at_build(built, cls, said):
    path = built.project("close") / "project.yaml"
    original = path.read_bytes()
    data = yaml.safe_load(original)
    data["classes"] = [cls]
    path.write_text(yaml.safe_dump(data))
    try:
        line = one_line(built.inv("build", "--project", "close", check=False))
    finally:
        path.write_bytes(original)
    assert "projects/close/project.yaml" in line and said in line, line


def test_a_remap_to_a_comment_class_is_refused(built):
    line = one_line(built.inv("mix", "--projects", "close", "--remap", "close=#close", check=False))
    assert "starts with '#'" in line
