"""Augmentation: the declarative recipe of project.yaml, a project's augment.py, one sample at a time.

A *sample* is one image (H x W x 3, uint8, RGB) with its boxes as 0-based pixel edges
(x0, y0, x1, y1), x1/y1 exclusive (albumentations' ``pascal_voc``, ``VocObject.edges()``), and
one label per box. The recipe in project.yaml names albumentations 2.0.8 transforms with their
keyword arguments::

    recipe:
      min_visibility: 0.5        # a box keeping less of its area than this is dropped
      negatives: false           # write an image left with no box? (default: no)
      redraw_lost: true          # draw an output again when it lost a box (default: yes, unless negatives)
      jpeg_quality: 95           # quality of the written JPEGs
      steps:
        - Affine: {rotate: [-5, 5], translate_percent: [-0.1, 0.1], scale: [0.7, 1.3], fill: 125, p: 0.9}
        - HorizontalFlip: {p: 0.5, classes: [close]}   # only when every box is one of these classes
        - OneOf:
            p: 0.5
            steps:
              - GaussianBlur: {sigma_limit: [0.3, 1.0]}
              - GaussNoise: {std_range: [0.02, 0.06]}

A project may instead set ``augment: augment.py``: the build calls that file's
``augment(sample, rng)`` once per labelled master carrier, with the carrier as a dict (``image``,
``boxes``, ``labels``; see projects/common/templates/augment.py) and a ``numpy.random.Generator``
seeded from (seed, project, carrier), and takes ``count`` samples from what it yields (dicts of the
same shape). Either way the build owns file names, XML, clipping, dropping boxes and determinism.

albumentations, OpenCV and NumPy are imported inside functions: this module sits on the start-up
path of ``inv`` (through the build's fingerprint check), which must stay instant.
"""
from __future__ import annotations

import hashlib
import importlib.util
import random
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import UserError

# Rotation boxes: albumentations' default rotate_method "largest_box" rotates the box's corners, which
# is exact for the rectangular sources compose pastes; set rotate_method: ellipse for round objects.
DEFAULT_JPEG_QUALITY = 95


@dataclass
class Sample:
    """One image with its boxes (0-based pixel edges, x1/y1 exclusive) and one label per box."""
    image: Any
    boxes: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    name: str = ""    # the master carrier's stem (read-only hint for augment.py)
    index: int = 0    # which of the carrier's `count` outputs this is
    ids: list | None = None  # which master box each box came from (kept by the recipe runner)

    @classmethod
    def coerce(cls, value, where: str) -> "Sample":
        """Accept a Sample, a mapping with image/boxes/labels, or an (image, boxes, labels) tuple."""
        if isinstance(value, Sample):
            return value
        if isinstance(value, dict):
            try:
                return cls(value["image"], list(value.get("boxes") or []), list(value.get("labels") or []))
            except KeyError:
                pass
        elif isinstance(value, (tuple, list)) and len(value) == 3:
            return cls(value[0], list(value[1]), list(value[2]))
        raise UserError(f"{where}: augment() yielded {type(value).__name__}; yield a Sample, "
                        f"a dict with image/boxes/labels or an (image, boxes, labels) tuple")


@dataclass
class Recipe:
    """project.yaml's `recipe:` section, checked for shape (the steps are checked when built)."""
    steps: list
    min_visibility: float = 0.5
    negatives: bool = False
    jpeg_quality: int = DEFAULT_JPEG_QUALITY
    where: str = "project.yaml"
    # A box dropped below min_visibility may still show a fragment of its object, which would then
    # be in the image without a label: such outputs are drawn again rather than written.
    redraw_lost: bool = True


