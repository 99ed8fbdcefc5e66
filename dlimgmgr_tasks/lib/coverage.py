"""Coverage of a project's boxes: where the centres fall, how big and how long the boxes are.

``measure(items)`` reads (image, xml) pairs into a Coverage (data: centres, sizes, aspects per
class; truncated, difficult and negative counts); ``plot(cov, path)`` draws it as one PNG with,
per class, a heatmap of box centres over the frame, a histogram of box sizes (longer side, px)
and one of aspect ratios (width / height); ``coverage_project`` does both for a project's
masters or build. A centre counts in one cell of a CELLS x CELLS grid over the frame.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from . import voc
from .errors import UserError
from .files import atomic_write

CELLS = 4       # the summary's grid: centres in N of CELLS x CELLS cells
HEAT_BINS = 16  # the heatmap's finer grid


@dataclass
class ClassBoxes:
    centres: list[tuple[float, float]] = field(default_factory=list)  # (x, y) as shares of the frame
    sizes: list[int] = field(default_factory=list)                    # longer side, px
    aspects: list[float] = field(default_factory=list)                # width / height
    truncated: int = 0
    difficult: int = 0


@dataclass
class Coverage:
    images: int = 0
    negatives: int = 0  # images without any object
    classes: dict[str, ClassBoxes] = field(default_factory=dict)

    def cells(self) -> int:
        """How many of the CELLS x CELLS cells hold at least one box centre (any class)."""
        hit = {(min(int(x * CELLS), CELLS - 1), min(int(y * CELLS), CELLS - 1))
               for boxes in self.classes.values() for x, y in boxes.centres}
        return len(hit)

    def summary(self, name: str) -> str:
        sizes = [s for boxes in self.classes.values() for s in boxes.sizes]
        size_text = f"sizes {min(sizes)}-{max(sizes)} px" if sizes else "no boxes"
        share = 100 * self.negatives / self.images if self.images else 0
        return (f"{name}: centres in {self.cells()} of {CELLS * CELLS} cells, {size_text}, "
                f"{share:.0f}% negatives")


def measure(items: list[tuple[Path, Path | None]]) -> Coverage:
    """Read every annotation of (image, xml) pairs; an unreadable XML is a UserError naming it."""
    def annotations():
        for _, xml in items:
            if xml is None or not Path(xml).is_file():
                continue
            try:
                yield voc.read(xml)
            except voc.VocError as exc:
                raise UserError(f"{exc}; fix it (inv dlimgmgr.check lists every problem)") from None
    return measure_annotations(annotations())


def measure_annotations(annotations) -> Coverage:
    """The Coverage of voc.Annotation objects (a notebook's trial measures what it has in memory)."""
    cov = Coverage()
    for ann in annotations:
        cov.images += 1
        cov.negatives += not ann.objects
        for obj in ann.objects:
            boxes = cov.classes.setdefault(obj.name, ClassBoxes())
            x0, y0, x1, y1 = obj.edges()
            w, h = max(x1 - x0, 1), max(y1 - y0, 1)
            boxes.centres.append(((x0 + x1) / 2 / max(ann.width, 1), (y0 + y1) / 2 / max(ann.height, 1)))
            boxes.sizes.append(int(round(max(w, h))))
            boxes.aspects.append(w / h)
            boxes.truncated += int(obj.truncated)
            boxes.difficult += int(obj.difficult)
    return cov


def _class_row(axes, name: str, boxes: ClassBoxes) -> None:
    import numpy as np

    heat, size_ax, aspect_ax = axes
    xs, ys = zip(*boxes.centres)
    grid, _, _ = np.histogram2d(ys, xs, bins=HEAT_BINS, range=[[0, 1], [0, 1]])
    heat.imshow(grid, extent=(0, 1, 1, 0), cmap="magma", interpolation="nearest")
    for k in range(1, CELLS):
        heat.axhline(k / CELLS, color="white", lw=0.5)
        heat.axvline(k / CELLS, color="white", lw=0.5)
    heat.set_title(f"{name}: {len(boxes.centres)} box centres", fontsize=9)
    heat.set_xticks([]), heat.set_yticks([])
    size_ax.hist(boxes.sizes, bins=24, color="tab:blue")
    size_ax.set_title("box size (longer side, px)", fontsize=9)
    aspect_ax.hist(boxes.aspects, bins=24, color="tab:green")
    aspect_ax.set_title(f"aspect w/h; truncated {boxes.truncated}, difficult (occluded) {boxes.difficult}",
                        fontsize=9)


def plot(cov: Coverage, out_path: Path, title: str) -> Path:
    """Write the coverage PNG: one row per class (heatmap, sizes, aspects) under a title with the counts."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out_path, png(cov, title))
    return out_path


def png(cov: Coverage, title: str) -> bytes:
    """The coverage figure as PNG bytes (what plot writes)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    names = sorted(cov.classes)
    rows = max(len(names), 1)
    fig, axes = plt.subplots(rows, 3, figsize=(12, 3.4 * rows + 0.6), squeeze=False)
    for row, name in zip(axes, names):
        _class_row(row, name, cov.classes[name])
    if not names:
        axes[0][0].text(0.5, 0.5, "no boxes", ha="center")
    fig.suptitle(f"{title}: {cov.images} images, {cov.negatives} negatives (no object), "
                 f"centres in {cov.cells()} of {CELLS * CELLS} cells", fontsize=11)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return buf.getvalue()


def coverage_project(project, build: bool = False) -> tuple[Path, Coverage]:
    """Measure and plot a project's masters (or build) into ROOT/build/previews/NAME-KIND-coverage.png
    (ROOT: the project's workspace)."""
    from .preview import project_items, sheet_path

    kind = "build" if build else "master"
    cov = measure(project_items(project, build))
    out = sheet_path(project, build, coverage=True)
    return plot(cov, out, f"{project.name} {kind}"), cov
