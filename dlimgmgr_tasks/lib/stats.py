"""Dataset statistics: counts per project and class (master and build), box sizes, mix splits.

`labelled` counts annotations a person confirmed or drew; untouched pre-labels are `prelabelled`.
The newest mix is named, and called stale when a project it mixed was rebuilt after it."""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from . import mixes, pairs, text, voc
from .projects import BUILD_RECORD

WHERE = ("master", "build")


def _annotations(found: pairs.Scan):
    """Parsed annotations of every XML the scanner found; unparsable ones counted, not raised."""
    anns, bad = [], 0
    for pair in found.pairs:
        if pair.xml is not None:
            try:
                anns.append(voc.read(pair.xml_path))
            except voc.VocError:
                bad += 1
    return anns, bad


def _spread(values) -> list:
    return [min(values), statistics.median(values), max(values)] if values else []


def project_stats(project) -> dict:
    """Counts and box sizes (VOC pixels: xmax - xmin + 1) of one loaded project."""
    master, build = pairs.scan(project.master), pairs.scan(project.build_dir)
    # labelled: what a person confirmed or drew; an untouched pre-label (compose's guess) is not.
    prelabelled = len(_untouched(project))
    out = {"name": project.name, "sources": len(project.sources()), "carriers": len(master.images),
           "labelled": len(master.labelled()) - prelabelled, "prelabelled": prelabelled,
           "built": len(build.images), "unreadable_xml": 0,
           "test_only": project.test_only, "classes": {}}
    sizes: dict[tuple[str, str], tuple[list, list]] = {}
    for where, found in zip(WHERE, (master, build)):
        anns, bad = _annotations(found)
        out["unreadable_xml"] += bad
        for ann in anns:
            for obj in ann.objects:
                x0, y0, x1, y1 = obj.edges()
                ws, hs = sizes.setdefault((obj.name, where), ([], []))
                ws.append(x1 - x0)
                hs.append(y1 - y0)
    for name in sorted({n for n, _ in sizes} | set(project.classes)):
        out["classes"][name] = {}
        for where in WHERE:
            ws, hs = sizes.get((name, where), ([], []))
            out["classes"][name][where] = {"objects": len(ws), "w": _spread(ws), "h": _spread(hs)}
    return out


def _untouched(project) -> list[str]:
    from .labeling import unchecked   # the one answer to "has a person looked at it?"
    return unchecked(project)


def stale_reasons(ws, path: Path) -> list[str]:
    """Why the mix of this manifest no longer shows the builds: a mixed project rebuilt after it
    (its build record is newer) or its build gone."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = sorted((data.get("provenance") or {}).get("projects") or {})
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return []
    mixed_at, reasons = path.stat().st_mtime, []
    for name in names:
        stamp = ws.projects_dir / name / "build" / BUILD_RECORD
        if not stamp.is_file():
            reasons.append(f"projects/{name}/build is gone")
        elif stamp.stat().st_mtime > mixed_at:
            reasons.append(f"projects/{name}/build was rebuilt after it")
    return reasons


def manifest_counts(path: Path):
    """The manifest's `counts`, whatever shape it has; None when absent, a string when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"unreadable ({type(exc).__name__})"
    return data.get("counts") if isinstance(data, dict) else None


def collect(ws, names=None) -> dict:
    """Everything `inv dlimgmgr.stats` shows for a Workspace's projects, as plain (JSON) data."""
    manifest = mixes.newest(ws)
    return {
        "projects": [project_stats(p) for p in ws.projects(names)],
        "manifest": None if manifest is None else {
            "path": text.shown(manifest, ws.root), "name": mixes.name_of(manifest),
            "counts": manifest_counts(manifest), "stale": stale_reasons(ws, manifest)},
    }


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _triple(values) -> str:
    return "/".join(_num(v) for v in values) if values else "-"


def _flatten(value, prefix=""):
    """Lines `key: value` for nested mappings, so any manifest `counts` shape prints readably."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{prefix}{k}." if isinstance(v, dict) else f"{prefix}{k}")
    else:
        yield f"{prefix.rstrip('.')}: {value}"


def render(stats: dict) -> list[str]:
    """Human-readable lines for `collect`'s result."""
    projects = stats["projects"]
    if not projects:
        return ["no projects yet; create one with: inv dlimgmgr.new NAME --source FILE"]
    lines = text.table([["project", "sources", "carriers", "labelled", "pre-labelled", "built", "test-only"]] + [
        [p["name"], p["sources"], p["carriers"], p["labelled"], p["prelabelled"], p["built"],
         "yes" if p["test_only"] else ""] for p in projects])
    rows = [["project", "class", "where", "objects", "w min/med/max", "h min/med/max"]]
    for p in projects:
        for name, per in p["classes"].items():
            for where in WHERE:
                s = per[where]
                if s["objects"] or where == "master":
                    rows.append([p["name"], name, where, s["objects"], _triple(s["w"]), _triple(s["h"])])
    lines += [""] + text.table(rows)
    bad = [p for p in projects if p["unreadable_xml"]]
    for p in bad:
        lines.append(f"note: {p['name']}: {p['unreadable_xml']} annotation(s) could not be read; "
                     f"see inv dlimgmgr.check --project {p['name']}")
    manifest = stats["manifest"]
    if manifest is None:
        lines += ["", "splits: no mix yet (inv mix writes dist/<name>.manifest.json)"]
    elif manifest["counts"] is None:
        lines += ["", f"splits: {manifest['path']} has no counts"]
    elif isinstance(manifest["counts"], str):
        lines += ["", f"splits: {manifest['path']} is {manifest['counts']}"]
    else:
        lines += ["", f"splits of mix {manifest['name']} ({manifest['path']}, the newest):"] \
            + [f"  {s}" for s in _flatten(manifest["counts"])]
    if manifest and manifest.get("stale"):
        lines.append(f"note: mix {manifest['name']} is stale: {'; '.join(manifest['stale'])}; "
                     f"mix again: inv mix --name {manifest['name']}")
    return lines
