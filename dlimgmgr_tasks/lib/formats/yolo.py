"""YOLO as Ultralytics reads it: data.yaml, images/<split>/STEM.jpg, labels/<split>/STEM.txt.

A label line is `class cx cy w h`: the 0-based class index in the manifest's order and the box's
centre and size divided by the image's width and height, from the box's 0-based pixel edges
(VOC xmin 1 is edge 0, xmax is the exclusive right edge). Six decimals keep every box within
1/2000 of a pixel of ours for images up to 1000 px, so it rounds back to our integers. A negative
image (no object) gets an empty label file, as Ultralytics expects.

data.yaml has train/val(/test) relative to the folder it sits in and `names` in the manifest's
order. It has no `path:` key on purpose: Ultralytics (check_det_dataset) resolves `path: .`
against the *working directory*, so training from anywhere but the dataset folder would miss the
images; without `path:` it uses the folder data.yaml is in, wherever the dataset was deployed.
images/train and images/val (and their labels/) are always there, as Ultralytics requires both.
"""
from __future__ import annotations

import yaml

from . import Member, Sample, by_split, class_index, index_of, present_splits, voc_image, whole_boxes

DECIMALS = 6


def label_text(sample: Sample, index: dict) -> bytes:
    """The sample's label file: one `class cx cy w h` line per object, in the annotation's order."""
    width, height = sample.annotation.width, sample.annotation.height
    lines = []
    for obj in whole_boxes(sample):
        x0, y0, x1, y1 = obj.edges()
        cx, cy = (x0 + x1) / 2 / width, (y0 + y1) / 2 / height
        w, h = (x1 - x0) / width, (y1 - y0) / height
        lines.append(f"{index_of(index, sample, obj.name)} "
                     + " ".join(f"{v:.{DECIMALS}f}" for v in (cx, cy, w, h)) + "\n")
    return "".join(lines).encode()


def data_yaml(classes, splits) -> bytes:
    """data.yaml: image folders relative to its own folder, `names` as {index: name}."""
    doc = {split: f"images/{split}" for split in splits}
    doc["names"] = dict(enumerate(classes))
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")


def members(samples, classes) -> list[Member]:
    """data.yaml, then per split the images/ and labels/ folders and files, sorted by path."""
    index = class_index(classes)
    samples = list(samples)
    splits = present_splits(samples)
    groups = by_split(samples)
    out = [Member("data.yaml", data_yaml(classes, splits)), Member("images/"), Member("labels/")]
    for split in splits:
        out += [Member(f"images/{split}/"), Member(f"labels/{split}/")]
        for sample in groups[split]:
            out.append(Member(f"images/{split}/{sample.stem}.jpg", source=sample.image,
                              same_as=voc_image(sample.stem)))
            out.append(Member(f"labels/{split}/{sample.stem}.txt", label_text(sample, index)))
    out.sort(key=lambda m: m.path)
    return out
