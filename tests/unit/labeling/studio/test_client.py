"""lib/labeling/studio/client.py: the HTTP client, against a real loopback server standing in for Label Studio."""
import json

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.client import Client

TOKEN = "0123456789abcdef0123456789abcdef01234567"   # a token's length: redacted wherever it shows

JWT = "aaa.bbb.ccc"     # a personal access token's shape


def test_a_legacy_token_is_sent_as_token(api):
    api.routes[("GET", "/api/projects/")] = (200, {"results": [{"id": 1}]})
    client = Client(api.url, "secret-legacy", timeout=5)
    assert client.get("/api/projects/", title="dlimgmgr close") == {"results": [{"id": 1}]}
    method, path, query, headers, _ = api.seen[-1]
    assert (method, path, query) == ("GET", "/api/projects/", {"title": "dlimgmgr close"})
    assert headers["Authorization"] == "Token secret-legacy"
    assert "secret-legacy" not in repr(client)


def test_a_personal_token_is_exchanged_and_renewed_once_on_401(api):
    answers = iter([(401, {"detail": "expired"}), (200, {"ok": True})])
    api.routes[("POST", "/api/token/refresh/")] = (200, {"access": "A1"})
    api.routes[("PATCH", "/api/projects/3/")] = lambda: next(answers)
    client = Client(api.url, JWT, timeout=5)
    assert client.patch("/api/projects/3/", {"label_config": "<View/>"}) == {"ok": True}
    refreshes = [s for s in api.seen if s[1] == "/api/token/refresh/"]
    assert len(refreshes) == 2 and json.loads(refreshes[0][4]) == {"refresh": JWT}
    patch = [s for s in api.seen if s[0] == "PATCH"][-1]
    assert patch[3]["Authorization"] == "Bearer A1" and json.loads(patch[4]) == {"label_config": "<View/>"}


def test_upload_is_multipart(api):
    api.routes[("POST", "/api/projects/3/import")] = (201, {"task_count": 2})
    assert Client(api.url, TOKEN, timeout=5).upload("/api/projects/3/import", [("a.jpg", b"\xff\xd8A"),
                                                                              ("b.jpg", b"B")]) == {"task_count": 2}
    _, _, _, headers, body = api.seen[-1]
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'filename="a.jpg"' in body and b"\xff\xd8A" in body and body.count(b"Content-Disposition") == 2


def test_empty_answers_and_deletes(api):
    api.routes[("DELETE", "/api/tasks/4/")] = (204, None)
    assert Client(api.url, TOKEN, timeout=5).delete("/api/tasks/4/") is None


@pytest.mark.parametrize("status, body, words", [
    (403, {"detail": "You do not have permission"}, "refused (403: You do not have permission); check the token"),
    (500, {"detail": "boom"}, "failed with HTTP 500 (boom); see Label Studio's log there"),
    (404, {}, "failed with HTTP 404; see Label Studio's log there"),
])
def test_http_errors_are_one_line(api, status, body, words):
    api.routes[("GET", "/api/x")] = (status, body)
    with pytest.raises(UserError) as err:
        Client(api.url, TOKEN, where="role imglabeling (labelstudio)", timeout=5).get("/api/x")
    assert str(err.value).startswith(f"role imglabeling (labelstudio) {api.url}: GET /api/x ")
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_refused_personal_token_and_no_token(api):
    api.routes[("POST", "/api/token/refresh/")] = (401, {"detail": "bad"})
    with pytest.raises(UserError, match="the personal access token in LS_TOKEN was refused"):
        Client(api.url, JWT, token_env="LS_TOKEN", timeout=5).get("/api/projects/")
    with pytest.raises(UserError, match="token_env LS_TOKEN is not set; export it"):
        Client(api.url, "", token_env="LS_TOKEN", timeout=5).get("/api/projects/")
    assert all(JWT not in str(s[3]) for s in api.seen if s[1] != "/api/token/refresh/")
