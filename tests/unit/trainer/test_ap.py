"""The trainer's VOC AP50 (dlimgmgr_tasks/trainer/ap.py) against pycocotools on detections made by hand.

pycocotools' AP is a 101-point interpolation, VOC's is all-point, so the two are not the same
number. The comparison is set up so that both compute the same quantities:
- the matching: pycocotools' per-detection verdicts (evalImgs: dtMatches, dtIgnore) must be ours
  (true positive, false positive, ignored) for every detection. A difficult VOC object is given to
  COCO as `iscrowd` (its only way to ignore a truth and the detections on it); the cases keep every
  IoU far from 0.5 (VOC matches above it, COCO at or above) and give crowd boxes detections equal
  to them (crowd IoU divides by the detection's area);
- the curve: our precision envelope, sampled at COCO's 101 recall thresholds as COCOeval.accumulate
  samples it, must equal its `precision` array;
- the all-point area: computed here from pycocotools' verdicts with the devkit's formula must equal ours.
All to 1e-6.
"""
from __future__ import annotations

import bisect
import random

import numpy as np
import pytest

from dlimgmgr_tasks.trainer import ap

CLASSES = ["close", "ok"]


def _coco(truths, detections):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images = list(truths)
    gt = COCO()
    anns = []
    for img_id, img in enumerate(images, 1):
        for t in truths[img]:
            x0, y0, x1, y1 = t.box
            anns.append({"id": len(anns) + 1, "image_id": img_id, "category_id": CLASSES.index(t.label) + 1,
                         "bbox": [x0, y0, x1 - x0, y1 - y0], "area": (x1 - x0) * (y1 - y0),
                         "iscrowd": int(t.difficult)})
    gt.dataset = {"images": [{"id": i, "width": 400, "height": 400} for i in range(1, len(images) + 1)],
                  "annotations": anns, "categories": [{"id": i + 1, "name": c} for i, c in enumerate(CLASSES)]}
    gt.createIndex()
    dets = [{"image_id": images.index(img) + 1, "category_id": CLASSES.index(d.label) + 1, "score": d.score,
             "bbox": [d.box[0], d.box[1], d.box[2] - d.box[0], d.box[3] - d.box[1]]}
            for img, ds in detections.items() for d in ds]
    dt = gt.loadRes(dets) if dets else COCO()
    ev = COCOeval(gt, dt, "bbox")
    ev.params.iouThrs = np.array([0.5])
    ev.params.maxDets = [100, 100, 100]
    ev.evaluate()
    ev.accumulate()
    return ev


def _coco_verdicts(ev, label) -> tuple[list, int]:
    """[(score, 1|0)] highest first (ignored left out) and the number of non-ignored truths, from
    pycocotools' per-image evaluation at area range 'all', as accumulate() orders them."""
    k = CLASSES.index(label) + 1
    scores, hits, npos = [], [], 0
    for e in ev.evalImgs:
        if e is None or e["category_id"] != k or e["aRng"] != ev.params.areaRng[0]:
            continue
        npos += int(np.count_nonzero(e["gtIgnore"] == 0))
        for s, m, ig in zip(e["dtScores"], e["dtMatches"][0], e["dtIgnore"][0]):
            if not ig:
                scores.append(s)
                hits.append(1 if m > 0 else 0)
    order = np.argsort(-np.array(scores), kind="mergesort")
    return [(scores[i], hits[i]) for i in order], npos


def _sampled(rec, prec) -> list[float]:
    """Our envelope at COCO's 101 recall thresholds, as COCOeval.accumulate samples it."""
    env = list(prec)
    for i in range(len(env) - 2, -1, -1):
        env[i] = max(env[i], env[i + 1])
    out = []
    for r in np.linspace(0.0, 1.0, 101):
        i = bisect.bisect_left(rec, r)
        out.append(env[i] if i < len(env) else 0.0)
    return out


def _agree(truths, detections):
    ev = _coco(truths, detections)
    ours = ap.evaluate(truths, detections, CLASSES)
    checked = 0
    for k, label in enumerate(CLASSES):
        matched, npos = ap.matches(truths, detections, label)
        theirs, their_npos = _coco_verdicts(ev, label)
        assert npos == their_npos
        assert [h for _, h in matched] == [h for _, h in theirs], label
        if not npos:
            assert ours["per_class"][label] is None
            continue
        rec, prec = ap.curve(matched, npos)
        coco_prec = ev.eval["precision"][0, :, k, 0, -1]
        assert np.allclose(_sampled(rec, prec), coco_prec, atol=1e-6, rtol=0), label
        reference = ap.all_point(*ap.curve(theirs, their_npos))
        assert ours["per_class"][label] == pytest.approx(reference, abs=1e-6)
        checked += 1
    return ours, checked


def T(x0, y0, x1, y1, label="close", difficult=False):
    return ap.Truth((x0, y0, x1, y1), label, difficult)


