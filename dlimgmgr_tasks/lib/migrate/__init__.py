"""`inv dlimgmgr.migrate PATH`: a dl_image_manager checkout becomes dlimgmgr projects.

legacy.py reads the old layout, keras.py maps daug.py's calls (with `ast`, never run) through the
one mapping table, plan.py and recipe.py decide each project and its project.yaml, write.py makes
it (whole or not at all), notebooks.py strips outputs, profiles.py writes projects_store's lists
into invoke.yaml. A project that exists is never written to; a second run changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..inflight import MIGRATING
from . import legacy as legacy_lib
from . import profiles
from .plan import UNCHANGED, Options, make_plan

__all__ = ["Options", "Report", "migrate"]


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    made: int = 0
    unchanged: int = 0
    carriers: int = 0
    classes: int = 0
    notebook_bytes: tuple[int, int] = (0, 0)
    unmapped: list[str] = field(default_factory=list)

    def summary(self, dry: bool) -> str:
        before, after = self.notebook_bytes
        verb = "would make" if dry else "made"
        return (f"{verb} {self.made} project(s), {self.unchanged} already migrated (unchanged); {self.carriers} "
                f"carrier(s), {self.classes} class(es); notebooks {before} -> {after} bytes "
                f"({before - after} bytes of outputs stripped); {len(self.unmapped)} daug.py call(s) not mapped")


def _describe(plan) -> str:
    origin = " + ".join(plan.origin)
    carriers = f", {len(plan.carriers)} legacy carrier(s)" if plan.carriers else ""
    weights = ", ".join(f"{k} {v}" for k, v in plan.placement.items())
    return (f"projects/{plan.name} <- {origin}: classes {', '.join(plan.classes)}, source "
            f"{plan.source_name or 'none'}{carriers}, count {plan.count} per carrier (the original wrote "
            f"{plan.total}), placement {weights}")


def migrate(ws, path, options: Options, dry: bool = False) -> Report:
    """Plan (dry) or carry out the migration of the checkout at `path` into the workspace.

    The plan is made (and a taken name refused) before anything is written; then one migration at
    a time (build/.migrate.lock), a killed one's hidden temp folders removed first."""
    legacy = legacy_lib.read_repo(path)
    existing = ws.project_names()
    plans = make_plan(ws, legacy, options)
    if dry:
        return _migrate(ws, legacy, plans, existing, options, dry)
    lock = Path(ws.root) / "build" / ".migrate.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with files.locked(lock, "inv dlimgmgr.migrate"):
        files.remove_stale(ws.projects_dir, f"{MIGRATING}*")
        return _migrate(ws, legacy, plans, existing, options, dry)


def _migrate(ws, legacy, plans, existing: list[str], options: Options, dry: bool) -> Report:
    from .notebooks import strip
    from .write import write_project

    report = Report()
    for plan in plans:
        if plan.status == UNCHANGED:
            report.unchanged += 1
            report.lines.append(f"projects/{plan.name}: already migrated from {' + '.join(plan.origin)}; unchanged "
                                f"(delete it to migrate it again)")
            continue
        report.made += 1
        report.lines.append(("would make " if dry else "") + _describe(plan))
        report.lines += [f"  note: {n}" for n in plan.notes]
        report.lines += [f"  not mapped: {u}" for u in plan.unmapped]
        report.unmapped += plan.unmapped
        report.classes += len(plan.classes)
        notebooks = [p for m in plan.members for p in m.notebooks]
        if dry:
            report.carriers += len(plan.carriers) + (options.carriers if plan.source_name else 0)
            sizes = [(len(data), len(strip(data) or data)) for data in (p.read_bytes() for p in notebooks)]
            report.notebook_bytes = tuple(a + sum(s[i] for s in sizes) for i, a in enumerate(report.notebook_bytes))
            continue
        written = write_project(ws, plan, options)
        report.carriers += written.carriers + written.composed
        report.notebook_bytes = tuple(a + b for a, b in zip(report.notebook_bytes, written.notebook_bytes))
        report.lines += [f"  {line}" for line in written.lines]
        if notebooks:
            report.lines.append(f"  notebooks: {len(notebooks)} -> projects/{plan.name}/notebooks/, "
                                f"{written.notebook_bytes[0] - written.notebook_bytes[1]} bytes of outputs stripped")
    names = {m.name: plan.name for plan in plans for m in plan.members}
    report.lines += profiles.apply(Path(ws.root) / "invoke.yaml", profiles.wanted(legacy, names), existing,
                                   write=not dry)
    report.lines += _merge_hint(legacy, names)
    return report


def _merge_hint(legacy, names: dict) -> list[str]:
    """bin/merge_project.py renamed the close variants' labels to close and deleted them: say how the mix does it."""
    if not legacy.merge or legacy.merge[1] not in names:
        return []
    dst = (legacy.projects[legacy.merge[1]].classes or [legacy.merge[1]])[0]
    remap = {c: dst for s in legacy.merge[0] if s in names for c in legacy.projects[s].classes if c != dst}
    if not remap:
        return []
    return [f"the original merged {', '.join(s for s in legacy.merge[0] if s in names)} into {legacy.merge[1]} "
            f"(bin/merge_project.py, deleting them); the mix can do it and keep them: inv mix --remap "
            f"{','.join(f'{k}={v}' for k, v in remap.items())}"]
