"""lib/migrate/plan.py: which project each legacy project (or ru_ twin group) becomes."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.migrate import plan as plan_lib
from dlimgmgr_tasks.lib.migrate.legacy import read_repo


def test_ru_twin_becomes_a_top_right_weight(ws, legacy):
    repo = read_repo(legacy)
    assert [[m.name for m in g] for g in plan_lib.groups(repo)] == [["close", "ru_close"], ["moji"]]
    close, moji = plan_lib.make_plan(ws, repo, plan_lib.Options())
    assert close.name == "close" and close.origin == ["projects/close", "projects/ru_close"]
    assert close.placement == {"top-left": 0.667, "top-right": 0.333}
    assert close.total == 297 and close.count == 38 and close.source_name == "close.jpg"   # ceil(297 / 8)
    assert close.status == plan_lib.NEW and any("top-right placement weight" in n for n in close.notes)
    assert moji.classes == ["moji"] and any("class 'moji' from the project name" in n for n in moji.notes)
    assert close.config["classes"] == ["close"] and close.config["count"] == 38


def test_options_rename_prefix_only_modernize(ws, legacy):
    repo = read_repo(legacy)
    opts = plan_lib.Options(prefix="old_", rename={"moji": "kana"}, only=["moji"], modernize=True, count=5)
    (moji,) = plan_lib.make_plan(ws, repo, opts)
    assert moji.name == "kana" and moji.count == 5
    assert moji.placement == {"top-left": 0.5, "anywhere": 0.3, "edge": 0.2}
    assert plan_lib.new_name("close", plan_lib.Options(prefix="old_")) == "old_close"
    with pytest.raises(UserError, match="--rename close=NEW"):
        plan_lib.new_name("close", plan_lib.Options(rename={"close": "Bad Name"}))


def test_a_taken_name_is_refused_and_a_migrated_one_unchanged(ws, legacy):
    repo = read_repo(legacy)
    (ws.projects_dir / "close").mkdir()
    with pytest.raises(UserError, match="projects/close: already exists, not migrated from .*--prefix legacy_"):
        plan_lib.make_plan(ws, repo, plan_lib.Options())
    (ws.projects_dir / "close" / plan_lib.MARKER).write_text('{"from": ["projects/close", "projects/ru_close"]}')
    close, _ = plan_lib.make_plan(ws, repo, plan_lib.Options())
    assert close.status == plan_lib.UNCHANGED
