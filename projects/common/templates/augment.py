"""Project-specific augmentation for $name (optional; project.yaml's recipe is the usual way).

The build calls `augment(sample, rng)` once per labelled master carrier and takes as many
samples from it as project.yaml's `count` says, so the generator may run forever.

- `sample`: a dict with `image` (H x W x 3 uint8 RGB numpy array), `boxes` (list of
  (x0, y0, x1, y1) 0-based pixel edges, x1/y1 exclusive: albumentations' "pascal_voc") and
  `labels` (list of class names, one per box).
- `rng`: a `numpy.random.Generator` seeded by the framework. Draw every random number from
  it (never `random` or `np.random`) so the same sources and seed give the same build.
- yield dicts of the same shape. The framework names the files, writes the XML, clips the
  boxes to the image and drops boxes that left it.
"""
import albumentations as A


def augment(sample, rng):
    transform = A.Compose(
        [
            A.Affine(rotate=(-5, 5), translate_px={"x": (-5, 5), "y": (-5, 5)}, scale=(0.7, 1.3),
                     border_mode=0, fill=125, p=1.0),
            A.RandomBrightnessContrast(brightness_limit=0.3, contrast_limit=0.2, p=0.8),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"], clip=True),
        seed=int(rng.integers(2**31)),
    )
    while True:
        out = transform(image=sample["image"], bboxes=sample["boxes"], labels=sample["labels"])
        yield {"image": out["image"], "boxes": [tuple(b) for b in out["bboxes"]], "labels": list(out["labels"])}
