"""The report as one self-contained HTML page: inline CSS, inline SVG and data: images, no script.

Its Content-Security-Policy allows nothing but inline styles and data: images, so a viewer fetches
nothing, and anything that tried to would show up as a console error (what the browser test checks).
"""
from __future__ import annotations

from html import escape

from . import charts, figures as figures_lib
from ..preview import _color as class_color

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d1d1f;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}
h3{font-size:15px;margin:16px 0 6px}.summary{color:#444}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#eee}td.l,th.l{text-align:left}.ok{color:#1a7f37}.bad{color:#b42318}
.row{display:flex;flex-wrap:wrap;gap:14px}.chart{background:#fff;border:1px solid #ddd}
.chart .bar{fill:#3b6fb6}.chart .axis{stroke:#555}.chart text{font-size:11px;fill:#333}
.chart .title{font-size:13px;font-weight:600}
figure{margin:0;background:#fff;border:1px solid #ddd;padding:4px;text-align:center}
figure img{display:block;image-rendering:pixelated}figcaption{font-size:11px;color:#444}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
pre{background:#fff;border:1px solid #ddd;padding:8px;overflow:auto}
"""


def _table(head: list[str], rows: list[list], left: int = 1) -> str:
    """A table whose first `left` columns are text (left-aligned) and the rest numbers."""
    cls = lambda i: ' class="l"' if i < left else ""  # noqa: E731
    out = ["<table><tr>", *(f"<th{cls(i)}>{escape(str(h))}</th>" for i, h in enumerate(head)), "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls(i)}>{escape(str(v))}</td>" for i, v in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _swatch(name: str) -> str:
    r, g, b = class_color(name)
    return f'<span class="swatch" style="background:rgb({r},{g},{b})"></span>{escape(name)}'


def counts_section(fig) -> str:
    splits = fig.splits
    images = _table(["", *splits, "all"],
                    [["images", *(fig.images.get(s, 0) for s in splits), fig.total_images],
                     ["negatives (no object)", *(fig.negatives.get(s, 0) for s in splits),
                      sum(fig.negatives.values())]])
    rows = [[c, *(fig.objects[c][s] for s in splits), sum(fig.objects[c].values()), fig.truncated[c],
             fig.difficult[c]] for c in fig.classes]
    objects = _table(["class", *splits, "all", "truncated", "difficult"], rows)
    projects = _table(["project", *splits, "all"],
                      [[p, *(per.get(s, 0) for s in splits), sum(per.values())] for p, per in fig.projects.items()])
    unknown = ""
    if fig.unknown_classes:
        unknown = (f'<p class="bad">objects of classes not in the class list: '
                   f'{escape(", ".join(f"{k} ({v})" for k, v in sorted(fig.unknown_classes.items())))}</p>')
    return (f"<h2>Counts</h2><h3>Images per split</h3>{images}<h3>Objects per class and split</h3>{objects}"
            f"{unknown}<h3>Images per project and split</h3>{projects}")


def boxes_section(fig) -> str:
    width_edges = figures_lib.size_edges(fig.widths)
    height_edges = figures_lib.size_edges(fig.heights)
    charts_html = [
        charts.histogram_svg("box width", figures_lib.histogram(fig.widths, width_edges), width_edges, " px"),
        charts.histogram_svg("box height", figures_lib.histogram(fig.heights, height_edges), height_edges, " px"),
        charts.histogram_svg("aspect (width / height)", figures_lib.histogram(fig.aspects, figures_lib.ASPECT_EDGES),
                             figures_lib.ASPECT_EDGES, " w/h"),
    ]
    return f'<h2>Box sizes and aspects</h2><div class="row">{"".join(charts_html)}</div>'


def heatmap_section(fig) -> str:
    cells = []
    for cls in fig.classes:
        grid = fig.heat[cls]
        busiest = max(max(r) for r in grid)
        cells.append(f'<figure><img src="{charts.heatmap_uri(grid)}" alt="where {escape(cls)} boxes lie" '
                     f'width="{charts.HEAT_PX}" height="{charts.HEAT_PX}"><figcaption>{_swatch(cls)}: '
                     f'{busiest} box(es) in the busiest cell</figcaption></figure>')
    return ("<h2>Where the boxes lie</h2><p>Each cell counts the boxes covering it (positions relative to "
            f'the image; dark blue: none, yellow: the most).</p><div class="row">{"".join(cells)}</div>')


def problems_section(report, unreadable: list) -> str:
    lines = list(unreadable or [])
    rows = [[p.path, p.what, p.fix] for p in report.problems]
    head = (f"<p>checked {report.annotations} annotation(s) and {report.images} image(s) in "
            f"{report.projects} project(s) with <code>inv dlimgmgr.check</code>'s rules, as they are now.</p>")
    if not rows and not lines:
        return f'<h2>Problems</h2>{head}<p class="ok">no problems</p>'
    extra = "".join(f'<p class="bad">{escape(line)}</p>' for line in lines)
    return (f'<h2>Problems</h2>{head}<p class="bad">{len(rows) + len(lines)} problem(s)</p>'
            f'{_table(["file", "what", "fix"], rows, left=3) if rows else ""}{extra}')


def leakage_section(leak) -> str:
    """The mix's leakage (`inv dlimgmgr.check --mix`): carriers and identical bytes in two splits."""
    state = '<p class="ok">no leakage</p>' if not leak.leaks else f'<p class="bad">{leak.leaks} leak(s)</p>'
    rows = [["carriers in two splits", len(leak.carrier_lines)],
            ["identical images in two splits", len(leak.bytes_lines)],
            ["images naming no carrier", leak.unnamed]]
    lines = "".join(f'<p class="bad">{escape(line)}</p>' for line in leak.lines())
    return (f"<h2>Leakage</h2><p>{leak.carriers} master carrier(s); every image of a carrier should sit in one "
            f"split, and no image's bytes in two.</p>{state}{_table(['what', 'count'], rows)}{lines}")


def sheets_section(thumbs: dict, fig) -> str:
    parts = ["<h2>Contact sheets per class</h2><p>Evenly picked images holding the class; its boxes "
             "thick, other classes' thin.</p>"]
    for cls in fig.classes:
        shown = thumbs.get(cls) or []
        total = sum(fig.objects[cls].values())
        parts.append(f"<h3>{_swatch(cls)} ({total} object(s); {len(shown)} image(s) shown)</h3>")
        parts.append('<div class="row">' + "".join(
            f'<figure><img src="{t.uri}" alt="{escape(t.stem)}"><figcaption>{escape(t.stem)} ({escape(t.split)}, '
            f'{t.boxes} box(es))</figcaption></figure>' for t in shown) + "</div>")
    return "".join(parts)


def _tree(value) -> str:
    """Nested mappings as nested tables; lists of plain values on one line."""
    if isinstance(value, dict):
        if not value:
            return "<i>none</i>"
        return "<table>" + "".join(f'<tr><th class="l">{escape(str(k))}</th><td class="l">{_tree(v)}</td></tr>'
                                   for k, v in value.items()) + "</table>"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return escape(", ".join(str(v) for v in value)) or "<i>none</i>"
    if isinstance(value, list):
        return "".join(_tree(v) for v in value)
    return "<i>none</i>" if value is None else escape(str(value))


def provenance_section(provenance: dict) -> str:
    return f"<h2>Provenance</h2>{_tree(provenance)}"


def render(title: str, summary: str, sections: list[str]) -> str:
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f"<meta name=\"viewport\" content=\"width=device-width\"><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>"
            f'<p class="summary">{escape(summary)}</p>{"".join(sections)}</body></html>\n')
