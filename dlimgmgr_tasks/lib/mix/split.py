"""The split policy: train/val/test ratios, whole-number allocation, and each carrier's split.

A project is split by its master carriers, not by its images: every image built from one carrier
goes where that carrier goes, so val never holds a shifted copy of a train image's background and
objects (issue 22: a per-image split had 31 of 32 carriers on both sides). Each project is split
on its own, by its carrier names only, shuffled with a seed: the same builds and settings give the
same split whatever else is mixed beside them. Carriers whose images share bytes (sha256) are one
group; a group holding bytes an earlier project already placed is pinned to that split.
"""
from __future__ import annotations

import random

from ..errors import UserError
from ..voc import SPLITS

MIN_CARRIERS = 2   # fewer in a split asked for gets a warning


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
    """{id: split} for one project's ids (given sorted), each its own group: all to test for a
    test-only project."""
    return assign_groups(project, [(i,) for i in ids], ratios, seed, test_only)


def assign_groups(project: str, groups: list[tuple], ratios, seed: int, test_only: bool = False,
                  pinned: dict | None = None) -> dict[str, str]:
    """{carrier: split} for one project's groups of carriers (each a sorted tuple, the groups
    sorted): whole carriers by largest remainder, groups shuffled by (seed, project). A group in
    `pinned` ({group: split}) goes to that split. Singletons and no pins: the shuffled carriers
    cut in train, val, test order."""
    if test_only:
        return {c: "test" for g in groups for c in g}
    pinned = pinned or {}
    left = allocate(sum(len(g) for g in groups), ratios)
    split_of = {}
    for group, split in pinned.items():
        split_of.update((c, split) for c in group)
        left[SPLITS.index(split)] -= len(group)
    free = [g for g in groups if g not in pinned]
    random.Random(f"{seed}/{project}").shuffle(free)
    for group in free:
        fits = [i for i in range(len(SPLITS)) if left[i] >= len(group)]
        i = fits[0] if fits else max(range(len(SPLITS)), key=lambda k: (left[k], -k))
        left[i] -= len(group)
        split_of.update((c, SPLITS[i]) for c in group)
    return split_of


def few_carriers_warning(project: str, ratios, carriers: dict) -> str | None:
    """One line when a split asked for (ratio above 0) got fewer than MIN_CARRIERS carriers:
    a val of one scene says little. `carriers`: {split: count}."""
    short = [s for s, r in zip(SPLITS, ratios) if r > 0 and carriers.get(s, 0) < MIN_CARRIERS]
    if not short:
        return None
    got = ", ".join(f"{s} {carriers.get(s, 0)}" for s, r in zip(SPLITS, ratios) if r > 0 or carriers.get(s))
    return (f"warning: {project} has too few carriers for the ratios asked ({got} carrier(s)); compose more: "
            f"raise compose.count in projects/{project}/project.yaml, then inv dataaug.compose {project}")


def shares_line(project: str, carriers: dict, images: dict) -> str:
    """`close: carriers train 6, val 2; built images train 120 (75%), val 40 (25%)` (before a mix
    leaves out images with no object)."""
    total = sum(images.values()) or 1
    return (f"{project}: carriers " + ", ".join(f"{s} {n}" for s, n in carriers.items() if n)
            + "; built images " + ", ".join(f"{s} {n} ({100 * n / total:.0f}%)" for s, n in images.items() if n))


def empty_split_warnings(ratios, images: dict) -> list[str]:
    """A warning for each split asked for (ratio above 0) that got no image: too few images to share
    out (a trainer's val loader fails on an empty list)."""
    total = sum(images.values())
    return [f"warning: {name} has no image: {ratio:g} of {total} image(s) rounds to none; build more images "
            f"(project.yaml count) or set --{name} 0" for name, ratio in zip(SPLITS, ratios)
            if ratio > 0 and not images.get(name)]
