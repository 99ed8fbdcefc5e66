"""lib.augment on its own: the rules the build applies to each sample."""
from __future__ import annotations

import numpy as np

from dlimgmgr_tasks.lib.augment import RecipeRunner, Sample, clip_boxes, parse_recipe, sample_rngs

HALF_OUTSIDE = Sample(np.zeros((10, 10, 3), np.uint8), [(-4, 0, 4, 4), (2, 2, 6, 6)], ["a", "b"])


def _flip_runner_and_image():
    runner = RecipeRunner(parse_recipe([{"HorizontalFlip": {"p": 1.0, "classes": ["close"]}}]))
    img = np.zeros((20, 20, 3), np.uint8)
    img[:, :5] = 255
    return runner, img


def test_a_flip_mirrors_a_class_that_allows_it():
    runner, img = _flip_runner_and_image()
    np_rng, py_rng = sample_rngs(0, "p", "c.jpg", 0)
    flipped = runner.run(Sample(img, [(0, 0, 5, 5)], ["close"]), np_rng, py_rng)
    assert flipped.boxes == [(15.0, 0.0, 20.0, 5.0)] and flipped.image[0, -1, 0] == 255


def test_a_flip_never_mirrors_a_class_it_does_not_name():
    runner, img = _flip_runner_and_image()
    np_rng, py_rng = sample_rngs(0, "p", "c.jpg", 0)
    kanji = runner.run(Sample(img, [(0, 0, 5, 5)], ["yama"]), np_rng, py_rng)
    assert kanji.boxes == [(0.0, 0.0, 5.0, 5.0)] and (kanji.image == img).all()


def test_clipping_drops_a_box_below_min_visibility():
    assert clip_boxes(HALF_OUTSIDE, 0.6).labels == ["b"]


def test_clipping_keeps_a_box_above_min_visibility_cut_at_the_edge():
    assert clip_boxes(HALF_OUTSIDE, 0.4).boxes == [(0.0, 0.0, 4, 4), (2.0, 2.0, 6.0, 6.0)]
