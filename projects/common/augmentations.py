"""Helpers a project's augment.py or a notebook may import: the same recipe runner `inv build` uses.

From a project's augment.py (the build puts projects/ on sys.path)::

    from common.augmentations import recipe_samples

    def augment(sample, rng):
        # project.yaml's recipe, then something of your own on top
        for out in recipe_samples(sample, rng, STEPS):
            yield out

From a notebook in projects/NAME/notebooks/::

    import sys; sys.path.insert(0, "../..")          # projects/
    from common.augmentations import project_recipe, recipe_samples
    recipe = project_recipe("..")                       # this project's `recipe:`
    outs = list(itertools.islice(recipe_samples(sample, np.random.default_rng(0), recipe), 8))

Samples are dicts: image (H x W x 3 uint8 RGB), boxes (0-based pixel edges x0, y0, x1, y1),
labels (one class name per box), as projects/common/templates/augment.py describes.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:  # a notebook or a bare `python` may not have the repo importable
    sys.path.insert(0, str(_REPO))

from dlimgmgr_tasks.lib.augment import Recipe, RecipeRunner, Sample, clip_boxes, parse_recipe  # noqa: E402

__all__ = ["Recipe", "RecipeRunner", "Sample", "parse_recipe", "project_recipe", "recipe_samples"]

_RUNNERS: dict = {}


def project_recipe(project_dir) -> Recipe:
    """The `recipe:` section of project_dir/project.yaml, checked."""
    import yaml
    path = Path(project_dir) / "project.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return parse_recipe(data.get("recipe"), str(path))


def _runner(recipe) -> RecipeRunner:
    if not isinstance(recipe, Recipe):
        recipe = parse_recipe(recipe, "augment.py recipe")
    key = repr((recipe.steps, recipe.min_visibility))
    if key not in _RUNNERS:
        _RUNNERS[key] = RecipeRunner(recipe)
    return _RUNNERS[key]


def recipe_samples(sample: dict, rng, recipe):
    """Endless augmented dicts of `sample` by `recipe` (a Recipe, a steps list or a recipe mapping).

    Every random number comes from `rng` (a numpy Generator), so a seeded rng gives the same
    images every run. Boxes are clipped; boxes below the recipe's min_visibility are dropped.
    """
    runner = _runner(recipe)
    master = Sample(sample["image"], [tuple(map(float, b)) for b in sample["boxes"]], list(sample["labels"]))
    while True:
        py_rng = random.Random(int(rng.integers(2 ** 63)))
        out = clip_boxes(runner.run(master, rng, py_rng), runner.recipe.min_visibility)
        yield {"image": out.image, "boxes": out.boxes, "labels": out.labels}
