"""The Label Studio client defends itself against a server that misbehaves: hostile answers from
small loopback servers (a real socket each, tests/hostile_http.py), a real sshd for "the url is an
SSH port", and hosts.yaml urls and tokens a person may type. Each ends in one line, no traceback,
no token or password shown, and no hang (each test has a short pytest timeout)."""
from __future__ import annotations

import json

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.client import Client
from tests.helpers.hostile_http import answer, cut, endless, serve, trickle
from tests.helpers.oneline import one_line_error

TOKEN = "0123456789abcdef0123456789abcdef01234567"
PASSWORD = "s3cret-PASSWORD"


def _client(url, token=TOKEN, timeout=5.0, **kw) -> Client:
    return Client(url, token, where="role imglabeling (labelstudio)", token_env="LS_TOKEN", timeout=timeout, **kw)


def _refused(url, match, **kw) -> str:
    with pytest.raises(UserError, match=match) as err:
        _client(url, **kw).get("/api/projects/")
    text = str(err.value)
    assert "\n" not in text and TOKEN not in text
    return text


@pytest.mark.timeout(60)
def test_an_endless_answer_ends_at_the_size_bound(monkeypatch):
    from dlimgmgr_tasks.lib.labeling.studio import transport
    monkeypatch.setattr(transport, "MAX_ANSWER", 8 << 20)
    with serve(endless()) as (url, _):
        text = _refused(url, "answered more than 8 MiB; refused", timeout=30)
    assert url in text


@pytest.mark.timeout(30)
def test_a_trickle_of_one_byte_every_2_s_ends_at_the_total_deadline():
    with serve(trickle(every=2.0)) as (url, _):
        _refused(url, r"GET /api/projects/ got no complete answer within 5 s", timeout=5.0)


@pytest.mark.timeout(30)
def test_a_redirect_to_another_origin_is_refused_and_the_token_never_goes_there():
    with serve(answer(b"[]")) as (elsewhere, seen_there):
        location = f"Location: {elsewhere}/api/projects/\r\n"
        with serve(answer(b"", status="302 Found", extra=location)) as (url, seen_here):
            text = _refused(url, "redirect to another server")
    assert elsewhere in text and "token was not sent" in text
    assert seen_there == [] and len(seen_here) == 1


@pytest.mark.timeout(30)
def test_a_redirect_on_the_same_server_is_followed():
    def handler(conn, request, seen):
        if request.startswith(b"GET /api/projects/ "):
            conn.sendall(b"HTTP/1.1 301 Moved\r\nLocation: /api/v2/\r\nContent-Length: 0\r\n\r\n")
        else:
            conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{"a": 1}')
    with serve(handler) as (url, seen):
        assert _client(url).get("/api/projects/") == {"a": 1}
    assert [r.split(b" ")[1] for r in seen] == [b"/api/projects/", b"/api/v2/"]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("body", [b"<!DOCTYPE html><html><body>Welcome</body></html>", b'[{"id": 1, "data": {"im'])
def test_a_web_page_or_cut_json_with_status_200_is_one_line(body):
    with serve(answer(body, content_type="text/html" if body.startswith(b"<") else "application/json")) as (url, _):
        _refused(url, "did not answer JSON as Label Studio does")


@pytest.mark.timeout(30)
def test_a_connection_closed_mid_body_is_one_line():
    with serve(cut()) as (url, _):
        _refused(url, "the connection closed in the middle of the answer to GET /api/projects/")


@pytest.mark.timeout(60)
def test_a_url_pointing_at_an_ssh_port_is_one_line(sshd):
    _refused(f"http://{sshd.hosts[0]}:{sshd.port}", "did not get an HTTP answer; is url in hosts.yaml the Label "
             "Studio port")


@pytest.mark.timeout(30)
def test_the_token_is_stripped_of_a_crlf_and_sent_alone():
    with serve(answer(b"[]")) as (url, seen):
        assert _client(url, token=TOKEN + "\r\n").get("/api/projects/") == []
    assert f"Authorization: Token {TOKEN}\r\n".encode() in seen[0]


def test_a_token_with_a_line_break_inside_is_refused_without_showing_it():
    with pytest.raises(UserError, match="line break") as err:
        _client("http://127.0.0.1:1", token=TOKEN[:20] + "\n" + TOKEN[20:])
    assert TOKEN[:20] not in str(err.value) and TOKEN[20:] not in str(err.value)


def test_a_url_with_credentials_is_refused_without_showing_them():
    with pytest.raises(UserError, match="takes no credentials") as err:
        _client(f"http://labeler:{PASSWORD}@127.0.0.1:8080")
    assert PASSWORD not in str(err.value) and "labeler" not in str(err.value)


