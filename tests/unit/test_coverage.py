"""Coverage: box-centre cells, sizes, negatives and the PNG. The `inv dataaug.preview --coverage`
task is in tests/cli/dataaug/test_preview.py."""
from __future__ import annotations


from PIL import Image

from dlimgmgr_tasks.lib import coverage, voc


def write_pair(folder, stem, objects, size=(400, 400)):
    Image.new("RGB", size, (255, 255, 255)).save(folder / f"{stem}.jpg")
    ann = voc.Annotation(f"{stem}.jpg", size[0], size[1], objects=[
        voc.VocObject.from_edges(name, *box, truncated=t, difficult=d) for name, box, t, d in objects])
    voc.write(folder / f"{stem}.xml", ann)
    return folder / f"{stem}.jpg", folder / f"{stem}.xml"


def test_measure_counts_cells_sizes_truncated_difficult_and_negatives(tmp_path):
    items = [write_pair(tmp_path, "a", [("x", (0, 0, 20, 10), 1, 0), ("y", (300, 300, 396, 340), 0, 1)]),
             write_pair(tmp_path, "b", [("x", (150, 250, 162, 262), 0, 0)]),
             write_pair(tmp_path, "c", [])]
    cov = coverage.measure(items)
    assert (cov.images, cov.negatives, cov.cells()) == (3, 1, 3)
    assert cov.classes["x"].sizes == [20, 12] and cov.classes["x"].truncated == 1
    assert cov.classes["y"].difficult == 1 and cov.classes["y"].aspects == [96 / 40]
    assert cov.summary("demo") == "demo: centres in 3 of 16 cells, sizes 12-96 px, 33% negatives"


def test_plot_writes_a_png_with_a_row_per_class(tmp_path):
    items = [write_pair(tmp_path, f"i{n}", [("x", (n * 30, n * 20, n * 30 + 24, n * 20 + 24), 0, 0),
                                            ("y", (10, n * 25, 50, n * 25 + 30), 0, 0)]) for n in range(10)]
    out = coverage.plot(coverage.measure(items), tmp_path / "out" / "cov.png", "demo")
    with Image.open(out) as im:
        assert im.format == "PNG" and im.height > im.width / 3  # two class rows
