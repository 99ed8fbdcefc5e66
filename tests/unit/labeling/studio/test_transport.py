"""lib/labeling/studio/transport.py: one bounded HTTP exchange, against small loopback servers (a
real socket each): a total deadline, a size bound, redirects on the same server only, and an
answer that is not HTTP -- each one line; and the url check."""
import time

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.transport import checked_url, exchange, origin, shown_url
from tests.helpers.hostile_http import answer, cut, endless, serve, trickle

WHERE = "role imglabeling (labelstudio)"
HEADERS = {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}


def _get(url, timeout=5.0, limit=None):
    return exchange("GET", url + "/api/projects/", None, HEADERS, timeout, WHERE, limit)


def test_a_complete_answer_comes_back_whole():
    with serve(answer(b'[{"id": 1}]')) as (url, seen):
        got = _get(url)
    assert (got.status, got.content_type, got.body) == (200, "application/json", b'[{"id": 1}]')
    assert seen[0].startswith(b"GET /api/projects/ HTTP/1.1")


@pytest.mark.timeout(30)
def test_a_trickling_answer_ends_at_the_total_deadline():
    start = time.monotonic()
    with serve(trickle(every=0.3, stop_after=10)) as (url, _):
        with pytest.raises(UserError, match=r"^role imglabeling \(labelstudio\): GET /api/projects/ got no "
                                            r"complete answer within 2 s"):
            _get(url, timeout=2.0)
    assert time.monotonic() - start < 8      # not one read timeout per byte


@pytest.mark.timeout(30)
def test_answers_over_the_size_bound_are_refused():
    with serve(answer(b"x" * 5000)) as (url, _):       # Content-Length says so at once
        with pytest.raises(UserError, match=r"GET /api/projects/ answered more than 0 MiB; refused"):
            _get(url, limit=4096)
    with serve(endless(stop_after=10)) as (url, _):    # no length: the bytes read say so
        with pytest.raises(UserError, match="answered more than 1 MiB; refused"):
            _get(url, timeout=10, limit=1 << 20)


@pytest.mark.timeout(30)
def test_a_redirect_is_followed_on_the_same_server_only():
    def same(conn, request, seen):
        if request.startswith(b"GET /api/projects/ "):
            answer(b"", "302 Found", extra="Location: /api/v2/\r\n")(conn, request, seen)
        else:
            answer(b"[]")(conn, request, seen)
    with serve(same) as (url, seen):
        assert _get(url).body == b"[]"
    assert [r.split(b" ")[1] for r in seen] == [b"/api/projects/", b"/api/v2/"]

    with serve(answer(b"[]")) as (elsewhere, seen_there):
        moved = answer(b"", "302 Found", extra=f"Location: {elsewhere}/api/projects/\r\n")
        with serve(moved) as (url, _):
            with pytest.raises(UserError, match="redirect to another server .*the token was not sent there"):
                _get(url)
    assert seen_there == []


@pytest.mark.timeout(30)
def test_an_answer_that_is_not_http_or_is_cut_off_is_one_line():
    def ssh(conn, request, seen):
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    with serve(ssh) as (url, _):
        with pytest.raises(UserError, match=r"did not get an HTTP answer; is url in hosts.yaml the Label Studio "
                                            r"port \(not SSH"):
            _get(url)
    with serve(cut()) as (url, _):
        with pytest.raises(UserError, match="the connection closed in the middle of the answer to GET"):
            _get(url)


def test_nothing_listening_is_cannot_connect(nowhere):
    with pytest.raises(UserError, match=r"^role imglabeling \(labelstudio\): cannot connect \(.*\); start Label "
                                        r"Studio there"):
        _get(nowhere.url, timeout=3)


@pytest.mark.parametrize("url, said", [
    ("http://me:pw@127.0.0.1:8080", "has a user or password in it"),
    ("ftp://127.0.0.1:8080", "must be the Label Studio server as http"),
    ("http://127.0.0.1:port", "has a port that is not a number"),
    ("http://127.0.0.1:8080/?x=1", "a query or a fragment"),
    ("http://127.0.0.1:80 80", "is not a url"),
])
def test_a_bad_url_is_refused_and_never_shows_what_was_before_the_at(url, said):
    with pytest.raises(UserError, match=said) as err:
        checked_url(url, "hosts.yaml")
    assert "pw" not in str(err.value)


def test_a_good_url_is_normalized():
    assert checked_url("HTTP://127.0.0.1:8080/ls/", "hosts.yaml") == "http://127.0.0.1:8080/ls"
    assert shown_url("http://me:pw@host:1/x") == "http://host:1/x"
    assert origin("https://Host/x") == ("https", "host", 443)
