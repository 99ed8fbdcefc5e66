"""`inv mix --format voc,yolo,coco`: the three formats in the one archive, read by maintained
third-party readers exactly as the VOC part says; YOLO images are hard links to the VOC JPEGs;
images without objects are in YOLO and COCO always, in VOC only with --negatives."""
from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from tests.helpers.repo import make_repo
from dlimgmgr_tasks.lib import voc
from tests.helpers import readers
from tests.helpers.mixed_voc import Mixed

NEGATIVE = "close_999999"
FORMATS = ("--format", "voc,yolo,coco", "--train", "0.7", "--val", "0.2", "--test", "0.1")


def add_negative_build_image(repo) -> None:
    build = repo.project("close") / "build"
    first = sorted(build.glob("*.jpg"))[0]
    (build / f"{NEGATIVE}.jpg").write_bytes(first.read_bytes())
    ann = voc.read(first.with_suffix(".xml"))
    voc.write(build / f"{NEGATIVE}.xml", voc.Annotation(f"{NEGATIVE}.jpg", ann.width, ann.height, 3, []))


def unpack(repo, dest: Path) -> Path:
    with tarfile.open(repo.path / "dist" / "voc.tar.gz") as tar:
        tar.extractall(dest, filter="data")
    return dest / "voc"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mixformats")
    repo = make_repo(tmp)
    repo.inv("build", check=True)
    add_negative_build_image(repo)
    repo.inv("mix", *FORMATS, "--negatives", check=True)
    manifest = json.loads((repo.path / "dist" / "voc.manifest.json").read_text())
    return Mixed(repo, unpack(repo, tmp / "unpacked"), manifest["classes"], [])


def test_supervision_reads_the_mixed_yolo_as_the_mixed_voc(mixed):
    readers.supervision_yolo_is_the_voc(mixed)


def test_supervision_reads_the_mixed_coco_as_the_mixed_voc(mixed):
    readers.supervision_coco_is_the_voc(mixed)


def test_pycocotools_reads_the_mixed_coco(mixed):
    readers.pycocotools_is_the_voc(mixed)


def test_the_mixed_negative_has_an_empty_yolo_label(mixed):
    labels = list(mixed.top.glob(f"labels/*/{NEGATIVE}.txt"))
    assert len(labels) == 1 and labels[0].read_bytes() == b""


def test_yolo_images_are_hard_links_to_the_voc_jpegs_in_the_archive(mixed):
    with tarfile.open(mixed.repo.path / "dist" / "voc.tar.gz") as tar:
        images = [m for m in tar.getmembers() if m.name.startswith("voc/images/") and m.isfile() or m.islnk()]
    assert images and all(m.islnk() and m.linkname.startswith("voc/JPEGImages/") for m in images)


def test_the_manifest_lists_the_formats_and_classes_txt_follows_its_order(mixed):
    manifest = json.loads((mixed.repo.path / "dist" / "voc.manifest.json").read_text())
    assert manifest["formats"] == ["voc", "yolo", "coco"]
    assert (mixed.top / "classes.txt").read_text().split() == manifest["classes"]


def test_a_re_mix_with_every_format_is_byte_identical(mixed):
    archive = mixed.repo.path / "dist" / "voc.tar.gz"
    first = hashlib.sha256(archive.read_bytes()).hexdigest()
    mixed.repo.inv("mix", *FORMATS, "--negatives", check=True)
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == first


def test_without_negatives_voc_leaves_the_negative_out_but_yolo_and_coco_keep_it(mixed, tmp_path):
    mixed.repo.inv("mix", *FORMATS, "--name", "noneg", check=True)
    with tarfile.open(mixed.repo.path / "dist" / "noneg.tar.gz") as tar:
        tar.extractall(tmp_path, filter="data")
    top = tmp_path / "noneg"
    assert not (top / "JPEGImages" / f"{NEGATIVE}.jpg").exists()
    assert len(list(top.glob(f"images/*/{NEGATIVE}.jpg"))) == 1
    coco_files = [json.loads(p.read_text()) for p in (top / "coco").glob("instances_*.json")]
    assert sum(img["file_name"] == f"{NEGATIVE}.jpg" for doc in coco_files for img in doc["images"]) == 1


def test_the_deployed_archive_with_every_format_unpacks_on_the_pytorch_host(mixed):
    mixed.repo.inv("deploy", "--name", "voc", check=True)
    home = mixed.repo.path.parent / "pytorch" / "datasets" / "voc"
    assert (home / "data.yaml").is_file() and (home / "coco").is_dir()
    linked = next(home.glob("images/train/*.jpg"))
    assert linked.stat().st_nlink == 2