def test_a_port_with_a_letter_is_refused():
    with pytest.raises(UserError, match="port that is not a number"):
        _client("http://127.0.0.1:808O")


def _studio_hosts(repo, url, token_env="LS_TOKEN"):
    repo.write_hosts({"imglabeling": {"host": "local", "tool": "labelstudio", "url": url, "token_env": token_env}})


@pytest.mark.parametrize("url, says", [(f"http://labeler:{PASSWORD}@127.0.0.1:8080", "takes no credentials"),
                                       ("http://127.0.0.1:808O", "port that is not a number")])
def test_through_inv_a_bad_url_is_one_line_exit_1_and_no_secret(repo, url, says):
    _studio_hosts(repo, url)
    repo.env["LS_TOKEN"] = TOKEN
    proc = repo.inv("imglabeling.status", check=False)
    assert proc.returncode == 1 and says in one_line_error(proc)
    assert PASSWORD not in proc.stdout + proc.stderr and TOKEN not in proc.stdout + proc.stderr


@pytest.mark.timeout(120)
def test_through_inv_a_crlf_token_works_and_a_task_list_without_ids_is_one_warning(repo):
    project = {"id": 4, "title": "dlimgmgr close", "label_config": ""}
    tasks = [{"data": {"image": "/data/upload/4/x.jpg"}}, {"id": None, "annotations": []}]

    def handler(conn, request, seen):
        path = request.split(b" ")[1]
        body = json.dumps({"results": [project]} if path.startswith(b"/api/projects/?") else
                          tasks if b"/export" in path else []).encode()
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    with serve(handler) as (url, seen):
        _studio_hosts(repo, url)
        repo.env["LS_TOKEN"] = TOKEN + "\r\n"
        proc = repo.inv("imglabeling.pull", "close", check=True)
    assert "Traceback" not in proc.stderr and TOKEN not in proc.stdout + proc.stderr
    assert "2 task(s) in the task list have no id; left out" in proc.stdout
    assert all(f"Token {TOKEN}\r\n".encode() in r for r in seen)


@pytest.mark.timeout(30)
def test_an_error_answer_echoing_the_token_does_not_show_it():
    body = json.dumps({"detail": f"no such token: {TOKEN}"}).encode()
    with serve(answer(body, status="400 Bad Request")) as (url, _):
        text = _refused(url, "failed with HTTP 400")
    assert "(the token)" in text


@pytest.mark.timeout(120)
def test_ctrl_c_while_the_task_list_trickles_in_says_nothing_was_taken(repo):
    import subprocess
    import sys

    from tests.helpers.labelingdata import snapshot
    from tests.helpers.signals import interrupt, wait_for

    project = json.dumps({"results": [{"id": 4, "title": "dlimgmgr close", "label_config": ""}]}).encode()
    slow = trickle(every=1.0)

    def handler(conn, request, seen):
        if b"/export" in request.split(b"\r\n")[0]:
            return slow(conn, request, seen)
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(project)}\r\n\r\n".encode() + project)
    master = repo.project("close") / "master"
    before = snapshot(master)
    with serve(handler) as (url, seen):
        _studio_hosts(repo, url)
        repo.env["LS_TOKEN"] = TOKEN
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "imglabeling.pull", "close"], cwd=repo.path,
                                env=repo.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        wait_for(lambda: any(b"/export" in r.split(b"\r\n")[0] for r in seen), proc=proc)
        line = interrupt(proc)
    assert "close: 0 annotation(s) from Label Studio were taken, nothing changed here" in line
    assert snapshot(master) == before


def test_dry_labelstudio_token_plans_and_contacts_nothing(repo):
    from tests.helpers.labelstudio_server import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    _studio_hosts(repo, dead)
    out = repo.inv("--dry", "imglabeling.labelstudio-token", "--email", "a@example.com", check=True).stdout
    assert f"would log in to {dead} as a@example.com" in out and "secrets.yaml as LS_TOKEN" in out
    assert not (repo.path / "secrets.yaml").exists()


def test_labelstudio_token_with_the_folder_tool_is_one_line(repo):
    line = one_line_error(repo.inv("imglabeling.labelstudio-token", "--email", "a@example.com", check=False))
    assert "roles.imglabeling is not tool: labelstudio" in line


@pytest.mark.parametrize("url, says", [("http://[::1:8080", "is not a url"), ("http://127.0.0.1:0", "port 0"),
                                       ("http://127.0.0.1:8080/?x=1", "a query"), ("ftp://127.0.0.1", "http(s)"),
                                       ("http://127.0.0.1:99999", "not a number from 1 to 65535")])
def test_other_urls_no_server_has_are_one_line(url, says):
    with pytest.raises(UserError) as err:
        _client(url)
    assert says in str(err.value) and "\n" not in str(err.value)
