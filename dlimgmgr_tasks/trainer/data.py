"""A VOC folder as the trainer reads it: image ids of a split, boxes and labels, image tensors.

Standard library, PIL and torch only (the trainer venv). A VOC box is 1-based and inclusive; here
it becomes continuous pixel edges (xmin - 1, ymin - 1, xmax, ymax), what torchvision's detectors
and ap.py use. XML comes from our own mix or held-out scenes; ElementTree expands no external
entities.
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from .ap import Truth


def split_ids(root: str, split: str) -> list[str]:
    """The ids of ImageSets/Main/SPLIT.txt ([] when the mix has no such split)."""
    path = os.path.join(root, "ImageSets", "Main", f"{split}.txt")
    try:
        with open(path, encoding="utf-8") as f:
            return [line.split()[0] for line in f if line.strip()]
    except FileNotFoundError:
        return []


def all_ids(root: str) -> list[str]:
    """Every annotated image of a folder (the held-out scenes have no ImageSets)."""
    return sorted(n[:-4] for n in os.listdir(os.path.join(root, "Annotations")) if n.endswith(".xml"))


def truths(root: str, image_id: str) -> list[Truth]:
    tree = ET.parse(os.path.join(root, "Annotations", f"{image_id}.xml"))
    out = []
    for obj in tree.getroot().iter("object"):
        box = obj.find("bndbox")
        x0, y0, x1, y1 = (float(box.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
        difficult = (obj.findtext("difficult") or "0").strip() == "1"
        out.append(Truth((x0 - 1, y0 - 1, x1, y1), (obj.findtext("name") or "").strip(), difficult))
    return out


def image(root: str, image_id: str):
    """The image as a float tensor 3 x H x W in [0, 1]."""
    import numpy as np
    import torch
    from PIL import Image

    with Image.open(os.path.join(root, "JPEGImages", f"{image_id}.jpg")) as im:
        arr = np.asarray(im.convert("RGB"), dtype=np.uint8)
    return torch.from_numpy(arr.copy()).permute(2, 0, 1).float().div_(255.0)


def target(ts: list[Truth], classes: list[str]) -> dict:
    """A torchvision detection target: difficult objects left out (as ssd-style trainers do);
    label 0 is the background, so class i is i + 1."""
    import torch

    keep = [t for t in ts if not t.difficult and t.label in classes and t.box[2] > t.box[0] and t.box[3] > t.box[1]]
    boxes = torch.tensor([t.box for t in keep], dtype=torch.float32).reshape(-1, 4)
    labels = torch.tensor([classes.index(t.label) + 1 for t in keep], dtype=torch.int64)
    return {"boxes": boxes, "labels": labels}


class Split:
    """One evaluation or training set: a folder and the ids in it, truths read once."""

    def __init__(self, name: str, root: str, ids: list[str]):
        self.name, self.root, self.ids = name, root, ids
        self.truths = {i: truths(root, i) for i in ids}

    def __len__(self) -> int:
        return len(self.ids)
