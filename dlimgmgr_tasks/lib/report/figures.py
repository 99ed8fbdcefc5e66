"""The report's numbers, as plain data: counts per split, class and project, box sizes and
aspects, where the boxes lie, negatives, truncated and difficult objects."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

GRID = 32          # heatmap cells per side (positions are relative to the image size)


@dataclass
class Figures:
    splits: list[str]
    classes: list[str]
    images: dict = field(default_factory=dict)          # split -> images
    objects: dict = field(default_factory=dict)         # class -> split -> objects
    projects: dict = field(default_factory=dict)        # project -> split -> images
    negatives: dict = field(default_factory=dict)       # split -> images without an object
    truncated: dict = field(default_factory=dict)       # class -> objects marked truncated
    difficult: dict = field(default_factory=dict)       # class -> objects marked difficult
    widths: list = field(default_factory=list)          # box widths in pixels (VOC: xmax - xmin + 1)
    heights: list = field(default_factory=list)
    aspects: list = field(default_factory=list)         # width / height
    heat: dict = field(default_factory=dict)            # class -> GRID x GRID counts of covering boxes
    unknown_classes: dict = field(default_factory=dict)  # a class not in the list -> objects

    @property
    def total_images(self) -> int:
        return sum(self.images.values())

    @property
    def total_objects(self) -> int:
        return sum(n for per in self.objects.values() for n in per.values())


def _cover(grid: list, obj, width: int, height: int) -> None:
    """Add 1 to every cell the box overlaps (0-based pixel edges scaled to the grid)."""
    x0, y0, x1, y1 = obj.edges()
    c0, c1 = int(x0 * GRID / width), min(GRID - 1, int((x1 - 1e-9) * GRID / width))
    r0, r1 = int(y0 * GRID / height), min(GRID - 1, int((y1 - 1e-9) * GRID / height))
    for row in range(max(0, r0), r1 + 1):
        cells = grid[row]
        for col in range(max(0, c0), c1 + 1):
            cells[col] += 1


def _count_object(fig: Figures, entry, obj) -> None:
    ann = entry.annotation
    name = obj.name
    if name not in fig.objects:
        fig.unknown_classes[name] = fig.unknown_classes.get(name, 0) + 1
        return
    fig.objects[name][entry.split] += 1
    fig.truncated[name] += int(bool(obj.truncated))
    fig.difficult[name] += int(bool(obj.difficult))
    w, h = obj.xmax - obj.xmin + 1, obj.ymax - obj.ymin + 1
    fig.widths.append(w)
    fig.heights.append(h)
    fig.aspects.append(w / h if h > 0 else 0.0)
    if ann.width >= 1 and ann.height >= 1:   # a <size> of 0 places nothing: the page's problems name it
        _cover(fig.heat[name], obj, ann.width, ann.height)


def collect(entries, classes, splits) -> Figures:
    """Every number the report shows, from the entries (the source's class order kept)."""
    fig = Figures(list(splits), list(classes))
    fig.images = {s: 0 for s in splits}
    fig.negatives = {s: 0 for s in splits}
    fig.objects = {c: {s: 0 for s in splits} for c in classes}
    fig.truncated = {c: 0 for c in classes}
    fig.difficult = {c: 0 for c in classes}
    fig.heat = {c: [[0] * GRID for _ in range(GRID)] for c in classes}
    for entry in entries:
        fig.images[entry.split] = fig.images.get(entry.split, 0) + 1
        per_project = fig.projects.setdefault(entry.project, {s: 0 for s in splits})
        per_project[entry.split] = per_project.get(entry.split, 0) + 1
        if not entry.annotation.objects:
            fig.negatives[entry.split] = fig.negatives.get(entry.split, 0) + 1
        for obj in entry.annotation.objects:
            _count_object(fig, entry, obj)
    fig.projects = dict(sorted(fig.projects.items()))
    return fig


def histogram(values, edges) -> list[int]:
    """Counts per bin [edges[i], edges[i+1]); values beyond either end go to the end bins."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        counts[min(max(bisect.bisect_right(edges, v) - 1, 0), len(counts) - 1)] += 1
    return counts


def size_edges(values, bins: int = 16) -> list[float]:
    """Even bins from 0 to just above the largest value (at least 1 px wide)."""
    top = max(values, default=1)
    step = max(1.0, -(-top // bins))
    return [i * step for i in range(bins + 1)]


ASPECT_EDGES = [2 ** (k / 2) for k in range(-6, 7)]   # 1/8 .. 8 in half-octaves
