"""The fitness model, its training within a budget, and its evaluation.

Model: torchvision's fasterrcnn_mobilenet_v3_large_fpn from scratch (weights=None,
weights_backbone=None: nothing is downloaded; the backbone then uses BatchNorm and trains every
layer). Chosen over ssdlite320_mobilenet_v3_large because (1) its smallest anchors are 32 px and
its input size is ours (min_size/max_size), while SSDlite resizes to 320 and its smallest default
box is a fifth of the image (64 px), larger than most of our 18-86 px icons; (2) a two-stage
detector with sampled proposals learns from scratch in far fewer steps than SSDlite, whose
torchvision recipe trains 600 epochs -- a fitness run has minutes.
"""
from __future__ import annotations

import random
import time

from . import ap
from .data import Split, image, target

MODEL = "fasterrcnn_mobilenet_v3_large_fpn"
CPU_SIDE = 320        # the small CPU mode: images go in at most this size
BATCH = {"cuda": 8, "cpu": 2}
LR = 0.02
WARMUP = 100
PRINT_EVERY = 5.0     # seconds between progress lines


def pick_device(asked: str) -> str:
    import torch

    if asked == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda, but torch sees no CUDA device on this host; use --device auto or cpu")
    if asked == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return asked


def build_model(classes: list[str], side: int, device: str):
    from torchvision.models.detection import fasterrcnn_mobilenet_v3_large_fpn

    # box_score_thresh near 0: AP needs the low-scoring detections too (the devkit ranks them all).
    # The small CPU mode keeps fewer proposals: our images hold a few objects, and an untrained
    # model's 1,000 near-uniform proposals per image cost seconds of NMS each.
    small = {} if device == "cuda" else {"rpn_pre_nms_top_n_train": 600, "rpn_post_nms_top_n_train": 300,
                                         "rpn_pre_nms_top_n_test": 300, "rpn_post_nms_top_n_test": 100,
                                         "box_batch_size_per_image": 128}
    model = fasterrcnn_mobilenet_v3_large_fpn(weights=None, weights_backbone=None, num_classes=len(classes) + 1,
                                              min_size=side, max_size=side, box_score_thresh=0.001,
                                              box_detections_per_img=100, **small)
    return model.to(device)


def _batches(ids: list[str], size: int, seed: int):
    """Shuffled batches, epoch after epoch, forever (the budget ends the loop)."""
    rnd, epoch = random.Random(seed), 0
    while True:
        order = list(ids)
        rnd.shuffle(order)
        for i in range(0, len(order), size):
            yield epoch, order[i:i + size]
        epoch += 1


def fit(model, train: Split, classes: list[str], device: str, *, steps: int | None, seconds: float | None,
        seed: int, say) -> dict:
    """Train until `steps` steps or `seconds` passed; progress lines through `say`."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=LR, momentum=0.9, weight_decay=1e-4)
    warmup = min(WARMUP, max(1, (steps or WARMUP * 5) // 5))
    model.train()
    start = last = time.monotonic()
    done, loss_avg, epoch = 0, None, 0
    for epoch, ids in _batches(train.ids, BATCH[device], seed):
        if (steps is not None and done >= steps) or (seconds is not None and time.monotonic() - start >= seconds):
            break
        for group in opt.param_groups:
            group["lr"] = LR * min(1.0, (done + 1) / warmup)
        images = [image(train.root, i).to(device) for i in ids]
        targets = [{k: v.to(device) for k, v in target(train.truths[i], classes).items()} for i in ids]
        losses = model(images, targets)
        loss = sum(losses.values())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 10.0)   # from scratch, early steps can spike
        opt.step()
        done += 1
        value = float(loss.detach())
        loss_avg = value if loss_avg is None else 0.9 * loss_avg + 0.1 * value
        if time.monotonic() - last >= PRINT_EVERY or done == 1 or done == steps:
            last = time.monotonic()
            budget = f"/{steps}" if steps else f" ({last - start:.0f} of {seconds:.0f} s)"
            say(f"step {done}{budget}  epoch {epoch + 1}  loss {loss_avg:.3f}")
    return {"steps": done, "epochs": epoch + 1 if done else 0, "loss": loss_avg,
            "seconds": round(time.monotonic() - start, 1)}


def detect(model, split: Split, classes: list[str], device: str, say) -> dict:
    """{image id: [ap.Detection]} over the split."""
    import torch

    model.eval()
    out, last = {}, time.monotonic()
    with torch.no_grad():
        for n in range(0, len(split.ids), BATCH[device]):
            ids = split.ids[n:n + BATCH[device]]
            results = model([image(split.root, i).to(device) for i in ids])
            for i, res in zip(ids, results):
                out[i] = [ap.Detection(tuple(float(v) for v in box), classes[int(label) - 1], float(score))
                          for box, label, score in zip(res["boxes"].cpu(), res["labels"].cpu(), res["scores"].cpu())]
            if time.monotonic() - last >= PRINT_EVERY:
                last = time.monotonic()
                say(f"evaluating {split.name}: {min(n + len(ids), len(split))}/{len(split)} images")
    return out


def evaluate(model, split: Split, classes: list[str], device: str, say) -> dict:
    start = time.monotonic()
    result = ap.evaluate(split.truths, detect(model, split, classes, device, say), classes)
    result["seconds"] = round(time.monotonic() - start, 1)
    mean = "-" if result["mean"] is None else f"{result['mean']:.3f}"
    say(f"AP50 {split.name}: {mean} over {len(split)} images")
    return result
