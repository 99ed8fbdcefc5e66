"""dlimgmgr_tasks/dataaug.py: the dataaug tasks, called in-process on a local dataaug host."""
import pytest
from invoke import Exit
from PIL import Image

from dlimgmgr_tasks import dataaug


@pytest.fixture
def close(checkout, png):
    pdir = checkout.projects_dir / "close"
    png(pdir / "master" / "sources" / "close.png", size=(12, 12), color=(255, 0, 0, 255))
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 0\nseed: 3\ncompose: {count: 2}\n")
    return pdir


def test_dry_compose_changes_nothing(checkout, context, close, capsys):
    dataaug.compose(context(checkout, dry=True), "close")
    out = capsys.readouterr().out
    assert out.startswith("dry run: nothing is changed\nwould compose 2 carrier(s) of close at 48x40")
    assert not list((close / "master").glob("*.jpg"))


def test_compose_then_preview(checkout, context, close, capsys):
    c = context(checkout)
    dataaug.compose(c, "close")
    assert sorted(p.name for p in (close / "master").glob("*.jpg")) == ["close_c000.jpg", "close_c001.jpg"]
    capsys.readouterr()
    dataaug.preview(c, "close", limit="1")
    path = capsys.readouterr().out.strip()
    assert path.endswith("close-master.png")
    with Image.open(path) as sheet:
        assert sheet.format == "PNG" and sheet.width > 0
    dataaug.preview(c, "close", coverage=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("close-master-coverage.png") and lines[1].startswith("close")


def test_refusals_are_one_line_exits(checkout, context, close):
    with pytest.raises(Exit, match="--limit must be a whole number \\(got 'lots'\\)"):
        dataaug.preview(context(checkout), "close", limit="lots")
    with pytest.raises(Exit) as err:
        dataaug.compose(context(checkout), "nope")
    assert err.value.code == 1 and "project 'nope' not found" in err.value.message


def test_dry_prepare(checkout, context, capsys):
    dataaug.prepare(context(checkout, dry=True))
    assert f"would sync the framework to role dataaug host local: {checkout.root}" in capsys.readouterr().out
    assert [t.name for t in dataaug.ns.tasks.values()] == ["compose", "preview", "prepare", "notebook"]
