"""Third-party readers (supervision, pycocotools) checked against a mix's VOC output: shared by
tests/unit/formats/test_formats.py (members written by the library) and
tests/cli/dlimgmgr/test_mix_formats.py (the archive `inv mix --format` made)."""
from __future__ import annotations

from pathlib import Path

from tests.helpers.mixed_voc import read_split_lists, voc_boxes


def present(mixed) -> list[str]:
    return [s for s, stems in read_split_lists(mixed.top).items() if stems]


def sorted_boxes(pairs):
    return sorted((name, [round(v) for v in box]) for name, box in pairs)


def supervision_yolo_is_the_voc(mixed) -> None:
    """supervision reads every YOLO image, box and class of `mixed` as its VOC output says."""
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


def supervision_coco_is_the_voc(mixed) -> None:
    """supervision reads every COCO image, box and class of `mixed` as its VOC output says."""
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


def pycocotools_is_the_voc(mixed) -> None:
    """pycocotools finds every box of `mixed` with its category, area and image size."""
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
