"""Fixtures for the unit tests: a workspace in tmp_path, a project in it, real JPEGs.

Loaded through pytest_plugins (tests/conftest.py), so a unit test imports nothing but the library."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.workspace import Workspace


def _jpeg(path: Path, size=(64, 48), color=(200, 30, 30)) -> Path:
    """A real JPEG file of one colour."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "JPEG", quality=90)
    return path


def _png(path: Path, size=(16, 16), color=(0, 0, 255, 255)) -> Path:
    """A real RGBA PNG of one colour (alpha included)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", size, color).save(path, "PNG")
    return path


def _annotation(filename: str, size=(64, 48), *objects: tuple) -> voc.Annotation:
    """An Annotation with objects given as (name, xmin, ymin, xmax, ymax)."""
    return voc.Annotation(filename, size[0], size[1], 3, [voc.VocObject(*o) for o in objects])


@pytest.fixture
def jpeg():
    """jpeg(path, size=(64, 48), color=(r, g, b)) writes a real JPEG and returns its path."""
    return _jpeg


@pytest.fixture
def png():
    """png(path, size=(16, 16), color=(r, g, b, a)) writes a real RGBA PNG and returns its path."""
    return _png


@pytest.fixture
def annotation():
    """annotation(filename, (w, h), (name, xmin, ymin, xmax, ymax), ...) -> voc.Annotation."""
    return _annotation


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Workspace:
    """An empty checkout in tmp_path with the built-in settings (hosts.yaml: every role local)."""
    monkeypatch.delenv("DLIMGMGR_HOSTS_FILE", raising=False)
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    return Workspace.at(root)


@pytest.fixture
def make_project(ws):
    """make_project(name, classes=[...], **yaml keys) -> the loaded Project, with master/sources/."""
    from dlimgmgr_tasks.lib import projects

    def make(name="close", classes=("close",), **config):
        pdir = ws.projects_dir / name
        (pdir / "master" / "sources").mkdir(parents=True, exist_ok=True)
        data = {"classes": list(classes), "count": 2, "seed": 1, **config}
        (pdir / "project.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        return projects.load(ws, name)
    return make


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Workspace:
    """A checkout in tmp_path that holds the package (a link to this one) and whose dataaug host is
    `local` with target_home the checkout itself, so host-side programs run from it; profile tiny
    (48x40)."""
    import dlimgmgr_tasks

    monkeypatch.delenv("DLIMGMGR_HOSTS_FILE", raising=False)
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    (root / "dlimgmgr_tasks").symlink_to(Path(dlimgmgr_tasks.__file__).resolve().parent)
    (root / "hosts.yaml").write_text(f"roles:\n  dataaug: {{host: local, target_home: {root}}}\n")
    return Workspace.at(root, {"profiles": {"tiny": {"size": [48, 40]}}}, profile="tiny")


@pytest.fixture
def context():
    """context(ws, dry=False) -> an Invoke Context whose config points the tasks at `ws` (in-process,
    no `inv` subprocess): the same settings a tasks.py collection would give them."""
    import invoke

    from dlimgmgr_tasks.lib.workspace import DEFAULTS

    def make(ws, dry=False):
        conf = {**copy.deepcopy(DEFAULTS), **copy.deepcopy(ws.settings), "root": str(ws.root),
                "profile": ws.profile.name}
        return invoke.Context(invoke.Config(overrides={"dlimgmgr": conf, "run": {"dry": dry}}))
    return make
