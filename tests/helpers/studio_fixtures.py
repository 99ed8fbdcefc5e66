"""Label Studio unit tests need no server: a URL where nothing listens, and task JSON as its API gives."""
import socket

import pytest

from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.labeling.studio.convert import to_result
from dlimgmgr_tasks.lib.voc import VocObject


@pytest.fixture
def nowhere(tmp_path) -> HostConfig:
    """A labelstudio entry whose url has no server (a port bound and closed at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return HostConfig(role="imglabeling", host="local", target_home=str(tmp_path / "lab"), tool="labelstudio",
                      url=f"http://127.0.0.1:{port}", token="t", timeout=2.0)


@pytest.fixture
def task():
    """task(id, annotations=[(id, updated_at, [(name, xmin, ymin, xmax, ymax)], cancelled)], predictions=[])."""
    def make(task_id, annotations=(), predictions=()):
        return {"id": task_id, "predictions": list(predictions), "annotations": [
            {"id": aid, "updated_at": at, "was_cancelled": cancelled, "completed_by": {"id": 7},
             "result": [to_result(VocObject(*box), 64, 48, f"r{i}") for i, box in enumerate(boxes)]}
            for aid, at, boxes, cancelled in annotations]}
    return make


class _Api:
    """A real HTTP server on loopback answering from `routes`: {(METHOD, path): (status, JSON) or a
    callable giving one};
    every request is kept in `seen` as (method, path, query, headers, body bytes)."""

    def __init__(self):
        import json
        import threading
        import urllib.parse
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        api = self
        self.routes, self.seen = {}, []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                url = urllib.parse.urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                api.seen.append((self.command, url.path, dict(urllib.parse.parse_qsl(url.query)),
                                 dict(self.headers), body))
                route = api.routes.get((self.command, url.path), (404, {"detail": "Not found."}))
                status, data = route() if callable(route) else route   # a callable answers in turn
                raw = b"" if data is None else json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api():
    server = _Api()
    yield server
    server.close()
