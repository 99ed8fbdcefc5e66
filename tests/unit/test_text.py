"""dlimgmgr_tasks/lib/text.py: aligned tables and paths shown relative to the checkout."""
from dlimgmgr_tasks.lib import text


def test_table_aligns_columns_and_trims_the_right_edge():
    assert text.table([["project", "images"], ["close", 12], ["kanji-long", ""]]) == [
        "project     images", "close       12", "kanji-long"]
    assert text.table([]) == []


def test_shown_is_relative_inside_the_root_and_whole_outside(tmp_path):
    inside = tmp_path / "repo" / "projects" / "close"
    inside.mkdir(parents=True)
    assert text.shown(inside, tmp_path / "repo") == "projects/close"
    assert text.shown(tmp_path / "elsewhere", tmp_path / "repo") == str(tmp_path / "elsewhere")
    assert text.shown("a/b") == "a/b"
