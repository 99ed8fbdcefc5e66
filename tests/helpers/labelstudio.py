"""A real Label Studio for the tests, and a person working in it through its API.

`label_studio` (session scope: it takes a minute to start on 2 cores) runs the pinned Label
Studio from .venv-labelstudio (scripts/setup-labelstudio) on 127.0.0.1 with a fresh data folder,
its user and a personal access token, and stops it by its PID at the end. Without that venv the
tests fail in CI (CI=true) and are skipped elsewhere, with the reason.

`studio_repo(server, base, project)` is a repository copy whose imglabeling role is that server,
the token in the environment variable LS_TOKEN, and one sample project copied under a name of
its own (Label Studio projects are found by title, so repositories sharing the server must not
share project names). `Person` accepts, moves, adds, deletes, renames and skips as someone in
the editor would (the editor saves exactly these JSON results).
"""
from __future__ import annotations

import copy
import json
import os
import posixpath
import shutil
from pathlib import Path

import pytest

from tests.helpers.repo import ROOT, Repo, make_repo
from tests.helpers.labelingdata import boxes
from tests.helpers import labelstudio_server as studio_server
from dlimgmgr_tasks.lib.labeling.studio.client import Client
from dlimgmgr_tasks.lib.labeling.studio.convert import FROM_NAME, KIND, TO_NAME
from dlimgmgr_tasks.lib.labeling.studio.remote import TITLE_PREFIX, find_title

VENV = ROOT / studio_server.VENV
TOKEN_ENV = "LS_TOKEN"


def missing() -> str | None:
    """Why no Label Studio test can run here, or None."""
    if (VENV / "bin" / "label-studio").is_file():
        return None
    return f"no Label Studio in {studio_server.VENV} (make it with: bash scripts/setup-labelstudio)"


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    why = missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {why}; scripts/test should have made it")
        pytest.skip(why)
    server = studio_server.start(VENV, tmp_path_factory.mktemp("labelstudio-data"))
    try:
        yield server
    finally:
        server.stop()


def studio_repo(server, base: Path, project: str, sample: str = "kanji") -> Repo:
    """A repository copy labelling with `server`, holding the sample project as `project`."""
    repo = make_repo(base)
    shutil.copytree(repo.project(sample), repo.project(project))
    for name in ("close", "kanji"):
        if name != project:
            shutil.rmtree(repo.project(name))
    repo.write_hosts({"dataaug": {"host": "local"},
                      "imglabeling": {"host": "local", "tool": "labelstudio", "url": server.url,
                                      "token_env": TOKEN_ENV},
                      "pytorch": {"host": "local", "target_home": str(base / "pytorch")}})
    repo.env[TOKEN_ENV] = server.token
    return repo


class Person:
    """Someone labelling in Label Studio, through the same API the editor calls.

    A person finds a task by the picture's name; given the repository's master folder, `task`
    uses the task id push recorded instead (Label Studio may have stored the name otherwise)."""

    def __init__(self, server, project_name: str, master: Path | None = None):
        self.client = Client(server.url, server.token)
        remote = find_title(self.client, TITLE_PREFIX + project_name)
        assert remote is not None, f"no Label Studio project for {project_name}"
        self.remote, self.master = remote, master

    def tasks(self) -> dict[str, dict]:
        """{stem: task}: from push's record when the master is known, else from the stored name."""
        tasks, _ = self.remote.listing()
        if self.master is not None:
            record = json.loads((self.master / ".labeling.json").read_text())
            return {stem: tasks[e["studio"]["task"]] for stem, e in record.items()
                    if (e.get("studio") or {}).get("task") in tasks}
        stored = {posixpath.splitext(posixpath.basename(t["data"]["image"]))[0]: t
                  for _, t in sorted(tasks.items())}
        return {name.split("-", 1)[1]: t for name, t in stored.items()}   # "1a2b3c4d-close_c000"

    def task(self, stem: str) -> dict:
        return self.tasks()[stem]

    def prediction(self, stem: str) -> list[dict]:
        """The result of the task's pre-label, as the editor shows it."""
        ids = self.task(stem)["predictions"]
        assert ids, f"{stem}: no prediction"
        pid = ids[-1]["id"] if isinstance(ids[-1], dict) else ids[-1]
        return copy.deepcopy(self.client.get(f"/api/predictions/{pid}/")["result"])

    def submit(self, stem: str, result: list[dict]) -> dict:
        """Submit an annotation with `result` (the editor's Submit), after a pre-label was accepted/edited."""
        return self.client.post(f"/api/tasks/{self.task(stem)['id']}/annotations/",
                                {"result": result, "was_cancelled": False})

    def update(self, annotation: dict, result: list[dict]) -> dict:
        """Change a submitted annotation (the editor's Update)."""
        return self.client.patch(f"/api/annotations/{annotation['id']}/", {"result": result})

    def skip(self, stem: str) -> dict:
        return self.client.post(f"/api/tasks/{self.task(stem)['id']}/annotations/",
                                {"result": [], "was_cancelled": True})


def box(name: str, x0: int, y0: int, x1: int, y1: int, width=400, height=400) -> dict:
    """A result item for a box over 0-based pixel edges x0..x1 (exclusive), as the editor saves it."""
    return {"id": f"p{x0}_{y0}", "from_name": FROM_NAME, "to_name": TO_NAME, "type": KIND,
            "original_width": width, "original_height": height, "image_rotation": 0,
            "value": {"x": x0 * 100 / width, "y": y0 * 100 / height, "width": (x1 - x0) * 100 / width,
                      "height": (y1 - y0) * 100 / height, "rotation": 0, "rectanglelabels": [name]}}


def named(result: list[dict], label: str) -> dict:
    """The result item labelled `label` (the samples hold one box per class)."""
    return next(item for item in result if item["value"]["rectanglelabels"] == [label])


def moved(item: dict, dx: int, dy: int) -> dict:
    """The item dragged by dx, dy whole pixels."""
    out = copy.deepcopy(item)
    out["value"]["x"] += dx * 100 / item["original_width"]
    out["value"]["y"] += dy * 100 / item["original_height"]
    return out


def pixel_boxes(xml) -> list[tuple]:
    """(name, xmin, ymin, xmax, ymax) per object of an XML file or its bytes, as whole numbers."""
    return [(name, *map(int, edges)) for name, *edges in boxes(xml)]
