"""COCO detection: one coco/instances_<split>.json per split, as pycocotools and supervision read it.

Categories are the manifest's classes in its order, ids 1..N. Images and annotations are numbered
over the whole dataset in stem order (ids 1.., unique across the split files). `file_name` is
STEM.jpg relative to the VOC JPEGImages/ folder of the same archive (the image root to give a
COCO reader), so no image is stored twice. `bbox` is [x, y, w, h] in whole pixels from our
integer VOC boxes: x = xmin - 1 (0-based edge), w = xmax - xmin + 1; `area` = w * h; `iscrowd` 0.
No `segmentation` key: detection only (an empty one makes Detectron2 drop the instance).
`attributes` keeps VOC's difficult/truncated flags (readers ignore keys they do not know).
"""
from __future__ import annotations

import json

from . import Member, Sample, by_split, class_index, index_of, present_splits, whole_boxes

IMAGE_ROOT = "JPEGImages"


def coco_box(obj) -> list[int]:
    """[x, y, w, h] of an integer 1-based inclusive VOC box."""
    xmin, ymin, xmax, ymax = (int(v) for v in (obj.xmin, obj.ymin, obj.xmax, obj.ymax))
    return [xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1]


def _numbering(samples) -> tuple[dict, dict]:
    """Image id per stem and the first annotation id per stem, over the whole dataset in stem order."""
    image_ids, first_ann, next_ann = {}, {}, 1
    for i, sample in enumerate(sorted(samples, key=lambda s: s.stem), 1):
        if sample.stem in image_ids:
            raise ValueError(f"{sample.stem}: the stem is in the dataset twice")
        image_ids[sample.stem] = i
        first_ann[sample.stem] = next_ann
        next_ann += len(sample.annotation.objects)
    return image_ids, first_ann


def _annotations(sample: Sample, image_id: int, first_id: int, index: dict) -> list[dict]:
    out = []
    for k, obj in enumerate(whole_boxes(sample)):
        box = coco_box(obj)
        out.append({"id": first_id + k, "image_id": image_id,
                    "category_id": index_of(index, sample, obj.name) + 1,
                    "bbox": box, "area": box[2] * box[3], "iscrowd": 0,
                    "attributes": {"difficult": int(obj.difficult), "truncated": int(obj.truncated)}})
    return out


def document(samples, classes, split: str, numbering=None) -> dict:
    """The COCO dict of one split (images of the other splits are left out)."""
    index = class_index(classes)
    samples = list(samples)
    image_ids, first_ann = numbering or _numbering(samples)
    images, annotations = [], []
    for sample in by_split(samples)[split]:
        ann = sample.annotation
        image_id = image_ids[sample.stem]
        images.append({"id": image_id, "file_name": f"{sample.stem}.jpg",
                       "width": ann.width, "height": ann.height})
        annotations += _annotations(sample, image_id, first_ann[sample.stem], index)
    return {"info": {"description": f"dlimgmgr mix, {split} split; images in {IMAGE_ROOT}/"},
            "licenses": [],
            "categories": [{"id": i + 1, "name": name, "supercategory": ""} for i, name in enumerate(classes)],
            "images": images, "annotations": annotations}


def members(samples, classes) -> list[Member]:
    """coco/ and one instances_<split>.json per split (train, val, and test when it has images)."""
    samples = list(samples)
    numbering = _numbering(samples)
    out = [Member("coco/")]
    for split in present_splits(samples):
        doc = document(samples, classes, split, numbering)
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        out.append(Member(f"coco/instances_{split}.json", data))
    return out
