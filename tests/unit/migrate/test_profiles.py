"""lib/migrate/profiles.py: projects_store lists into invoke.yaml, comments kept."""
import pytest
import yaml

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.migrate import profiles
from dlimgmgr_tasks.lib.migrate.legacy import read_repo

INVOKE = """# the team's settings
dlimgmgr:
  profile: ssd
  profiles:
    ssd: {size: [400, 400]}   # the SSD family
"""


def test_wanted_puts_common_first(legacy):
    repo = read_repo(legacy)
    assert profiles.wanted(repo, {"close": "close", "ru_close": "close", "moji": "moji"}) == \
        {"resnet34": ((64, 64), ["close", "moji"])}
    assert profiles.wanted(repo, {"close": "close"}) == {"resnet34": ((64, 64), ["close"])}


def test_apply_adds_a_profile_and_keeps_comments(tmp_path):
    path = tmp_path / "invoke.yaml"
    path.write_text(INVOKE)
    lines = profiles.apply(path, {"resnet34": ((64, 64), ["close"]), "ssd": ((300, 300), ["close"])},
                           existing=["kanji"], write=True)
    assert lines == ["profile resnet34: added to invoke.yaml with size 64x64", "profile resnet34: projects close",
                     "profile ssd: projects kanji, close (kept the 1 it built before)"]
    text = path.read_text()
    assert "# the team's settings" in text and "# the SSD family" in text
    data = yaml.safe_load(text)["dlimgmgr"]["profiles"]
    assert data["resnet34"] == {"size": [64, 64], "projects": ["close"]}
    assert data["ssd"] == {"size": [400, 400], "projects": ["kanji", "close"]}
    assert profiles.apply(path, {"ssd": ((300, 300), ["close"])}, existing=["kanji"], write=True) == []


def test_dry_writes_nothing_and_an_unknown_size_is_a_line(tmp_path):
    path = tmp_path / "invoke.yaml"
    path.write_text(INVOKE)
    lines = profiles.apply(path, {"icon": (None, ["close"]), "resnet34": ((64, 64), ["close"])}, [], write=False)
    assert "not in invoke.yaml and the original's size for it is not fixed" in lines[0]
    assert path.read_text() == INVOKE


def test_broken_yaml_is_one_line(tmp_path):
    path = tmp_path / "invoke.yaml"
    path.write_text("a: [\n")
    with pytest.raises(UserError, match="invoke.yaml: not valid YAML"):
        profiles.apply(path, {}, [], write=False)
