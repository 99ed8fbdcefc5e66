"""YOLO, COCO and classes.txt from a real mix, read back by maintained third-party readers
(supervision, pycocotools): every box, class and split must be the VOC output's, exactly."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from dlimgmgr_tasks.lib import formats, voc
from dlimgmgr_tasks.lib.formats import coco, yolo
from mixed_voc import NEGATIVE, make_mixed, read_split_lists, voc_boxes, write_members


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    data = make_mixed(tmp_path_factory.mktemp("formats"))
    write_members(formats.members(data.samples, data.classes, ("voc", "yolo", "coco")), data.top)
    return data


def present(mixed) -> list[str]:
    return [s for s, stems in read_split_lists(mixed.top).items() if stems]


def sorted_boxes(pairs):
    return sorted((name, [round(v) for v in box]) for name, box in pairs)


def test_supervision_reads_every_yolo_image_box_and_class_as_the_voc_output(mixed):
    import supervision as sv
    expected, lists = voc_boxes(mixed.top), read_split_lists(mixed.top)
    for split in present(mixed):
        ds = sv.DetectionDataset.from_yolo(images_directory_path=str(mixed.top / "images" / split),
                                           annotations_directory_path=str(mixed.top / "labels" / split),
                                           data_yaml_path=str(mixed.top / "data.yaml"))
        assert ds.classes == mixed.classes
        assert sorted(Path(p).stem for p in ds.image_paths) == sorted(lists[split])
        for path, _image, det in ds:
            # YOLO keeps 0-based edges: VOC xmin 1 is x 0, VOC xmax is the right edge.
            got = [(ds.classes[c], [x0 + 1, y0 + 1, x1, y1]) for c, (x0, y0, x1, y1) in zip(det.class_id, det.xyxy)]
            assert all(abs(v - round(v)) < 1e-3 for _, box in got for v in box), path
            assert sorted_boxes(got) == sorted_boxes(expected[Path(path).stem]), path


def test_supervision_reads_every_coco_image_box_and_class_as_the_voc_output(mixed):
    import supervision as sv
    expected, lists = voc_boxes(mixed.top), read_split_lists(mixed.top)
    for split in present(mixed):
        ds = sv.DetectionDataset.from_coco(images_directory_path=str(mixed.top / "JPEGImages"),
                                           annotations_path=str(mixed.top / "coco" / f"instances_{split}.json"))
        assert ds.classes == mixed.classes
        assert sorted(Path(p).stem for p in ds.image_paths) == sorted(lists[split])
        for path, _image, det in ds:
            got = [(ds.classes[c], [x0 + 1, y0 + 1, x1, y1]) for c, (x0, y0, x1, y1) in zip(det.class_id, det.xyxy)]
            assert sorted_boxes(got) == sorted_boxes(expected[Path(path).stem]), path
            assert [b == round(b) for b in det.xyxy.ravel()] == [True] * det.xyxy.size, "whole pixels"


def test_pycocotools_finds_every_box_with_its_category_area_and_image_size(mixed):
    from pycocotools.coco import COCO
    expected = voc_boxes(mixed.top)
    seen = set()
    for split in present(mixed):
        api = COCO(str(mixed.top / "coco" / f"instances_{split}.json"))
        assert [api.cats[i]["name"] for i in sorted(api.getCatIds())] == mixed.classes
        assert sorted(api.getCatIds()) == list(range(1, len(mixed.classes) + 1))
        for image_id, info in api.imgs.items():
            stem = Path(info["file_name"]).stem
            seen.add(stem)
            anns = api.loadAnns(api.getAnnIds(imgIds=[image_id]))
            assert all(a["area"] == a["bbox"][2] * a["bbox"][3] and a["iscrowd"] == 0 for a in anns)
            got = [(api.cats[a["category_id"]]["name"], [a["bbox"][0] + 1, a["bbox"][1] + 1,
                                                         a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]])
                   for a in anns]
            assert sorted(got) == sorted(expected[stem]), stem
    assert seen == set(expected)


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
