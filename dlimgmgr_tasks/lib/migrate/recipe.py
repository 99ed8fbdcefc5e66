"""A planned project's project.yaml: compose and recipe settings from its mapped daug.py calls.

The recipe is one ``OneOf`` whose branches are the original's steps, weighted by the images each
wrote (each legacy image came from exactly one step); compose takes the icon's own rotation and
zoom, and the corner placement (or, with --modernize, corners plus anywhere and edge weights on
busy backgrounds instead of the white base).
"""
from __future__ import annotations

import yaml

from . import keras

WHITE = [255, 255, 255]


def _icon_size(plan) -> tuple[int, int]:
    from PIL import Image

    icon = plan.members[0].icon
    if icon is None:
        return (32, 32)
    with Image.open(icon) as im:
        return im.size


def _branches(plan) -> list[tuple[str, int, int]]:
    """(leaf, cval, images) over the group's members, in first-seen order."""
    weights: dict[tuple[str, int], int] = {}
    for member in plan.members:
        mapped = plan.mapped[member.name]
        leaves = mapped.leaves
        if not leaves:
            leaves = ["mix"]
            plan.notes.append(f"{member.shown}: no known daug.py step; mix() (the original's usual step) used")
        for leaf in leaves:
            weights[(leaf, mapped.cval)] = weights.get((leaf, mapped.cval), 0) + keras.IMAGES_PER_CALL
    return [(leaf, cval, n) for (leaf, cval), n in weights.items()]


def recipe_steps(plan) -> list[dict]:
    icon = _icon_size(plan)
    branches = _branches(plan)
    total = sum(n for _, _, n in branches)
    steps = [keras.recipe_step(leaf, cval, icon, round(n / total, 3)) for leaf, cval, n in branches]
    if len(steps) == 1:
        (name, kwargs), = steps[0].items()
        return [{name: {**kwargs, "p": 1.0}}]
    return [{"OneOf": {"p": 1.0, "steps": steps}}]


def _union(ranges: list[list[float]], default: list[float]) -> list[float]:
    return [min(r[0] for r in ranges), max(r[1] for r in ranges)] if ranges else default


def compose_settings(plan, options) -> dict:
    leaves = {leaf for m in plan.mapped.values() for leaf in (m.leaves or ["mix"])}
    steps = [keras.STEPS[leaf].compose for leaf in sorted(leaves)]
    settings = {
        "count": max(options.carriers, 1),
        "placement": dict(plan.placement),
        "per_carrier": 1,
        "margin": 0,
        "scale": _union([s["scale"] for s in steps if "scale" in s], [1.0, 1.0]),
        "rotate": _union([s["rotate"] for s in steps if "rotate" in s], [0, 0]),
        "overlap": 0.0,
        "blend": "none",
        "background": {"generated": 0.6} if options.modernize else {"colors": [WHITE]},
    }
    return settings


def project_config(plan, options) -> dict:
    return {
        "classes": list(plan.classes),
        "count": plan.count,
        "seed": 0,
        "test_only": False,
        "compose": compose_settings(plan, options),
        "recipe": {"min_visibility": 0.6, "negatives": False, "redraw_lost": True, "steps": recipe_steps(plan)},
    }


def _flow(value) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()  # a plain scalar is dumped as a document: "1\n..."


def _comments(plan, options) -> dict:
    conf = plan.config["compose"]
    corner_only = not (set(plan.placement) - {"top-left", "top-right"})
    comments = {
        "placement": "the original pasted at the corners only; --modernize adds anywhere and edge"
        if corner_only else "the original's corners, plus anywhere and edge (--modernize)",
        "background": "busy generated backgrounds and plain colours (--modernize)" if options.modernize
        else "the original's white base",
    }
    if conf["scale"] != [1.0, 1.0]:
        comments["scale"] = "zoom(): Keras zoom_range [0.7, 1.3] scales the icon by 1/z"
    if conf["rotate"] != [0, 0]:
        comments["rotate"] = "rotation(): Keras rotation_range"
    return comments


def _recipe_lines(plan) -> list[str]:
    conf = plan.config["recipe"]
    lines = ["# inv build: the original's steps as one OneOf, each weighted by the images it wrote;",
             "# geometry moves the whole carrier here (Keras moved the icon inside its own square).",
             "recipe:"] + [f"  {k}: {_flow(v)}" for k, v in conf.items() if k != "steps"] + ["  steps:"]
    leaves = [leaf for leaf, _, _ in _branches(plan)]
    steps = conf["steps"]
    if len(steps) == 1 and "OneOf" not in steps[0]:
        return lines + [f"    - {_flow(steps[0])}   # {leaves[0]}()"]
    lines += ["    - OneOf:", "        p: 1.0", "        steps:"]
    return lines + [f"          - {_flow(step)}   # {leaf}()" for step, leaf in zip(steps[0]["OneOf"]["steps"], leaves)]


def yaml_text(plan, options) -> str:
    """project.yaml with a comment on each migrated choice (what the original did, where it came from)."""
    conf = plan.config
    lines = [
        f"# Project {plan.name}, migrated from dl_image_manager {' + '.join(plan.origin)} by inv dlimgmgr.migrate.",
        "# What each daug.py call became, and what did not map: README.md.",
        f"classes: {_flow(conf['classes'])}       # the object names in the legacy image_extended.xml",
        f"count: {conf['count']}              # augmented images per carrier: the original wrote {plan.total} "
        f"for the project",
        "seed: 0",
        "test_only: false",
        "compose:                # carriers from master/sources/ (inv dataaug.compose)",
    ]
    comments = _comments(plan, options)
    for key, value in conf["compose"].items():
        comment = f"   # {comments[key]}" if key in comments else ""
        lines.append(f"  {key}: {_flow(value)}{comment}")
    return "\n".join(lines + _recipe_lines(plan)) + "\n"
