"""VOC AP50 with all-point interpolation (the PASCAL VOC devkit's rule since 2010), per class and mean.

Standard library only: the orchestrator's tests import it without torch, the trainer on the
pytorch host imports it beside torch. Boxes are continuous pixel coordinates (x0, y0, x1, y1)
with x1 exclusive, as torchvision's detectors give them; a VOC box (1-based, inclusive) is
(xmin - 1, ymin - 1, xmax, ymax) here, so IoU needs no "+1" and equals the devkit's on its integers.

Matching, as the devkit does it: a class's detections over all images, highest score first; each
takes the ground-truth box of its image with the highest IoU; above the threshold it is a true
positive when that box is not difficult and not taken yet, a false positive when it was taken (a
duplicate), and neither when the box is difficult (ignored). Below the threshold: a false
positive. Difficult boxes do not count as positives to find.
"""
from __future__ import annotations

from dataclasses import dataclass

IOU = 0.5


@dataclass(frozen=True)
class Truth:
    box: tuple[float, float, float, float]
    label: str
    difficult: bool = False


@dataclass(frozen=True)
class Detection:
    box: tuple[float, float, float, float]
    label: str
    score: float


def iou(a, b) -> float:
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def matches(truths: dict, detections: dict, label: str, threshold: float = IOU) -> tuple[list, int]:
    """([(score, 1 true positive | 0 false positive)] highest score first, difficult matches left
    out; the number of non-difficult truths) for one class over images {image id: [Truth]} and
    {image id: [Detection]}. Ties in score keep image order, then detection order."""
    gts = {img: [t for t in ts if t.label == label] for img, ts in truths.items()}
    npos = sum(1 for ts in gts.values() for t in ts if not t.difficult)
    dets = [(d.score, order, img, d) for order, (img, ds) in enumerate(detections.items())
            for d in ds if d.label == label]
    dets.sort(key=lambda x: -x[0])   # stable: equal scores keep their order
    taken: dict = {}
    out = []
    for score, _, img, det in dets:
        best, best_i = 0.0, -1
        for i, t in enumerate(gts.get(img, ())):
            o = iou(det.box, t.box)
            if o > best:
                best, best_i = o, i
        if best > threshold:
            truth = gts[img][best_i]
            if truth.difficult:
                continue
            seen = taken.setdefault(img, set())
            out.append((score, 0 if best_i in seen else 1))
            seen.add(best_i)
        else:
            out.append((score, 0))
    return out, npos


def curve(matched: list, npos: int) -> tuple[list[float], list[float]]:
    """(recall, precision) after each detection of `matches`."""
    tp = fp = 0
    rec, prec = [], []
    for _, hit in matched:
        tp += hit
        fp += 1 - hit
        rec.append(tp / npos if npos else 0.0)
        prec.append(tp / (tp + fp))
    return rec, prec


def all_point(rec: list[float], prec: list[float]) -> float:
    """The area under the precision envelope (precision made monotone from the right), summed
    where recall changes: the devkit's VOCap."""
    mrec = [0.0, *rec, 1.0]
    mpre = [0.0, *prec, 0.0]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    return sum((mrec[i] - mrec[i - 1]) * mpre[i] for i in range(1, len(mrec)) if mrec[i] != mrec[i - 1])


def average_precision(truths: dict, detections: dict, label: str, threshold: float = IOU) -> float | None:
    """AP of one class; None when the images hold no (non-difficult) object of it."""
    matched, npos = matches(truths, detections, label, threshold)
    if not npos:
        return None
    return all_point(*curve(matched, npos))


def evaluate(truths: dict, detections: dict, classes: list[str], threshold: float = IOU) -> dict:
    """{"per_class": {class: AP or None}, "objects": {class: non-difficult truths}, "mean": the mean
    over classes that have objects (None if none has), "images": n}."""
    per_class, objects = {}, {}
    for label in classes:
        matched, npos = matches(truths, detections, label, threshold)
        objects[label] = npos
        per_class[label] = all_point(*curve(matched, npos)) if npos else None
    known = [v for v in per_class.values() if v is not None]
    return {"per_class": per_class, "objects": objects, "images": len(truths),
            "mean": sum(known) / len(known) if known else None}
