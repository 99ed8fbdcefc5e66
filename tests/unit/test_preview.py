"""preview: contact sheets with boxes where the annotations say, for master carriers and builds.
The `inv dataaug.preview` task is in tests/cli/dataaug/test_preview.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from dlimgmgr_tasks.lib import preview, voc
from dlimgmgr_tasks.lib.workspace import Workspace


def write_sample(folder: Path, stem: str, size=(400, 400), box=(100, 60, 200, 180), label="close") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (255, 255, 255)).save(folder / f"{stem}.jpg")
    voc.write(folder / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", size[0], size[1],
                                                     objects=[voc.VocObject.from_edges(label, *box)]))
    return folder / f"{stem}.jpg"


def test_boxes_are_drawn_where_the_xml_says(tmp_path):
    image = write_sample(tmp_path / "in", "a")
    out = preview.contact_sheet([(image, image.with_suffix(".xml"))], tmp_path / "sheet.png", title="t")
    sheet = np.asarray(Image.open(out).convert("RGB"))
    color = np.array(preview._color("close"))
    factor = preview.THUMB / 400
    ox, oy = preview.PAD, preview.TITLE + preview.PAD  # first cell; a square image fills it
    # Each edge of the box (0-based edges 100, 60, 200, 180), scaled like the thumbnail, is painted
    # in the class colour within 2 pixels of where it belongs...
    def painted(xs, ys) -> bool:
        patch = sheet[ys[0]:ys[1], xs[0]:xs[1]].astype(int)
        return bool((np.abs(patch - color).max(axis=2) <= 2).any())

    mx, my = round(ox + 150 * factor), round(oy + 120 * factor)  # the box's middle
    for edge in (100, 200):
        px = round(ox + edge * factor)
        assert painted((px - 2, px + 3), (my, my + 1)), edge
    for edge in (60, 180):
        py = round(oy + edge * factor)
        assert painted((mx, mx + 1), (py - 2, py + 3)), edge
    # Nowhere else on that row or column, between the edges.
    assert not painted((round(ox + 100 * factor) + 4, round(ox + 200 * factor) - 4), (my, my + 1))
    # ...and the middle of the box is still the image (white), not paint.
    mid = sheet[round(oy + 120 * factor), round(ox + 150 * factor)]
    assert mid.min() > 240


def test_sample_evenly_spreads_the_picks_over_the_list():
    assert preview.sample_evenly(list(range(10)), 4) == [0, 2, 5, 7]


def test_sample_evenly_keeps_a_short_list_whole():
    assert preview.sample_evenly(list(range(3)), 48) == [0, 1, 2]


def test_limit_and_broken_files_do_not_stop_the_sheet(tmp_path):
    items = [(write_sample(tmp_path / "in", f"s{n}", size=(64, 64), box=(4, 4, 40, 30)), None) for n in range(6)]
    items = [(p, p.with_suffix(".xml")) for p, _ in items]
    items[1][1].write_text("<annotation><size>")  # truncated XML
    items[2][1].unlink()                          # no XML
    out = preview.contact_sheet(items, tmp_path / "sheet.png", limit=4)
    cell_w = preview.THUMB + preview.PAD
    assert Image.open(out).size == (preview.PAD + 2 * cell_w,
                                    preview.TITLE + preview.PAD + 2 * (preview.THUMB + preview.CAPTION + preview.PAD))


def test_project_items_pair_each_carrier_with_its_xml_or_none(tmp_path):
    write_sample(tmp_path / "projects" / "tp" / "master", "c1", size=(64, 64), box=(4, 4, 40, 30))
    Image.new("RGB", (64, 64)).save(tmp_path / "projects" / "tp" / "master" / "c2.png")
    (tmp_path / "projects" / "tp" / "project.yaml").write_text("classes: [close]\n")
    master = tmp_path.resolve() / "projects" / "tp" / "master"
    items = preview.project_items(Workspace.at(tmp_path).project("tp"))
    assert items == [(master / "c1.jpg", master / "c1.xml"), (master / "c2.png", None)]
