"""The samples' notebooks run top to bottom with a real kernel (nbclient + ipykernel), on a copy of
the repository: every trial cell shows an image, and the save cell leaves a valid project.yaml
whose comments survive, holding what the person tried. The committed notebooks hold no outputs."""
from __future__ import annotations

import json

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from tests.helpers.repo import ROOT
from tests.helpers.yamltext import comment_lines

KERNEL_TIMEOUT = 600   # per cell: the kernel shares the CPUs with the rest of the suite


def run_notebook(repo, name: str, edit=None):
    """Execute projects/NAME/notebooks/NAME.ipynb of the copy in its own folder, as Jupyter would;
    edit(cells) first changes cell sources as a person would. Returns the executed notebook."""
    path = repo.project(name) / "notebooks" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    if edit:
        edit(nb.cells)
    NotebookClient(nb, timeout=KERNEL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def images(cell) -> list:
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def trial_cell(cells, word: str):
    return next(c for c in cells if c.cell_type == "code" and word in c.source)


@pytest.mark.parametrize("name", ["close", "kanji"])
def test_a_sample_notebook_runs_top_to_bottom_and_shows_its_trials(repo, name):
    before = repo.project(name).joinpath("project.yaml").read_bytes()
    nb = run_notebook(repo, name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)
    assert f"profile ssd 400x400; classes {json.dumps(yaml.safe_load(before)['classes'])}".replace('"', "'") \
        in "".join(o.get("text", "") for o in code[0].outputs)
    for word in ("show_sources", "try_compose", "coverage", "try_recipe"):
        assert images(trial_cell(nb.cells, word)), f"{word}: no image shown"
    # Saved as tried: nothing was changed, so the file is as it was.
    assert repo.project(name).joinpath("project.yaml").read_bytes() == before


def test_the_save_cell_writes_what_was_tried_and_keeps_the_comments(repo):
    before = repo.project("close").joinpath("project.yaml").read_text()

    def tried(cells):
        cell = trial_cell(cells, "try_compose")
        cell.source = cell.source.replace("compose = {}", 'compose = {"margin": 12, "per_carrier": [1, 2]}')
        cell = trial_cell(cells, "try_recipe")
        cell.source = cell.source.replace("steps = None", 'steps = [{"Affine": {"rotate": [-8, 8], "fill": 125, "p": 1.0}}]')
    run_notebook(repo, "close", tried)
    after = repo.project("close").joinpath("project.yaml").read_text()
    data = yaml.safe_load(after)
    assert data["compose"]["margin"] == 12 and data["compose"]["per_carrier"] == [1, 2]
    assert data["recipe"]["steps"] == [{"Affine": {"rotate": [-8, 8], "fill": 125, "p": 1.0}}]
    kept = comment_lines(before)[:comment_lines(before).index("# the original tool's \"mix\": small rotation, "
                                                              "shift, zoom, constant fill 125") + 1]
    assert comment_lines(after)[:len(kept)] == kept
    repo.inv("dlimgmgr.check", "--project", "close", check=True)   # valid: compose and build read it


@pytest.mark.parametrize("name", ["close", "kanji"])
def test_the_committed_sample_notebooks_hold_no_outputs(name):
    nb = nbformat.read(ROOT / "projects" / name / "notebooks" / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


def test_a_new_projects_notebook_runs_to_its_end_before_any_carrier(repo):
    repo.inv("dlimgmgr.new", "fresh", "--source", str(repo.project("close") / "master" / "sources" / "close.png"),
             check=True)
    nb = run_notebook(repo, "fresh")
    assert images(trial_cell(nb.cells, "try_compose")) and images(trial_cell(nb.cells, "try_recipe"))
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in trial_cell(nb.cells, "try_recipe").outputs)
    assert "no labelled carriers yet" in shown
