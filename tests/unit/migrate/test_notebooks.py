"""migrate.notebooks: legacy notebooks lose their outputs; twins' notebooks get a prefix, never a clash."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import nbformat

from dlimgmgr_tasks.lib.migrate import notebooks
from tests.helpers.legacyrepo import notebook_with_outputs


def _notebook() -> bytes:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('hi')", execution_count=7)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("# notes")]
    return nbformat.writes(nb).encode()


def test_strip_drops_outputs_and_counts_and_keeps_the_code():
    out = notebooks.strip(_notebook())
    assert out.endswith(b"\n")
    cells = json.loads(out)["cells"]
    assert "".join(cells[0]["source"]) == "print('hi')" and cells[0]["outputs"] == []
    assert cells[0]["execution_count"] is None and "".join(cells[1]["source"]) == "# notes"
    assert notebooks.strip(out) == out  # stripping twice changes nothing


def test_strip_returns_none_for_a_damaged_notebook():
    assert notebooks.strip(b"{not json") is None
    assert notebooks.strip(b"\xff\xfe") is None


def test_target_names_prefix_twins_and_number_clashes():
    base, twin = SimpleNamespace(name="close"), SimpleNamespace(name="far")
    found = {"close": [Path("/a/train.ipynb"), Path("/b/train.ipynb")], "far": [Path("/c/train.ipynb")]}
    names = notebooks.target_names([base, twin], lambda m: found[m.name])
    assert [n for _, n in names] == ["train.ipynb", "train_2.ipynb", "far-train.ipynb"]
    assert [str(p) for p, _ in names] == ["/a/train.ipynb", "/b/train.ipynb", "/c/train.ipynb"]


def test_an_unreadable_notebook_is_kept_as_it_is():
    assert notebooks.strip(b"{not json") is None
    stripped = notebooks.strip(notebook_with_outputs()[0])
    assert b"image/png" not in stripped and json.loads(stripped)["cells"][1]["outputs"] == []
