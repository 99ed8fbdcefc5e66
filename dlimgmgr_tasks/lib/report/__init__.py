"""The dataset report: one self-contained HTML page about a mix (or a project) to look at.

`write_report(ws, mix=None, project=None)` reads the mix dist/NAME.tar.gz (default: the newest
mix) or, with only `project`, that project's master carriers and build; with both, that project's
images within the mix. It writes dist/NAME.report.html (dist/NAME.PROJECT.report.html for one
project of a mix) or build/reports/PROJECT.report.html, and returns a `ReportResult` (the task prints it).

The page shows counts per split, class and project, box size and aspect histograms, a heatmap of
box positions per class, negatives and truncated/difficult counts, the problems
`checks.check_projects` finds in the projects now, a contact sheet per class, the mix's fitness
history (`inv pytorch.fitness`, report/fitness.py) and the manifest's provenance. Its parts: sources (what is read), figures (the numbers), charts (SVG/PNG),
sheets (thumbnails with boxes), page (the HTML).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import mixes
from ..errors import UserError
from ..files import atomic_write
from ..mix import leakage
from . import figures as figures_lib, page, sheets, sources


@dataclass
class ReportResult:
    path: Path
    title: str
    images: int
    objects: int
    problems: int
    leaks: int | None = None      # a mix's carriers and identical images in two splits

    def summary(self) -> str:
        state = f"{self.problems} problem(s)" if self.problems else "no problems"
        state += "" if self.leaks is None else f", {self.leaks} leak(s) (carriers or identical images in two splits)"
        return f"report of {self.title}: {self.images} images, {self.objects} objects, {state}\nwrote {self.path}"


def _newest_mix(ws) -> str:
    found = mixes.newest(ws)
    if found is None:
        raise UserError(f"{ws.dist_dir}: no mix yet; run inv mix, or report on a project: "
                        f"inv dlimgmgr.report --project NAME")
    return mixes.name_of(found)


def _check(ws, names):
    from .. import checks

    names = [n for n in names if n in set(ws.project_names())]
    return checks.check_projects(ws, names) if names else checks.Report(problems=[])


def _project_provenance(project) -> dict:
    from ..labeling.status import summary
    return {"project": project.name, "project.yaml": project.config, "labeling": summary(project),
            "build": project.build_record() or None}


def _mix_provenance(manifest: dict) -> dict:
    keep = ("name", "archive", "sha256", "bytes", "classes", "split", "remap", "provenance")
    return {k: manifest[k] for k in keep if k in manifest}


def html(source: sources.Source, check_report, provenance: dict, leak=None,
         extra: tuple = ()) -> tuple[str, figures_lib.Figures]:
    """The page for a source, and the numbers it shows; `leak`: a mix's lib.mix.leakage result;
    `extra` sections go before the provenance."""
    fig = figures_lib.collect(source.entries, source.classes, source.splits)
    problems = len(check_report.problems) + len(source.unreadable or [])
    summary = (f"{fig.total_images} images, {fig.total_objects} objects, {len(fig.classes)} classes "
               f"({', '.join(fig.classes)}), {sum(fig.negatives.values())} negatives, "
               f"{sum(fig.truncated.values())} truncated, {problems} problem(s)")
    sections = [page.counts_section(fig), page.boxes_section(fig), page.heatmap_section(fig),
                page.problems_section(check_report, source.unreadable),
                *([page.leakage_section(leak)] if leak is not None else []),
                page.sheets_section(sheets.sheets(source, source.entries, source.classes), fig),
                *extra, page.provenance_section(provenance)]
    return page.render(f"dlimgmgr report: {source.title}", summary, sections), fig


def _select(ws, mix: str | None, project: str | None):
    """What the report shows and where it goes: (source, out, check report, provenance, leakage
    (None for a project alone)); reads only."""
    if mix is None and project is not None:
        return _project_report(ws, project)
    return _mix_report(ws, mix or _newest_mix(ws), project)


def plan_report(ws, mix: str | None = None, project: str | None = None) -> list[str]:
    """`inv --dry dlimgmgr.report`: the run's own choice of source and page, nothing written."""
    source, out, check_report, *_ = _select(ws, mix, project)
    return [f"would write {out} (the report of {source.title}, {len(source.entries)} image(s), "
            f"{len(check_report.problems)} problem(s))"]


def _project_report(ws, name: str):
    loaded = ws.project(name)
    out = ws.root / "build" / "reports" / f"{name}.report.html"
    return sources.read_project(loaded), out, _check(ws, [name]), _project_provenance(loaded), None


def _mix_report(ws, name: str, project: str | None):
    source = sources.read_mix(ws.dist_dir, name)
    names = sorted((source.manifest.get("provenance") or {}).get("projects") or {})
    if project is not None:
        source, names = sources.only_project(source, project), [project]
    out = ws.dist_dir / (f"{name}.{project}.report.html" if project else f"{name}.report.html")
    return source, out, _check(ws, names), _mix_provenance(source.manifest), leakage.check(ws, name)


def write_report(ws, mix: str | None = None, project: str | None = None) -> ReportResult:
    """The report of a project (only `project`), or of a mix (default: the newest), or of one
    project's images within a mix (both)."""
    mix = mix or (None if project is not None else _newest_mix(ws))
    source, out, check_report, provenance, leak = _select(ws, mix, project)
    extra = ()
    if project is None:   # a whole mix: its fitness history too
        from . import fitness
        extra = (fitness.section(ws.dist_dir, mix, source.manifest.get("sha256")),)
    text, fig = html(source, check_report, provenance, leak, extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, text.encode("utf-8"))
    return ReportResult(out, source.title, fig.total_images, fig.total_objects,
                        len(check_report.problems) + len(source.unreadable or []), leak.leaks if leak else None)
