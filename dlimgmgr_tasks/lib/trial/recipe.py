"""try_recipe: augmented samples from a project's labelled masters for tried recipe steps, made
in memory by the build's own Sampler (same seeds per carrier and index, same JPEG bytes)."""
from __future__ import annotations

from .compose import with_settings
from .sheet import Sheet, annotation_of

DEFAULT_N = 12


def try_recipe(project, steps: list | None = None, n: int = DEFAULT_N, size=None, **recipe) -> Sheet:
    """`n` of the images `inv build` would make with the recipe's steps replaced by `steps`
    (None: project.yaml's own; other recipe keys, e.g. min_visibility=0.5, as keywords), spread
    over the labelled master carriers, boxes drawn. size: default the active profile. Nothing is
    written; `sheet.files` maps "CARRIER_INDEX_K.jpg" to the JPEG bytes the build writes for
    that output (and .xml to its annotation, numbered 000000 as the build's temp file is)."""
    from ..dataaug.plan import check_recipe
    from ..dataaug.sampler import Sampler

    overrides = dict(recipe)
    if steps is not None:
        overrides["steps"] = steps
    trial = with_settings(project, recipe=overrides)
    check_recipe(trial)
    size = tuple(size or trial.workspace.profile.size)
    sampler = Sampler(trial, size, digests=False)
    sheet = Sheet(f"{project.name}: recipe trial {size[0]}x{size[1]}")
    if not sampler.carriers:   # a new project: the notebook still runs to its end, and says why
        sheet.title = f"{project.name}: no labelled carriers yet; make them: inv dataaug.compose {project.name}"
        return sheet
    per = 1 if trial.count == 0 or sampler.script is not None else trial.count
    index_of = -1 if sampler.script is not None and trial.count > 0 else None
    for index in range(per):       # the first output of every carrier, then the second, ...
        for ci, (image, _) in enumerate(sampler.carriers):
            if len(sheet.items) >= n:
                return sheet
            for k, jpeg, xml, _ in sampler.encoded(ci, index if index_of is None else index_of)[:n - len(sheet.items)]:
                name = f"{image.stem}_{index}_{k}"
                sheet.items.append((f"{name}.jpg", jpeg, annotation_of(xml)))
                sheet.files[f"{name}.jpg"], sheet.files[f"{name}.xml"] = jpeg, xml
    return sheet
