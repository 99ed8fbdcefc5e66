"""lib/migrate/write.py: a planned project made whole, or not at all."""
import json

import pytest
import yaml

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.migrate import write
from dlimgmgr_tasks.lib.migrate.legacy import read_repo
from dlimgmgr_tasks.lib.migrate.plan import MARKER, Options, make_plan


def test_a_project_without_composing(target, legacy):
    close, _ = make_plan(target, read_repo(legacy), Options(carriers=0))
    written = write.write_project(target, close, Options(carriers=0))
    pdir = target.projects_dir / "close"
    assert written.carriers == 0 and written.composed == 0
    assert (pdir / "master" / "sources" / "close.jpg").read_bytes() == (legacy / "projects/close/master/image.jpg").read_bytes()
    assert yaml.safe_load((pdir / "project.yaml").read_text())["classes"] == ["close"]
    assert json.loads((pdir / MARKER).read_text()) == {"from": ["projects/close", "projects/ru_close"]}
    readme = (pdir / "README.md").read_text()
    assert "## Migrated from dl_image_manager" in readme and "gen.height()" in readme
    assert not [p for p in target.projects_dir.iterdir() if p.name.startswith(".migrate-")]
    with pytest.raises(UserError, match="projects/close: appeared while migrating"):
        write.write_project(target, close, Options(carriers=0))


def test_composed_carriers_and_the_corner_warning(target, legacy):
    close, _ = make_plan(target, read_repo(legacy), Options(carriers=2))
    written = write.write_project(target, close, Options(carriers=2))
    assert written.composed == 2
    assert any(line.startswith("warning: close: placement at the corners only") for line in written.lines)
    assert sorted(p.name for p in (target.projects_dir / "close" / "master").glob("*.xml")) == \
        ["close_c000.xml", "close_c001.xml"]


def test_a_legacy_carrier_gets_its_real_size(tmp_path, legacy, jpeg):
    close = read_repo(legacy).projects["close"]
    close.carrier = jpeg(tmp_path / "carrier.jpg", size=(400, 300))
    lines = []
    assert write.legacy_carrier(close, "close_legacy", tmp_path, lines)
    ann = voc.read(tmp_path / "close_legacy.xml")
    assert (ann.width, ann.height, ann.depth) == (400, 300, 3) and ann.labels == ["close"]
    assert "<size> 32x32 corrected to the image's 400x300" in lines[0]