def D(x0, y0, x1, y1, score, label="close"):
    return ap.Detection((x0, y0, x1, y1), label, score)


def test_hand_made_cases_agree_with_pycocotools_and_the_devkit_by_hand():
    truths = {
        "a": [T(10, 10, 50, 50), T(200, 200, 240, 240), T(100, 300, 140, 340, "ok")],
        "b": [T(60, 60, 100, 100), T(300, 20, 340, 60, difficult=True)],
        "empty": [],                                   # no objects: any detection there is a false positive
        "missed": [T(5, 5, 45, 45, "ok"), T(150, 150, 190, 190)],   # nothing found here
    }
    detections = {
        "a": [D(11, 11, 51, 50, 0.95), D(12, 10, 50, 52, 0.9),      # a hit, then its duplicate
              D(202, 198, 240, 242, 0.6), D(100, 300, 140, 340, 0.8, "ok"),
              D(350, 350, 390, 390, 0.7)],                          # nowhere near a truth
        "b": [D(61, 59, 100, 101, 0.85), D(300, 20, 340, 60, 0.99),  # on the difficult one: ignored
              D(300, 20, 340, 60, 0.5)],                             # twice: still ignored
        "empty": [D(10, 10, 50, 50, 0.75), D(20, 20, 60, 60, 0.3, "ok")],
        "missed": [],
    }
    ours, checked = _agree(truths, detections)
    assert checked == 2
    # close: 4 non-difficult truths; ranked verdicts 0.95 TP, 0.9 FP (duplicate), 0.85 TP, 0.75 FP,
    # 0.7 FP, 0.6 TP: recall 1/4, 2/4, 3/4 at precision 1, 2/3, 1/2 -> 0.25 + 0.25*2/3 + 0.25/2.
    assert ours["per_class"]["close"] == pytest.approx(0.25 + 0.25 * 2 / 3 + 0.125, abs=1e-12)
    # ok: 2 truths, one found first (precision 1 at recall 1/2), one missed; the 0.3 FP comes later.
    assert ours["per_class"]["ok"] == pytest.approx(0.5, abs=1e-12)
    assert ours["objects"] == {"close": 4, "ok": 2}
    assert ours["mean"] == pytest.approx((ours["per_class"]["close"] + 0.5) / 2)


def test_a_class_without_objects_has_no_ap_and_stays_out_of_the_mean():
    truths = {"a": [T(10, 10, 50, 50)], "b": []}
    detections = {"a": [D(10, 10, 50, 50, 0.9)], "b": [D(1, 1, 30, 30, 0.8, "ok")]}
    ours, checked = _agree(truths, detections)
    assert checked == 1
    assert ours["per_class"] == {"close": 1.0, "ok": None}
    assert ours["mean"] == 1.0


def test_only_difficult_objects_count_as_no_objects():
    truths = {"a": [T(10, 10, 50, 50, difficult=True)]}
    detections = {"a": [D(10, 10, 50, 50, 0.9)]}
    ours, _ = _agree(truths, detections)
    assert ours["per_class"]["close"] is None and ours["mean"] is None


@pytest.mark.parametrize("seed", range(12))
def test_random_scenes_agree_with_pycocotools(seed):
    """Many images, misses, duplicates, strays and difficult objects, scores without ties; truths
    kept apart so no detection is near two of them (where COCO's and VOC's matching differ)."""
    rnd = random.Random(seed)
    truths, detections = {}, {}
    for i in range(rnd.randint(4, 12)):
        cells = rnd.sample(range(16), rnd.randint(0, 6))
        ts, ds = [], []
        for c in cells:
            x, y = (c % 4) * 100 + 20, (c // 4) * 100 + 20
            w, h = rnd.randint(20, 50), rnd.randint(20, 50)
            t = T(x, y, x + w, y + h, rnd.choice(CLASSES), difficult=rnd.random() < 0.15)
            ts.append(t)
            for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):   # missed, found, found again
                if t.difficult:
                    ds.append(ap.Detection(t.box, t.label, rnd.random()))
                else:
                    dx, dy = rnd.uniform(-2, 2), rnd.uniform(-2, 2)   # IoU well above 0.5
                    ds.append(ap.Detection((x + dx, y + dy, x + w + dx, y + h + dy), t.label, rnd.random()))
            if rnd.random() < 0.2:   # the right place, the wrong class
                ds.append(ap.Detection(t.box, CLASSES[1 - CLASSES.index(t.label)], rnd.random()))
        for _ in range(rnd.randint(0, 3)):   # strays between the cells
            x, y = rnd.choice([0, 100, 200, 300]) + 75, rnd.choice([0, 100, 200, 300]) + 75
            ds.append(ap.Detection((x, y, x + 20, y + 20), rnd.choice(CLASSES), rnd.random()))
        truths[f"img{i}"], detections[f"img{i}"] = ts, ds
    _agree(truths, detections)
