"""The migration plan: which dlimgmgr project each legacy project (or group) becomes, and its project.yaml.

Computing it reads files only; `write.py` carries it out. A `ru_X` whose icon has X's bytes is
X pasted at the top-right: it becomes a `top-right` placement weight of X, not a second project.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import projects as projects_lib
from .. import scaffold
from ..errors import UserError
from . import keras
from .legacy import LegacyProject, LegacyRepo
from .recipe import project_config

MARKER = ".migrated.json"   # in each migrated project: what it came from (a second run skips it)
NEW, UNCHANGED = "new", "unchanged"


@dataclass
class Options:
    prefix: str = ""
    rename: dict = field(default_factory=dict)   # legacy name -> project name
    only: list = field(default_factory=list)     # legacy names to migrate (their ru_ twins come along)
    modernize: bool = False
    carriers: int = 8                            # carriers compose makes per project (0: none)
    count: int | None = None                     # augmented images per carrier (default: the original's total)


@dataclass
class ProjectPlan:
    name: str
    members: list[LegacyProject]                 # the base project first, then its ru_ twins
    mapped: dict[str, keras.Mapped]
    classes: list[str]
    source_name: str | None
    carriers: list[tuple[LegacyProject, str]]    # legacy carrier -> stem in master/
    count: int
    total: int                                   # images the original wrote for the group
    placement: dict
    config: dict = field(default_factory=dict)   # project.yaml, as data
    status: str = NEW
    notes: list[str] = field(default_factory=list)

    @property
    def origin(self) -> list[str]:
        return [m.shown for m in self.members]

    @property
    def unmapped(self) -> list[str]:
        return [line for m in self.mapped.values() for line in m.unmapped]


def groups(legacy: LegacyRepo, only=()) -> list[list[LegacyProject]]:
    """Legacy projects grouped: [X, ru_X] when ru_X's icon has X's bytes, else one each."""
    taken, found = set(), []
    for name, project in legacy.projects.items():
        if name in taken:
            continue
        group = [project]
        twin = legacy.projects.get(f"ru_{name}")
        if twin is not None and project.icon and twin.icon and twin.icon_sha == project.icon_sha:
            group.append(twin)
        base = legacy.projects.get(name.removeprefix("ru_")) if name.startswith("ru_") else None
        if base is not None and base.icon and project.icon and base.icon_sha == project.icon_sha:
            continue  # taken with its base
        taken |= {m.name for m in group}
        found.append(group)
    if only:
        unknown = sorted(set(only) - set(legacy.projects))
        if unknown:
            raise UserError(f"{legacy.root}: no legacy project {unknown[0]!r}; it holds: {', '.join(legacy.projects)}")
        found = [g for g in found if {m.name for m in g} & set(only)]
    return found


def new_name(legacy_name: str, options: Options) -> str:
    name = options.rename.get(legacy_name) or (options.prefix + legacy_name)
    clean = scaffold.sanitise_name(name)
    if clean != name:
        raise UserError(f"project name {name!r} (from legacy {legacy_name!r}) is not allowed; give it one with "
                        f"--rename {legacy_name}=NEW (lowercase letters, digits, '_' and '-')")
    return name


def placement(members: list[LegacyProject], mapped: dict, modernize: bool) -> dict:
    """Corner weights in proportion to the images each member wrote (lu: top-left, ru: top-right)."""
    weights: dict[str, int] = {}
    for m in members:
        corner = "top-right" if mapped[m.name].mode == "ru" else "top-left"
        weights[corner] = weights.get(corner, 0) + max(mapped[m.name].images, 1)
    total = sum(weights.values())
    share = 0.5 if modernize else 1.0
    result = {k: round(share * v / total, 3) for k, v in sorted(weights.items())}
    if modernize:
        result.update({"anywhere": 0.3, "edge": 0.2})
    return result


def plan_project(ws, legacy: LegacyRepo, members: list[LegacyProject], options: Options) -> ProjectPlan:
    base = members[0]
    name = new_name(base.name, options)
    mapped = {m.name: keras.read_daug(m.daug, f"{m.shown}/data_augmentation/daug.py") for m in members}
    notes = [p for m in members for p in m.problems] + [n for m in mapped.values() for n in m.notes]
    classes = list(dict.fromkeys(c for m in members for c in (m.classes or [])))
    if not classes:
        classes = [scaffold.sanitise_class(base.name.removeprefix("ru_")) or name]
        notes.append(f"{base.shown}: no object name in image_extended.xml; class {classes[0]!r} from the project name")
    clean = [scaffold.sanitise_class(c) for c in classes]
    if clean != classes:
        notes.append(f"{base.shown}: class names {classes} written as {clean} (they become file names)")
        classes = clean
    carriers = [(m, f"{name}_legacy" + ("" if m is base else f"_{m.name}")) for m in members if m.carrier]
    total = sum(m.images for m in mapped.values())
    n_carriers = options.carriers + len(carriers)
    count = options.count if options.count is not None else (math.ceil(total / n_carriers) if n_carriers else 0)
    for m in members[1:]:
        notes.append(f"{m.shown}: its icon has the bytes of {base.shown}'s: a top-right placement weight of "
                     f"{name}, not a second project")
    source = None
    if base.icon:
        try:
            source = classes[0] + scaffold.source_extension(base.icon)
        except UserError as exc:
            notes.append(f"{base.shown}/master/image.jpg: not taken as a source ({exc})")
    plan = ProjectPlan(name, members, mapped, classes, source, carriers, count, total,
                       placement(members, mapped, options.modernize), notes=notes)
    plan.config = project_config(plan, options)
    projects_lib._validate(ws.projects_dir / name / "project.yaml", json.loads(json.dumps(plan.config)))
    return plan


def marker_matches(target: Path, plan: ProjectPlan) -> bool:
    try:
        data = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("from") == plan.origin


def make_plan(ws, legacy: LegacyRepo, options: Options) -> list[ProjectPlan]:
    """Every project's plan; refuses (nothing written) when a name is taken by a project not from here."""
    plans, seen = [], {}
    for members in groups(legacy, options.only):
        plan = plan_project(ws, legacy, members, options)
        if plan.name in seen:
            raise UserError(f"legacy {seen[plan.name]} and {members[0].shown} would both become projects/{plan.name}; "
                            f"give one another name with --rename {members[0].name}=NEW")
        seen[plan.name] = members[0].shown
        target = ws.projects_dir / plan.name
        if os.path.lexists(target):
            if not marker_matches(target, plan):
                raise UserError(f"projects/{plan.name}: already exists, not migrated from {legacy.root}/{members[0].shown}; "
                                f"nothing was written; migrate it under another name: --rename {members[0].name}="
                                f"legacy_{members[0].name}, or --prefix legacy_ for all")
            plan.status = UNCHANGED
        plans.append(plan)
    if not plans:
        raise UserError(f"{legacy.root}: no legacy project to migrate; check the path and --project")
    return plans
