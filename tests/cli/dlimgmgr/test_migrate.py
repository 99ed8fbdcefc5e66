"""inv dlimgmgr.migrate: a made-up dl_image_manager checkout (tests/helpers/legacyrepo.py) becomes projects."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from PIL import Image

from dlimgmgr_tasks.lib import projects, voc
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.legacyrepo import make_legacy, notebook_with_outputs
from tests.helpers.repo import ROOT


@pytest.fixture
def legacy(tmp_path) -> Path:
    return make_legacy(tmp_path / "legacy")


def only_mine(repo):
    for p in (repo.path / "projects").iterdir():
        if p.name != "common":
            shutil.rmtree(p)


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def test_migrate_then_all(repo, legacy):
    """Five legacy projects (one a ru_ twin) become four, and inv all passes on them."""
    only_mine(repo)
    before = snapshot(repo.path)
    proc = repo.inv("--dry", "dlimgmgr.migrate", str(legacy), check=True)
    assert "would make projects/close <- projects/close + projects/ru_close" in proc.stdout
    assert snapshot(repo.path) == before                                   # the plan writes nothing

    proc = repo.inv("dlimgmgr.migrate", str(legacy), "--carriers", "2", "--count", "2", check=True)
    out = proc.stdout
    ws = Workspace.at(repo.path)
    assert ws.project_names() == ["adbutton", "close", "closegb", "moji"]   # ru_close is close's weight
    assert "projects/ru_close: its icon has the bytes of projects/close's: a top-right placement weight" in out
    close = projects.load(ws, "close")
    assert close.config["compose"]["placement"] == {"top-left": 0.889, "top-right": 0.111}  # 8 calls : 1
    # classes from the XML's object names; moji's XML has none, so its name, said so
    assert close.classes == ["close"] and projects.load(ws, "moji").classes == ["moji"]
    assert "no object name in image_extended.xml; class 'moji'" in out
    # the source, named after the class, byte for byte
    assert [s.name for s in close.sources()] == ["close.jpg"]
    assert close.sources()[0].read_bytes() == (legacy / "projects/close/master/image.jpg").read_bytes()
    # the carrier and its XML: <size> from the real image, reported
    ann = voc.read(close.master / "close_legacy.xml")
    assert (ann.width, ann.height, ann.filename) == (400, 400, "close_legacy.jpg")
    assert "image_extended.xml: <size> 32x32 corrected to the image's 400x400" in out
    # daug.py: the unknown call by file and line, in the output and the project's README
    unmapped = "projects/close/data_augmentation/daug.py:26: gen.shear(): not in the mapping table"
    assert unmapped in out and unmapped in (close.dir / "README.md").read_text()
    assert "1 daug.py call(s) not mapped" in out
    steps = close.config["recipe"]["steps"][0]["OneOf"]["steps"]
    assert [list(s)[0] for s in steps] == ["Affine", "Affine", "Affine"]   # height, zoom, mix (x7 with ru_close)
    assert [s["Affine"]["p"] for s in steps] == [0.111, 0.111, 0.778]
    # the faithful corner placement is warned about, with its coverage line
    assert re.search(r"warning: close: placement at the corners only.*centres in \d+ of 16 cells", out)
    _notebook_checks(close, out)
    _profile_checks(repo)

    # a second run changes nothing
    after = snapshot(repo.path)
    proc = repo.inv("dlimgmgr.migrate", str(legacy), "--carriers", "2", "--count", "2", check=True)
    assert "made 0 project(s), 4 already migrated (unchanged)" in proc.stdout
    assert snapshot(repo.path) == after

    repo.inv("dlimgmgr.check", check=True)
    proc = repo.inv("all", check=True)
    assert "classes adbutton, close" in proc.stdout                         # the ssd profile's projects
    assert (repo.path / "dist" / "voc.tar.gz").is_file()


def _notebook_checks(close, out: str) -> None:
    nb_path = close.dir / "notebooks" / "data_augmentation.ipynb"
    nb = json.loads(nb_path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert code[0]["source"] == ["gen = DataAugmentationGenerator('image.jpg')\n", "gen.mix()"]
    original, _ = notebook_with_outputs()
    saved = len(original) - nb_path.stat().st_size
    assert saved > 2000 and f"{saved} bytes of outputs stripped" in out


def _profile_checks(repo) -> None:
    text = (repo.path / "invoke.yaml").read_text()
    profiles = yaml.safe_load(text)["dlimgmgr"]["profiles"]
    assert profiles["ssd"] == {"size": [400, 400], "projects": ["close", "adbutton"]}
    assert profiles["resnet34"] == {"size": [64, 64], "projects": ["close", "closegb", "moji"]}
    assert profiles["yolo"] == {"size": [320, 320], "projects": ["close"]}   # from config/..._yolo.py
    # every comment of the original file is still there
    for line in (ROOT / "invoke.yaml").read_text().splitlines():
        if "#" in line:
            assert line.split("#", 1)[1] in text, line


def test_taken_name_is_refused_and_rename_takes_it(repo, legacy):
    """Our sample holds `close`: nothing is written, one line says what to do; --rename does it."""
    before = snapshot(repo.path)
    proc = repo.inv("dlimgmgr.migrate", str(legacy), check=False)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "projects/close: already exists" in lines[0] and "--rename close=" in lines[0]
    assert snapshot(repo.path) == before
    proc = repo.inv("dlimgmgr.migrate", str(legacy), "--rename", "close=legacy_close", "--project", "close",
                    "--carriers", "0", check=True)
    assert "made 1 project(s)" in proc.stdout
    ws = Workspace.at(repo.path)
    assert sorted(ws.project_names()) == ["close", "kanji", "legacy_close"]
    legacy_close = projects.load(ws, "legacy_close")
    assert legacy_close.config["compose"]["placement"] == {"top-left": 0.889, "top-right": 0.111}
    assert [p.name for p in legacy_close.carrier_images()] == ["legacy_close_legacy.jpg"]   # --carriers 0
    assert {k: v for k, v in snapshot(repo.path).items() if k.startswith("projects/close/")} == \
        {k: v for k, v in before.items() if k.startswith("projects/close/")}
    # the profiles that built every project keep building the samples
    ssd = yaml.safe_load((repo.path / "invoke.yaml").read_text())["dlimgmgr"]["profiles"]["ssd"]
    assert ssd["projects"] == ["close", "kanji", "legacy_close"]


def test_modernize_adds_anywhere_edge_and_backgrounds(repo, legacy):
    only_mine(repo)
    proc = repo.inv("dlimgmgr.migrate", str(legacy), "--project", "closegb", "--modernize", "--carriers", "3",
                    check=True)
    conf = projects.load(Workspace.at(repo.path), "closegb").config["compose"]
    assert conf["placement"] == {"top-left": 0.5, "anywhere": 0.3, "edge": 0.2}
    assert conf["background"] == {"generated": 0.6}
    assert "placement at the corners only" not in proc.stdout
    assert "closegb: centres in" in proc.stdout


def test_not_a_checkout_is_one_line(repo, tmp_path):
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "empty", tmp_path / "missing"):
        proc = repo.inv("dlimgmgr.migrate", str(path), check=False)
        assert len(proc.stderr.strip().splitlines()) == 1 and str(path) in proc.stderr








def test_legacy_carrier_image_is_untouched(repo, legacy):
    only_mine(repo)
    repo.inv("dlimgmgr.migrate", str(legacy), "--project", "close", "--carriers", "0", check=True)
    copied = repo.project("close") / "master" / "close_legacy.jpg"
    assert copied.read_bytes() == (legacy / "projects/close/master/image_extended.jpg").read_bytes()
    with Image.open(copied) as im:
        assert im.size == (400, 400)


def test_interrupted_migration_leaves_no_half_project(repo, legacy, monkeypatch):
    """Ctrl-C while a project is made: the finished ones stay whole, the one under way is not there,
    no temp is left, and the next run makes the rest."""
    from dlimgmgr_tasks.lib import migrate
    from dlimgmgr_tasks.lib.compose import verb

    only_mine(repo)
    real, calls = verb.compose, []

    def interrupted(project, size):
        calls.append(project.name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(project, size)

    monkeypatch.setattr(verb, "compose", interrupted)
    ws = Workspace.at(repo.path)
    with pytest.raises(KeyboardInterrupt):
        migrate.migrate(ws, legacy, migrate.Options(carriers=1, count=1))
    assert sorted(p.name for p in (repo.path / "projects").iterdir()) == ["adbutton", "common"]
    monkeypatch.setattr(verb, "compose", real)
    report = migrate.migrate(ws, legacy, migrate.Options(carriers=1, count=1))
    assert (report.made, report.unchanged) == (3, 1)
    assert not [p for p in (repo.path / "projects").iterdir() if p.name.startswith(".")]




def test_a_killed_runs_temp_is_removed_and_bad_names_ask_for_rename(repo, legacy):
    only_mine(repo)
    stale = repo.path / "projects" / ".migrate-close-abc123"
    (stale / "master").mkdir(parents=True)
    shutil.copytree(legacy / "projects" / "closegb", legacy / "projects" / "Close GB")
    proc = repo.inv("dlimgmgr.migrate", str(legacy), check=False)
    assert len(proc.stderr.strip().splitlines()) == 1 and "'Close GB'" in proc.stderr
    assert "--rename Close GB=NEW" in proc.stderr
    assert stale.exists()       # a refused plan writes nothing, and removes nothing
    repo.inv("dlimgmgr.migrate", str(legacy), "--rename", "Close GB=closegb2", "--carriers", "1", check=True)
    assert not stale.exists()   # removed under the lock before anything else
    assert projects.load(Workspace.at(repo.path), "closegb2").classes == ["closegb"]
