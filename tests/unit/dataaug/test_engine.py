"""lib/dataaug/engine.py: one project's build on this machine's local dataaug host, and its skip."""
import pytest

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.dataaug import engine
from dlimgmgr_tasks.lib.errors import UserError


def _project(ws, jpeg, annotation, carriers=2):
    pdir = ws.projects_dir / "close"
    (pdir / "master" / "sources").mkdir(parents=True)
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 0\nseed: 1\n")
    for i in range(carriers):
        jpeg(pdir / "master" / f"close_c00{i}.jpg", size=(48, 40), color=(10 * i, 100, 100))
        voc.write(pdir / "master" / f"close_c00{i}.xml", annotation(f"close_c00{i}.jpg", (48, 40),
                                                                     ("close", 5, 5, 20, 20)))
    return ws.project("close")


def test_build_then_skip_then_force(checkout, jpeg, annotation):
    _project(checkout, jpeg, annotation)
    (first,) = engine.build_projects(checkout, ["close"], jobs=1, progress=False)
    assert first.status == engine.BUILT and first.images == 2 and first.size == (48, 40)
    built = sorted(p.name for p in first.build_dir.iterdir() if not p.name.startswith("."))
    assert built == ["close_000001.jpg", "close_000001.xml", "close_000002.jpg", "close_000002.xml"]
    assert first.rate > 0
    (again,) = engine.build_projects(checkout, ["close"], jobs=1, progress=False)
    assert again.status == engine.SKIPPED and again.images == 2 and again.rate == 0.0
    seen = []
    (forced,) = engine.build_projects(checkout, ["close"], jobs=1, force=True, progress=False, report=seen.append)
    assert forced.status == engine.BUILT and seen == [forced]


def test_no_labelled_carrier_is_refused_without_opening_a_host(checkout, jpeg, annotation):
    project = _project(checkout, jpeg, annotation, carriers=0)
    opened = []
    with pytest.raises(UserError, match="no labelled carriers .*inv dataaug.compose close"):
        engine.build_project(project, lambda: opened.append(1) or [], jobs=1, progress=False)
    assert opened == []


def test_input_warnings_name_unlabelled_carriers(checkout, jpeg, annotation):
    project = _project(checkout, jpeg, annotation, carriers=1)
    jpeg(project.master / "close_c009.jpg", size=(48, 40))
    warnings = engine._input_warnings(project, project.labelled_carriers())
    assert any("1 carrier(s)" in w and "inv imglabeling.push close" in w for w in warnings)