def parse_recipe(spec, where: str = "project.yaml") -> Recipe:
    """Check the `recipe:` value's shape: a list of steps, or a mapping with steps and options."""
    if spec is None:
        spec = {}
    if isinstance(spec, list):
        spec = {"steps": spec}
    if not isinstance(spec, dict):
        raise UserError(f"{where}: 'recipe' must be a list of steps or a mapping with 'steps'")
    allowed = ("steps", "min_visibility", "negatives", "redraw_lost", "jpeg_quality")
    unknown = set(spec) - set(allowed)
    if unknown:
        raise UserError(f"{where}: recipe has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                        f"allowed: {', '.join(allowed)}")
    steps = spec.get("steps") or []
    if not isinstance(steps, list):
        raise UserError(f"{where}: recipe.steps must be a list of steps like '- Affine: {{rotate: [-5, 5]}}'")
    mv = spec.get("min_visibility", 0.5)
    if isinstance(mv, bool) or not isinstance(mv, (int, float)) or not 0 <= mv <= 1:
        raise UserError(f"{where}: recipe.min_visibility must be a number from 0 to 1 (got {mv!r})")
    negatives = spec.get("negatives", False)
    redraw_lost = spec.get("redraw_lost", not negatives)  # asking for negatives accepts lost boxes
    for key, value in (("negatives", negatives), ("redraw_lost", redraw_lost)):
        if not isinstance(value, bool):
            raise UserError(f"{where}: recipe.{key} must be true or false (got {value!r})")
    quality = spec.get("jpeg_quality", DEFAULT_JPEG_QUALITY)
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise UserError(f"{where}: recipe.jpeg_quality must be a whole number from 1 to 100 (got {quality!r})")
    return Recipe(steps, float(mv), negatives, quality, where, redraw_lost)


def _tuples(value):
    # YAML has no tuples; albumentations' schemas want them for ranges.
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _split_step(step, where: str, path: str) -> tuple[str, dict]:
    if isinstance(step, str):
        return step, {}
    if not isinstance(step, dict) or len(step) != 1:
        raise UserError(f"{where}: recipe step {path} must be one 'Name: {{kwargs}}' entry (got {step!r})")
    (name, kwargs), = step.items()
    if kwargs is None:
        kwargs = {}
    if not isinstance(name, str) or not isinstance(kwargs, dict):
        raise UserError(f"{where}: recipe step {path} ({name}) needs a mapping of arguments")
    return name, dict(kwargs)


def _error_line(exc: Exception) -> str:
    """pydantic's multi-line report, shortened to 'field: reason' pieces on one line."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    if len(lines) >= 3 and "validation error" in lines[0]:
        parts, i = [], 1
        while i + 1 < len(lines):
            if not lines[i].startswith("For further information"):
                parts.append(f"{lines[i]}: {lines[i + 1].split(' [type=')[0]}")
                i += 2
            else:
                i += 1
        return "; ".join(dict.fromkeys(parts)) or lines[0]
    return lines[0] if lines else type(exc).__name__


def _build_steps(steps: list, labels: frozenset | None, where: str, prefix: str = "") -> list:
    import albumentations as A
    from albumentations.core.composition import BaseCompose
    from albumentations.core.transforms_interface import BasicTransform

    built = []
    for i, step in enumerate(steps, 1):
        path = f"{prefix}{i}"
        name, kwargs = _split_step(step, where, path)
        classes = kwargs.pop("classes", None)
        if classes is not None and (not isinstance(classes, list) or not all(isinstance(c, str) for c in classes)):
            raise UserError(f"{where}: recipe step {path} ({name}): 'classes' must be a list of class names")
        cls = getattr(A, name, None) if not name.startswith("_") else None
        if not (isinstance(cls, type) and issubclass(cls, (BasicTransform, BaseCompose))) or name in ("Compose", "ReplayCompose"):
            raise UserError(f"{where}: recipe step {path}: {name!r} is not an albumentations {A.__version__} "
                            f"transform; use a class name such as Affine, Perspective, HorizontalFlip, OneOf")
        if issubclass(cls, BaseCompose):
            nested = kwargs.pop("steps", None)
            if not isinstance(nested, list) or not nested:
                raise UserError(f"{where}: recipe step {path} ({name}) needs 'steps:', a list of nested steps")
            kwargs["transforms"] = _build_steps(nested, labels, where, f"{path}.")
            if not kwargs["transforms"]:
                continue  # every nested step was restricted away for these labels
        if classes is not None and labels is not None and not labels <= set(classes):
            continue  # e.g. a flip that would mirror a kanji
        kwargs = {k: (v if k == "transforms" else _tuples(v)) for k, v in kwargs.items()}
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                transform = cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise UserError(f"{where}: recipe step {path} ({name}): {_error_line(exc)}; "
                            f"see albumentations {A.__version__}'s {name} arguments") from None
        for w in caught:
            if "are not valid for transform" in str(w.message):
                raise UserError(f"{where}: recipe step {path} ({name}): {w.message}; remove or rename it")
        built.append(transform)
    return built


class RecipeRunner:
    """Runs a recipe on samples; one albumentations Compose per distinct label set, built on first use."""

    def __init__(self, recipe: Recipe):
        self.recipe = recipe
        self._composes: dict = {}

    def check(self) -> None:
        """Build every step once, so a bad step fails before any worker starts."""
        self.compose(None)

    def compose(self, labels: Iterable[str] | None):
        key = None if labels is None else frozenset(labels)
        if key not in self._composes:
            import albumentations as A
            steps = _build_steps(self.recipe.steps, key, self.recipe.where)
            bbox = A.BboxParams(format="pascal_voc", label_fields=["labels", "ids"],
                                min_visibility=self.recipe.min_visibility, clip=True, filter_invalid_bboxes=True)
            with warnings.catch_warnings():
                # every step restricted away for these labels: an empty compose is intended
                warnings.filterwarnings("ignore", message="Got processor for bboxes, but no transform")
                self._composes[key] = A.Compose(steps, bbox_params=bbox)
        return self._composes[key]

    def run(self, sample: Sample, np_rng, py_rng: random.Random | None = None) -> Sample:
        """One augmented sample; the random state comes only from the generators given."""
        compose = self.compose(sample.labels)
        if py_rng is None:
            py_rng = random.Random(int(np_rng.integers(2 ** 63)))
        # Reset per sample: the output depends on this sample's seed only, never on what ran before
        # in this process (measured: Compose(seed=...) alone differs across worker counts).
        compose.set_random_state(np_rng, py_rng)
        out = compose(image=sample.image, bboxes=list(sample.boxes), labels=list(sample.labels),
                      ids=list(range(len(sample.boxes))))
        src = sample.ids if sample.ids is not None else list(range(len(sample.boxes)))
        return Sample(out["image"], [tuple(map(float, b)) for b in out["bboxes"]], list(out["labels"]),
                      sample.name, sample.index, [src[int(i)] for i in out["ids"]])


def sample_rngs(seed: int, project: str, carrier: str, index):
    """The random state of one output: from (seed, project, carrier, index) only, never worker order.

    index is "script" for the one generator an augment.py gets per carrier."""
    import numpy as np
    digest = hashlib.sha256(f"dlimgmgr/{seed}/{project}/{carrier}/{index}".encode()).digest()
    return (np.random.default_rng(int.from_bytes(digest[:16], "big")),
            random.Random(int.from_bytes(digest[16:], "big")))


def load_script(path: Path):
    """A project's augment.py, with projects/ importable so it can `from common import ...`."""
    path = Path(path)
    projects_dir = str(path.resolve().parent.parent)
    if projects_dir not in sys.path:
        sys.path.insert(0, projects_dir)
    spec = importlib.util.spec_from_file_location(f"dlimgmgr_augment_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except FileNotFoundError:
        raise UserError(f"{path}: not found; create it or remove 'augment:' from project.yaml") from None
    except Exception as exc:  # a user's script: report where, not a traceback
        raise UserError(f"{path}: failed to load ({type(exc).__name__}: {exc}); fix the script") from None
    fn = getattr(module, "augment", None)
    if not callable(fn):
        raise UserError(f"{path}: defines no augment(sample, rng) function; add one (see projects/common/augmentations.py)")
    return fn


def run_script(fn, sample: Sample, np_rng, count: int, where: str) -> Iterator[Sample]:
    """Up to `count` samples from the script's augment(); sample k gets index k."""
    import itertools
    given = {"image": sample.image, "boxes": list(sample.boxes), "labels": list(sample.labels), "name": sample.name}
    try:
        produced = fn(given, np_rng)
        if produced is None:
            return
        if isinstance(produced, (Sample, dict)):
            produced = [produced]
        for k, item in enumerate(itertools.islice(produced, count)):
            out = Sample.coerce(item, where)
            out.name, out.index = sample.name, k
            yield out
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"{where}: augment() failed on carrier {sample.name!r} "
                        f"({type(exc).__name__}: {exc}); fix the script") from None


def clip_boxes(sample: Sample, min_visibility: float) -> Sample:
    """Clip boxes to the image; drop a box keeping less than min_visibility of its area (or < 1 px)."""
    h, w = sample.image.shape[:2]
    boxes, labels, ids = [], [], []
    src_ids = sample.ids if sample.ids is not None else [None] * len(sample.boxes)
    for box, label, i in zip(sample.boxes, sample.labels, src_ids):
        x0, y0, x1, y1 = (float(v) for v in box)
        area = max(x1 - x0, 0.0) * max(y1 - y0, 0.0)
        cx0, cy0, cx1, cy1 = max(x0, 0.0), max(y0, 0.0), min(x1, float(w)), min(y1, float(h))
        if cx1 - cx0 < 1 or cy1 - cy0 < 1 or area <= 0:
            continue
        if (cx1 - cx0) * (cy1 - cy0) < min_visibility * area - 1e-9:
            continue
        boxes.append((cx0, cy0, cx1, cy1))
        labels.append(label)
        ids.append(i)
    return Sample(sample.image, boxes, labels, sample.name, sample.index, ids)


def resize(sample: Sample, size: tuple[int, int]) -> Sample:
    """Scale image and boxes to (width, height); a no-op when already that size."""
    h, w = sample.image.shape[:2]
    tw, th = size
    if (w, h) == (tw, th):
        return sample
    import cv2
    shrink = tw * th < w * h
    image = cv2.resize(sample.image, (tw, th), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    sx, sy = tw / w, th / h
    boxes = [(x0 * sx, y0 * sy, x1 * sx, y1 * sy) for x0, y0, x1, y1 in sample.boxes]
    return Sample(image, boxes, list(sample.labels), sample.name, sample.index, sample.ids)
