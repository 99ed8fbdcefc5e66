"""lib/trial/sheet.py: a trial's sheet shows inline in Jupyter as PNG and saves."""
from __future__ import annotations

import io

from PIL import Image

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
