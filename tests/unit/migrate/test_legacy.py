"""lib/migrate/legacy.py: a dl_image_manager checkout read, nothing executed."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.migrate import legacy as legacy_lib


def test_projects_stores_and_sizes(legacy):
    repo = legacy_lib.read_repo(legacy)
    assert list(repo.projects) == ["close", "moji", "ru_close"]
    close = repo.projects["close"]
    assert close.classes == ["close"] and close.shown == "projects/close" and close.daug.name == "daug.py"
    assert repo.projects["moji"].shown == "projects_store/resnet34/moji" and repo.projects["moji"].classes == []
    assert close.icon_sha == repo.projects["ru_close"].icon_sha
    assert repo.stores == {"common": ["close", "ru_close"], "resnet34": ["moji"]}
    assert repo.sizes == {"resnet34": (64, 64), "ssd": (300, 300)} and repo.merge is None


def test_problems_are_noted_not_fatal(legacy):
    (legacy / "projects" / "close" / "master" / "image.jpg").unlink()
    (legacy / "projects" / "close" / "master" / "image_extended.xml").write_text("<annotation><size>")
    close = legacy_lib.read_project(legacy / "projects" / "close", legacy)
    assert close.icon is None and close.classes == []
    assert any("image.jpg: missing" in p for p in close.problems)
    assert any("image_extended.xml: not readable" in p for p in close.problems)


def test_merge_setting_and_sizes_are_read_as_literals(legacy):
    (legacy / "lib").mkdir()
    (legacy / "lib" / "dl_image_manager_config.py").write_text(
        "import os\nDL_IMAGE_MANAGER_MERGE_CONFIG = (['closegb', 'closewcob'], 'close')\nX = os.getcwd()\n")
    (legacy / "config" / "dl_image_manager_config_icon.py").write_text(
        "DL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE = (0, 0)\n")
    repo = legacy_lib.read_repo(legacy)
    assert repo.merge == (["closegb", "closewcob"], "close") and repo.sizes["icon"] is None


def test_not_a_checkout(tmp_path):
    with pytest.raises(UserError, match="not a folder"):
        legacy_lib.read_repo(tmp_path / "missing")
    with pytest.raises(UserError, match="no projects/NAME/master/ nor projects_store/ here"):
        legacy_lib.read_repo(tmp_path)
