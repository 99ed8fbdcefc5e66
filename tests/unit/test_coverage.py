"""Coverage: box-centre cells, sizes, negatives, the PNG and the preview --coverage task."""
from __future__ import annotations

import re

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


def test_preview_coverage_prints_the_png_path_and_a_summary_line(repo):
    proc = repo.inv("dataaug.preview", "close", "--coverage", check=True)
    path, line = proc.stdout.strip().splitlines()
    assert path.endswith("build/previews/close-master-coverage.png") and (repo.path / path).is_file()
    match = re.fullmatch(r"close: centres in (\d+) of 16 cells, sizes \d+-\d+ px, (\d+)% negatives", line)
    assert match and int(match.group(1)) >= 12 and int(match.group(2)) > 0


def test_sample_close_build_centres_fall_in_at_least_12_of_16_cells(repo):
    repo.inv("build", "--project", "close", check=True)
    line = repo.inv("dataaug.preview", "close", "--build", "--coverage", check=True).stdout.strip().splitlines()[-1]
    assert int(re.search(r"centres in (\d+) of 16", line).group(1)) >= 12, line
