"""lib/trial/sheet.py: a trial's sheet shows inline in Jupyter as PNG and saves."""
from __future__ import annotations

import io

from PIL import Image

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.trial import Figure, Sheet, show_sources
from dlimgmgr_tasks.lib.trial.sheet import CELL, annotation_of
from dlimgmgr_tasks.lib.workspace import Workspace

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_sheet_shows_inline_as_png_and_saves(repo, tmp_path):
    project = Workspace.at(repo.path).project("kanji")
    sheet = project.try_compose({}, n=4)
    png = sheet._repr_png_()
    assert png.startswith(PNG) and Image.open(io.BytesIO(png)).width > 400
    assert len(repr(sheet)) < 200                               # Jupyter's text form, never the bytes
    assert sheet.save(tmp_path / "out" / "k.png").read_bytes() == png
    assert sheet.coverage()._repr_png_().startswith(PNG)
    sources = project.show_sources()
    assert len(sources) == 4 and sources._repr_png_().startswith(PNG)


def test_a_sheet_draws_each_box_where_its_annotation_puts_it(tmp_path, jpeg, annotation):
    data = jpeg(tmp_path / "grey.jpg", size=(100, 50), color=(40, 40, 40)).read_bytes()
    ann = annotation("grey.jpg", (100, 50), ("close", 11, 21, 30, 40))
    sheet = Sheet("two", [("a.jpg", data, ann), ("b.jpg", data, None)], columns=2)
    assert repr(sheet) == "<Sheet 'two': 2 image(s)>" and sheet.annotations == [ann]
    im = sheet.image()
    assert im.size == (6 + 2 * (CELL + 6), 26 + CELL + 16 + 6)
    factor = CELL / 100                                # the 100x50 image fills the cell's width
    left, top = 6 + round(10 * factor), 26 + (CELL - 50 * factor) // 2 + round(25 * factor)
    drawn = im.getpixel((left, int(top)))
    assert max(drawn) - min(drawn) > 60, f"no coloured box edge at {(left, top)}: {drawn}"
    other = im.getpixel((6 + CELL + 6 + left, int(top)))   # the same spot of the cell without boxes
    assert max(other) - min(other) < 20
    assert annotation_of(voc.dumps(ann)).objects == ann.objects


def test_a_figure_saves_its_png_and_sources_show_with_their_class(tmp_path, make_project, png):
    fig = Figure(PNG + b"rest", "t")
    assert fig._repr_png_() == PNG + b"rest" and repr(fig) == "<Figure 't': PNG, 12 bytes>"
    assert fig.save(tmp_path / "a" / "f.png").read_bytes() == PNG + b"rest"
    project = make_project("close")
    png(project.dir / "master" / "sources" / "close.png")
    sheet = show_sources(project)
    assert [name for name, _, _ in sheet.items] == ["close.png: close"] and sheet.png().startswith(PNG)
