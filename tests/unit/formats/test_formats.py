"""YOLO, COCO and classes.txt from a real mix, read back by maintained third-party readers
(supervision, pycocotools): every box, class and split must be the VOC output's, exactly."""
from __future__ import annotations

import random

import pytest
import yaml

from dlimgmgr_tasks.lib import formats, voc
from dlimgmgr_tasks.lib.formats import coco, yolo
from tests.helpers import readers
from tests.helpers.mixed_voc import NEGATIVE, make_mixed, write_members
from tests.helpers.readers import present


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    data = make_mixed(tmp_path_factory.mktemp("formats"))
    write_members(formats.members(data.samples, data.classes, ("voc", "yolo", "coco")), data.top)
    return data


def test_supervision_reads_every_yolo_image_box_and_class_as_the_voc_output(mixed):
    readers.supervision_yolo_is_the_voc(mixed)


def test_supervision_reads_every_coco_image_box_and_class_as_the_voc_output(mixed):
    readers.supervision_coco_is_the_voc(mixed)


def test_pycocotools_finds_every_box_with_its_category_area_and_image_size(mixed):
    readers.pycocotools_is_the_voc(mixed)


def test_coco_ids_are_unique_across_the_split_files(mixed):
    import json
    docs = [json.loads((mixed.top / "coco" / f"instances_{s}.json").read_text()) for s in present(mixed)]
    image_ids = [i["id"] for d in docs for i in d["images"]]
    ann_ids = [a["id"] for d in docs for a in d["annotations"]]
    assert len(set(image_ids)) == len(image_ids) and len(set(ann_ids)) == len(ann_ids)


def test_a_negative_image_gets_an_empty_label_file_and_no_coco_annotation(mixed):
    from pycocotools.coco import COCO
    label = mixed.top / "labels" / "val" / f"{NEGATIVE}.txt"
    assert label.is_file() and label.read_bytes() == b""
    api = COCO(str(mixed.top / "coco" / "instances_val.json"))
    (image_id,) = [i for i, info in api.imgs.items() if info["file_name"] == f"{NEGATIVE}.jpg"]
    assert api.getAnnIds(imgIds=[image_id]) == []


def test_yolo_images_are_the_voc_jpegs_themselves(mixed):
    for split in present(mixed):
        for image in (mixed.top / "images" / split).iterdir():
            assert image.read_bytes() == (mixed.top / "JPEGImages" / image.name).read_bytes()


def test_data_yaml_names_the_classes_in_manifest_order_relative_to_its_folder(mixed):
    doc = yaml.safe_load((mixed.top / "data.yaml").read_text())
    assert doc == {"train": "images/train", "val": "images/val", "test": "images/test",
                   "names": dict(enumerate(mixed.classes))}


def test_classes_txt_lists_the_manifest_classes_one_per_line(mixed):
    assert (mixed.top / "classes.txt").read_text().splitlines() == mixed.classes


def test_the_members_are_byte_identical_whatever_the_order_of_the_samples(mixed):
    shuffled = list(mixed.samples)
    random.Random(7).shuffle(shuffled)
    assert formats.members(shuffled, mixed.classes) == formats.members(mixed.samples, mixed.classes)


def test_members_come_sorted_by_path_with_each_folder_before_its_files(mixed):
    paths = [m.path for m in formats.members(mixed.samples, mixed.classes)]
    assert paths == sorted(paths)
    folders = {p for p in paths if p.endswith("/")}
    assert all(p.rsplit("/", 1)[0] + "/" in folders for p in paths if "/" in p.rstrip("/"))


def one_box_sample(xmin, ymin, xmax, ymax, split="train", name="close"):
    ann = voc.Annotation("a.jpg", 400, 300, 3, [voc.VocObject(name, xmin, ymin, xmax, ymax)])
    return formats.Sample(split, "a", ann)


def test_a_coco_bbox_starts_at_the_0_based_edge_and_counts_both_end_pixels():
    doc = coco.document([one_box_sample(1, 1, 32, 16)], ["close"], "train")
    assert doc["annotations"][0]["bbox"] == [0, 0, 32, 16]
    assert doc["annotations"][0]["area"] == 512


def test_a_yolo_label_is_the_normalised_centre_and_size_of_the_pixel_edges():
    line = yolo.label_text(one_box_sample(1, 1, 400, 150), {"close": 0}).decode()
    assert line == "0 0.500000 0.250000 1.000000 0.500000\n"


def test_a_class_outside_the_list_is_refused_naming_the_image():
    with pytest.raises(ValueError, match="a: class 'dog'"):
        formats.members([one_box_sample(1, 1, 2, 2, name="dog")], ["close"])


def test_without_test_images_no_test_split_is_written_but_val_always_is():
    paths = [m.path for m in formats.members([one_box_sample(1, 1, 2, 2)], ["close"])]
    assert "coco/instances_val.json" in paths and "images/val/" in paths and "labels/val/" in paths
    assert not [p for p in paths if "test" in p]
