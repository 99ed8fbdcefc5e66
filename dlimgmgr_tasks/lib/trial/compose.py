"""try_compose: a project's carriers for tried compose settings, made in memory as compose makes
them (same Composer, same seeds, same JPEG bytes), nothing written."""
from __future__ import annotations

import copy

from .. import voc
from ..errors import UserError
from .sheet import Sheet

DEFAULT_N = 8


def with_settings(project, compose: dict | None = None, recipe: dict | None = None):
    """A copy of the project whose project.yaml sections `compose:` / `recipe:` have these keys
    replaced (the file is not touched)."""
    from ..projects import Project

    config = copy.deepcopy(project.config)
    for section, overrides in (("compose", compose), ("recipe", recipe)):
        if overrides is None:
            continue
        if not isinstance(overrides, dict):
            raise UserError(f"{section} settings must be a mapping like project.yaml's {section}: (got {overrides!r})")
        config[section] = {**(config.get(section) or {}), **copy.deepcopy(overrides)}
    return Project(project.name, project.dir, config, project.workspace)


def try_compose(project, overrides: dict | None = None, n: int = DEFAULT_N, size=None) -> Sheet:
    """The first `n` (at most compose.count's) carriers `inv dataaug.compose` would make with project.yaml's compose:
    settings updated by `overrides` (its keys replace those of compose:), boxes and class names
    drawn. size: (width, height), default the workspace's active profile. Nothing is written;
    `sheet.files` holds each carrier's JPEG and pre-label XML, byte for byte compose's."""
    from ..compose.scene import carrier_stem
    from ..compose.verb import composer

    trial = with_settings(project, compose=overrides or {})
    size = tuple(size or trial.workspace.profile.size)
    maker = composer(trial, size)
    sheet = Sheet(f"{project.name}: compose trial {size[0]}x{size[1]}")
    scene = 0
    while len(sheet.items) < n and scene < maker.conf.count:   # no more than compose makes
        for number, jpeg, ann in maker.carriers(scene):
            if len(sheet.items) >= n:
                break
            stem = carrier_stem(project.name, number)
            sheet.items.append((f"{stem}.jpg", jpeg, ann))
            sheet.files[f"{stem}.jpg"] = jpeg
            sheet.files[f"{stem}.xml"] = voc.dumps(ann)
        scene += 1
    return sheet
