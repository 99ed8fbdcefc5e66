"""lib/labeling/studio/remote.py: a project's Label Studio project and its tasks by carrier stem."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio import remote
from dlimgmgr_tasks.lib.labeling.studio.client import Client
from dlimgmgr_tasks.lib.labeling.studio.config import labeling_config

TOKEN = "0123456789abcdef0123456789abcdef01234567"   # a token's length: redacted wherever it shows


def test_stems_latest_and_keys():
    # a task is found by the id push recorded, never by the name Label Studio stored
    assert remote.stored_name({"data": {"image": "/data/upload/3/1a2b3c4d-close_c000.jpg"}}) == "1a2b3c4d-close_c000.jpg"
    assert remote.stored_name({"data": {}}) == "?"
    tasks = {5: {"id": 5}, 7: {"id": 7}}
    assert remote.task_of(tasks, {"studio": {"task": 7}}) == {"id": 7}
    assert remote.task_of(tasks, {"studio": {"task": 9}}) is None and remote.task_of(tasks, {}) is None
    task = {"annotations": [{"id": 1, "updated_at": "2026-01-02"}, {"id": 2, "updated_at": "2026-01-01"},
                            {"id": 3, "updated_at": "2026-02-01", "was_cancelled": True}]}
    assert remote.latest_submitted(task)["id"] == 1 and remote.latest_submitted({}) is None
    assert remote.annotation_key({"id": 1, "updated_at": "t"}) == "1@t" and remote.annotation_key(None) is None


def test_find_or_create_then_tasks(api, make_project):
    project = make_project(classes=["close", "open"])
    client = Client(api.url, TOKEN, where="role imglabeling (labelstudio)", timeout=5)
    api.routes[("GET", "/api/projects/")] = (200, {"results": [{"id": 9, "title": "dlimgmgr closed"}]})
    api.routes[("POST", "/api/projects/")] = (201, {"id": 4, "title": "dlimgmgr close"})
    made = remote.find_or_create(client, project)
    assert (made.id, made.title) == (4, "dlimgmgr close")
    posted = [s for s in api.seen if s[0] == "POST"][-1]
    assert b"dlimgmgr close" in posted[4] and b"open" in posted[4]
    assert made.shown == f"role imglabeling (labelstudio) {api.url}: project 'dlimgmgr close'"
    assert made.page(7) == f"{api.url}/projects/4/data?task=7"
    # Found again with an old labeling config: the config is updated, no second project.
    api.routes[("GET", "/api/projects/")] = (200, [{"id": 4, "title": "dlimgmgr close", "label_config": "<View/>"}])
    api.routes[("PATCH", "/api/projects/4/")] = (200, {})
    assert remote.find_or_create(client, project).id == 4
    assert [s[0] for s in api.seen].count("POST") == 1 and api.seen[-1][0] == "PATCH"
    api.routes[("GET", "/api/projects/")] = (200, [{"id": 4, "title": "dlimgmgr close",
                                                    "label_config": labeling_config(project.classes)}])
    remote.find_or_create(client, project)
    assert api.seen[-1][0] == "GET"                                  # in sync: nothing sent
    api.routes[("GET", "/api/projects/4/export")] = (200, [
        {"id": 1, "data": {"image": "/x/1a2b3c4d-close_c000.jpg"}}, {"id": 5, "data": {"image": "/x/close_c000.jpg"}},
        {"id": 2, "data": {"image": "/x/close_c001.jpg"}}, {"id": 3, "data": {}}])
    tasks, lines = made.listing()
    assert sorted(tasks) == [1, 2, 3, 5] and lines == []                # by task id, whatever the stored name
    assert api.seen[-1][2] == {"exportType": "JSON", "download_all_tasks": "true"}


def test_require_names_the_push_to_run(api, make_project):
    api.routes[("GET", "/api/projects/")] = (200, {"results": []})
    client = Client(api.url, TOKEN, where="role imglabeling (labelstudio)", timeout=5)
    with pytest.raises(UserError, match="no project 'dlimgmgr close' there; .*inv imglabeling.push close"):
        remote.require(client, make_project())
