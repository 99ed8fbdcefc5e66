"""The split policy: train/val/test ratios, whole-number allocation, and each image's split.

Each project is split on its own, by its ids only, shuffled with a seed: the same builds and
settings give the same split whatever else is mixed beside them.
"""
from __future__ import annotations

import random

from ..errors import UserError
from ..voc import SPLITS


def check_ratios(train, val, test) -> tuple[float, float, float]:
    """The three shares as floats; each in [0, 1] and adding up to 1, else a UserError."""
    try:
        ratios = tuple(float(r) for r in (train, val, test))
    except (TypeError, ValueError):
        raise UserError(f"split ratios must be numbers (got train={train!r} val={val!r} test={test!r})") from None
    if any(not 0 <= r <= 1 for r in ratios):
        raise UserError(f"split ratios must lie between 0 and 1 (got train={train} val={val} test={test})")
    if abs(sum(ratios) - 1) > 1e-6:
        raise UserError(f"split ratios train {ratios[0]:g} + val {ratios[1]:g} + test {ratios[2]:g} = "
                        f"{sum(ratios):g}, not 1; e.g. --train 0.8 --val 0.2 --test 0")
    return ratios


def allocate(n: int, ratios) -> list[int]:
    """Split n images by ratio: whole numbers adding up to n, each within one of ratio * n."""
    exact = [n * r for r in ratios]
    counts = [int(x) for x in exact]
    # Largest remainder first; ties go to the earlier split (train, then val) for stability.
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def assign(project: str, ids: list[str], ratios, seed: int, test_only: bool = False) -> dict[str, str]:
    """{id: split} for one project's ids (given sorted): all to test for a test-only project."""
    if test_only:
        return {stem: "test" for stem in ids}
    shuffled = list(ids)
    random.Random(f"{seed}/{project}").shuffle(shuffled)
    split_of, start = {}, 0
    for split, n in zip(SPLITS, allocate(len(shuffled), ratios)):
        split_of.update((stem, split) for stem in shuffled[start:start + n])
        start += n
    return split_of


def empty_split_warnings(ratios, images: dict) -> list[str]:
    """A warning for each split asked for (ratio above 0) that got no image: too few images to share
    out (a trainer's val loader fails on an empty list)."""
    total = sum(images.values())
    return [f"warning: {name} has no image: {ratio:g} of {total} image(s) rounds to none; build more images "
            f"(project.yaml count) or set --{name} 0" for name, ratio in zip(SPLITS, ratios)
            if ratio > 0 and not images.get(name)]
