"""The dataset report: one self-contained HTML page about a mix (or a project) to look at.

`write_report(ws, mix=None, project=None)` reads the mix dist/NAME.tar.gz (default: the newest
mix) or, with only `project`, that project's master carriers and build; with both, that project's
images within the mix. It writes dist/NAME.report.html (dist/NAME.PROJECT.report.html for one
project of a mix) or build/reports/PROJECT.report.html, and returns a `ReportResult` (the task prints it).

The page shows counts per split, class and project, box size and aspect histograms, a heatmap of
box positions per class, negatives and truncated/difficult counts, the problems
`checks.check_projects` finds in the projects now, a contact sheet per class and the manifest's
provenance. Its parts: sources (what is read), figures (the numbers), charts (SVG/PNG),
sheets (thumbnails with boxes), page (the HTML).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..files import atomic_write
from . import figures as figures_lib, page, sheets, sources


@dataclass
class ReportResult:
    path: Path
    title: str
    images: int
    objects: int
    problems: int

    def summary(self) -> str:
        state = f"{self.problems} problem(s)" if self.problems else "no problems"
        return f"report of {self.title}: {self.images} images, {self.objects} objects, {state}\nwrote {self.path}"


def _newest_mix(ws) -> str:
    found = sorted(ws.dist_dir.glob("*.manifest.json"), key=lambda p: p.stat().st_mtime) \
        if ws.dist_dir.is_dir() else []
    if not found:
        raise UserError(f"{ws.dist_dir}: no mix yet; run inv mix, or report on a project: "
                        f"inv dlimgmgr.report --project NAME")
    return found[-1].name[: -len(".manifest.json")]


def _check(ws, names):
    from .. import checks

    names = [n for n in names if n in set(ws.project_names())]
    return checks.check_projects(ws, names) if names else checks.Report(problems=[])


def _project_provenance(project) -> dict:
    fingerprint = project.build_dir / ".fingerprint.json"
    try:
        build = json.loads(fingerprint.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        build = None
    from ..labeling.status import summary
    return {"project": project.name, "project.yaml": project.config, "labeling": summary(project), "build": build}


def _mix_provenance(manifest: dict) -> dict:
    keep = ("name", "archive", "sha256", "bytes", "classes", "split", "remap", "provenance")
    return {k: manifest[k] for k in keep if k in manifest}


def html(source: sources.Source, check_report, provenance: dict) -> tuple[str, figures_lib.Figures]:
    """The page for a source, and the numbers it shows."""
    fig = figures_lib.collect(source.entries, source.classes, source.splits)
    problems = len(check_report.problems) + len(source.unreadable or [])
    summary = (f"{fig.total_images} images, {fig.total_objects} objects, {len(fig.classes)} classes "
               f"({', '.join(fig.classes)}), {sum(fig.negatives.values())} negatives, "
               f"{sum(fig.truncated.values())} truncated, {problems} problem(s)")
    sections = [page.counts_section(fig), page.boxes_section(fig), page.heatmap_section(fig),
                page.problems_section(check_report, source.unreadable),
                page.sheets_section(sheets.sheets(source, source.entries, source.classes), fig),
                page.provenance_section(provenance)]
    return page.render(f"dlimgmgr report: {source.title}", summary, sections), fig


def _project_report(ws, name: str):
    loaded = ws.project(name)
    out = ws.root / "build" / "reports" / f"{name}.report.html"
    return sources.read_project(loaded), out, _check(ws, [name]), _project_provenance(loaded)


def _mix_report(ws, name: str, project: str | None):
    source = sources.read_mix(ws.dist_dir, name)
    names = sorted((source.manifest.get("provenance") or {}).get("projects") or {})
    if project is not None:
        source, names = sources.only_project(source, project), [project]
    out = ws.dist_dir / (f"{name}.{project}.report.html" if project else f"{name}.report.html")
    return source, out, _check(ws, names), _mix_provenance(source.manifest)


def write_report(ws, mix: str | None = None, project: str | None = None) -> ReportResult:
    """The report of a project (only `project`), or of a mix (default: the newest), or of one
    project's images within a mix (both)."""
    if mix is None and project is not None:
        source, out, check_report, provenance = _project_report(ws, project)
    else:
        source, out, check_report, provenance = _mix_report(ws, mix or _newest_mix(ws), project)
    text, fig = html(source, check_report, provenance)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, text.encode("utf-8"))
    return ReportResult(out, source.title, fig.total_images, fig.total_objects,
                        len(check_report.problems) + len(source.unreadable or []))
