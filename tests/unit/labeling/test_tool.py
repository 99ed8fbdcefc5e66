"""lib/labeling/tool.py: the one place that picks the labeling tool, from hosts.yaml (moved from
test_verdict.py), on a copy of the checkout."""
from __future__ import annotations

import yaml

from dlimgmgr_tasks.lib.labeling.folder import Folder
from dlimgmgr_tasks.lib.labeling.studio import Studio
from dlimgmgr_tasks.lib.labeling.tool import tool_for
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.repo import make_repo


def test_one_place_picks_the_tool_from_hosts_yaml(tmp_path, monkeypatch):
    ws = Workspace.at(make_repo(tmp_path).path)
    folder = tool_for(ws)
    assert isinstance(folder, Folder) and folder.where("kanji").endswith("projects/kanji/master")
    hosts = yaml.safe_load(ws.hosts_path.read_text())
    hosts["roles"]["imglabeling"].update(tool="labelstudio", url="http://127.0.0.1:9/", token_env="LS_T")
    ws.hosts_path.write_text(yaml.safe_dump(hosts))
    monkeypatch.setenv("LS_T", "not-a-real-token")
    studio = tool_for(Workspace.at(ws.root))
    assert isinstance(studio, Studio)
    assert studio.where("kanji").endswith("Label Studio http://127.0.0.1:9, project 'dlimgmgr kanji'")
    assert studio.header[:2] == ["project", "tasks"] and folder.header[:2] == ["project", "carriers"]
