"""Carry out one project's plan: build projects/NAME in a hidden folder beside it, then rename it in.

A failure (or Ctrl-C) leaves no half project: the folder appears whole or not at all, and an
existing project is never written to (plan.py refuses a taken name before anything is written).
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import scaffold, voc
from ..errors import UserError
from ..inflight import MIGRATING
from ..projects import Project
from . import keras
from . import notebooks as notebooks_lib
from .plan import MARKER, ProjectPlan
from .recipe import yaml_text


@dataclass
class Written:
    carriers: int = 0          # legacy carriers taken as labelled masters
    composed: int = 0          # carriers compose made
    notebook_bytes: tuple[int, int] = (0, 0)   # before, after stripping
    lines: list[str] = field(default_factory=list)


def legacy_carrier(member, stem: str, dest: Path, lines: list[str]) -> bool:
    """Copy a legacy carrier and its XML as a labelled master; its <size> from the real image."""
    from PIL import Image

    try:
        with Image.open(member.carrier) as im:
            im.load()
            width, height, depth = im.width, im.height, len(im.getbands())
        ann = voc.read(member.xml) if member.xml else None
    except (OSError, voc.VocError) as exc:
        lines.append(f"{member.shown}/master/image_extended.jpg: not taken ({exc})")
        return False
    if ann is None or not ann.objects:
        lines.append(f"{member.shown}/master/image_extended.jpg: no labelled object in image_extended.xml; not taken")
        return False
    if (ann.width, ann.height) != (width, height):
        lines.append(f"{member.shown}/master/image_extended.xml: <size> {ann.width}x{ann.height} corrected to the "
                     f"image's {width}x{height} in master/{stem}.xml")
    objects = [replace(o.as_ints(width, height), name=scaffold.sanitise_class(o.name)) for o in ann.objects]
    shutil.copyfile(member.carrier, dest / f"{stem}.jpg")
    voc.write(dest / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", width, height, depth, objects, folder="master"))
    return True


def _readme(ws, plan: ProjectPlan, report: list[str]) -> str:
    tdir = scaffold.templates_dir(ws)
    text = scaffold._render((tdir / "README.md").read_text(encoding="utf-8"), name=plan.name,
                            classes=", ".join(plan.classes), sources=plan.source_name or "none")
    lines = [text.rstrip(), "", "## Migrated from dl_image_manager", "",
             f"From {' + '.join(plan.origin)} by `inv dlimgmgr.migrate`. The mapping table is in the "
             f"repository's README (\"Coming from dl_image_manager\").", "", "What each daug.py call became:", ""]
    for member in plan.members:
        mapped = plan.mapped[member.name]
        for line, method in mapped.calls:
            lines.append(f"- `{member.shown}/data_augmentation/daug.py:{line}` `gen.{method}()`: "
                         f"{len(keras.expand(method))} recipe branch(es), fill {mapped.cval}, placement "
                         f"{'top-right' if mapped.mode == 'ru' else 'top-left'}")
    lines += ["", "Not mapped (left out):", ""] + [f"- {u}" for u in plan.unmapped or ["nothing"]]
    lines += ["", "Notes:", ""] + [f"- {n}" for n in (plan.notes + report) or ["none"]]
    for member in plan.members:
        if member.readme:
            legacy = member.readme.read_text(encoding="utf-8", errors="replace").strip()
            lines += ["", f"### The original README ({member.shown}/README.md)", "", legacy]
    return "\n".join(lines) + "\n"


def _notebooks(plan: ProjectPlan, dest: Path, written: Written) -> None:
    before = after = 0
    for path, name in notebooks_lib.target_names(plan.members, lambda m: m.notebooks):
        data = path.read_bytes()
        stripped = notebooks_lib.strip(data)
        if stripped is None:
            written.lines.append(f"{path.name}: not a readable notebook; copied as it is to notebooks/{name}")
            stripped = data
        (dest / name).write_bytes(stripped)
        before, after = before + len(data), after + len(stripped)
    written.notebook_bytes = (before, after)


def _compose(ws, plan: ProjectPlan, tmp: Path, written: Written) -> None:
    from ..compose.verb import compose
    from ..coverage import measure
    from ..preview import project_items

    project = Project(plan.name, tmp, json.loads(json.dumps(plan.config)), ws)
    result = compose(project, ws.profile.size)
    written.composed = len(result.written) + len(result.unchanged)
    cov = measure(project_items(project))
    line = cov.summary(plan.name)
    if not set(plan.placement) - {"top-left", "top-right"}:
        line = (f"warning: {plan.name}: placement at the corners only, as the original pasted; a detector trained "
                f"on it misses buttons elsewhere ({line.removeprefix(plan.name + ': ')}); "
                f"migrate with --modernize, or add anywhere and edge to compose.placement")
    written.lines.append(line)


def write_project(ws, plan: ProjectPlan, options) -> Written:
    taken = f"projects/{plan.name}: appeared while migrating; nothing of it was written; run again"
    if os.path.lexists(ws.projects_dir / plan.name):
        raise UserError(taken)
    written = Written()
    with scaffold.staged_project(ws, plan.name, MIGRATING, taken) as tmp:
        master = tmp / "master"
        (master / "sources").mkdir(parents=True)
        (tmp / "notebooks").mkdir()
        if plan.source_name:
            shutil.copyfile(plan.members[0].icon, master / "sources" / plan.source_name)
        for member, stem in plan.carriers:
            written.carriers += legacy_carrier(member, stem, master, written.lines)
        _notebooks(plan, tmp / "notebooks", written)
        (tmp / "project.yaml").write_text(yaml_text(plan, options), encoding="utf-8")
        shutil.copyfile(scaffold.templates_dir(ws) / "augment.py", tmp / "augment.py")
        if options.carriers and plan.source_name:
            _compose(ws, plan, tmp, written)
        (tmp / "README.md").write_text(_readme(ws, plan, written.lines), encoding="utf-8")
        (tmp / MARKER).write_text(json.dumps({"from": plan.origin}, indent=1) + "\n", encoding="utf-8")
    return written
