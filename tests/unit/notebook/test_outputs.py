"""lib/notebook/outputs.py: a notebook committed with outputs is one warning line naming it (what
HEAD holds in a git checkout; the files on disk elsewhere)."""
import json
import subprocess

from dlimgmgr_tasks.lib.notebook import outputs


def _nb(*cells) -> str:
    """A notebook whose code cells hold these outputs (a list per cell)."""
    return json.dumps({"cells": [{"cell_type": "code", "source": "1", "outputs": out, "metadata": {}}
                                 for out in cells] + [{"cell_type": "markdown", "source": "# hi"}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


SHOWN = [{"output_type": "execute_result", "data": {"text/plain": "1"}}]


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   check=True, capture_output=True, timeout=60)


def _write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_committed_notebook_with_outputs_is_one_warning_naming_it(tmp_path):
    root = tmp_path / "repo"
    _write(root, "projects/close/notebooks/close.ipynb", _nb(SHOWN, [], SHOWN))
    _write(root, "projects/kanji/notebooks/kanji.ipynb", _nb([], []))
    _git(tmp_path, "init", "-q", str(root))
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "notebooks")
    _write(root, "projects/kanji/notebooks/kanji.ipynb", _nb(SHOWN))     # run, not committed: no warning
    assert outputs.notebooks_with_outputs(root) == [("projects/close/notebooks/close.ipynb", 2)]
    [line] = outputs.warnings(root)
    assert line == ("warning: projects/close/notebooks/close.ipynb: committed with outputs in 2 cell(s); run "
                    "scripts/setup (git then strips them through nbstripout), then: git add --renormalize "
                    "projects/close/notebooks/close.ipynb && git commit")
    assert outputs.warnings(root, "close") == [line] and outputs.warnings(root, ["kanji"]) == []


def test_outside_git_the_files_on_disk_are_read(tmp_path):
    root = tmp_path / "plain"
    _write(root, "projects/close/notebooks/close.ipynb", _nb(SHOWN))
    _write(root, "projects/close/notebooks/.ipynb_checkpoints/close-checkpoint.ipynb", _nb(SHOWN))
    _write(root, "projects/close/notebooks/broken.ipynb", "{not json")
    assert outputs.notebooks_with_outputs(root) == [("projects/close/notebooks/close.ipynb", 1)]


def test_output_cells_counts_code_cells_with_outputs_only():
    assert outputs.output_cells(_nb(SHOWN, [], SHOWN).encode()) == 2
    assert outputs.output_cells(b"\xff\xfe") == 0 and outputs.output_cells(b"[1, 2]") == 0
