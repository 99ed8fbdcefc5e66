"""Charts as inline markup: SVG bar histograms and heatmap PNGs as data: URIs (nothing fetched)."""
from __future__ import annotations

import base64
import io
from html import escape

WIDTH, HEIGHT = 420, 210          # one histogram, in CSS pixels
LEFT, BOTTOM, TOP = 44, 34, 24    # room for the axis labels and the title
HEAT_PX = 192                     # a heatmap's side on the page
# A perceptual dark-blue -> yellow ramp (viridis' end points and three stops between).
RAMP = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]


def _label(value: float) -> str:
    return f"{value:.3g}" if value < 10 else f"{value:.0f}"


def histogram_svg(title: str, counts: list[int], edges: list[float], unit: str = "") -> str:
    """Bars with their count axis, the bin edges under them and a title; accessible as an <svg>."""
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    top = max(counts, default=0) or 1
    bar_w = plot_w / max(1, len(counts))
    parts = [f'<svg class="chart" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<text x="{LEFT}" y="16" class="title">{escape(title)}</text>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" class="axis"/>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" class="axis"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" class="tick" text-anchor="end">{top}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + plot_h}" class="tick" text-anchor="end">0</text>']
    for i, n in enumerate(counts):
        h = plot_h * n / top
        x = LEFT + i * bar_w
        parts.append(f'<rect x="{x + 1:.1f}" y="{TOP + plot_h - h:.1f}" width="{max(1.0, bar_w - 2):.1f}" '
                     f'height="{h:.1f}" class="bar"><title>{_label(edges[i])}-{_label(edges[i + 1])}{unit}: '
                     f'{n}</title></rect>')
    step = max(1, len(counts) // 4)
    for i in range(0, len(edges), step):
        parts.append(f'<text x="{LEFT + i * bar_w:.1f}" y="{TOP + plot_h + 14}" class="tick" '
                     f'text-anchor="middle">{_label(edges[i])}</text>')
    parts.append(f'<text x="{LEFT + plot_w}" y="{HEIGHT - 4}" class="tick" text-anchor="end">'
                 f'{escape(unit.strip() or "value")}</text></svg>')
    return "".join(parts)


def _ramp(t: float) -> tuple[int, int, int]:
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    f = t - i
    return tuple(round(a + (b - a) * f) for a, b in zip(RAMP[i], RAMP[i + 1]))


def heatmap_uri(grid: list[list[int]]) -> str:
    """A PNG data: URI of the grid, 0 dark blue to the busiest cell yellow, cells kept sharp."""
    from PIL import Image

    rows, cols = len(grid), len(grid[0])
    top = max(max(r) for r in grid) or 1
    im = Image.new("RGB", (cols, rows))
    im.putdata([_ramp(v / top) for row in grid for v in row])
    im = im.resize((HEAT_PX, HEAT_PX * rows // cols), Image.Resampling.NEAREST)
    return png_uri(im)


def png_uri(image) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def jpeg_uri(image, quality: int = 85) -> str:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
