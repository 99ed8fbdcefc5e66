"""Start a throwaway Label Studio on 127.0.0.1 (for the tests, the benchmark, or trying it out).

`start(venv, data_dir)` runs `label-studio start` from its own virtual environment (made by
scripts/setup-labelstudio) on a free loopback port with a fresh data folder, creates the user
from the environment (never an argument), waits until it answers, logs in with a session and
creates a personal access token. `Server.stop()` ends it by its PID, children included.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dlimgmgr_tasks.lib.errors import UserError

VENV = ".venv-labelstudio"
EMAIL = "labeler@example.com"
START_TIMEOUT = 300.0   # the first start migrates a fresh database: a minute or more on 2 cores


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log: Path
    email: str = EMAIL
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    opener: object = field(default=None, repr=False)   # a logged-in urllib opener (session cookie)

    def cookies(self) -> dict[str, str]:
        """The session's cookies (for a browser that should be logged in too)."""
        return {c.name: c.value for c in _jar(self.opener)}

    def stop(self) -> None:
        """End the server and its children (its own process group), by PID."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def executable(venv: Path) -> Path:
    exe = Path(venv) / "bin" / "label-studio"
    if not exe.is_file():
        raise UserError(f"{venv}: no Label Studio there; make it with: bash scripts/setup-labelstudio")
    return exe


def start(venv: Path, data_dir: Path, password: str = "dlimgmgr-test-pass", timeout: float = START_TIMEOUT) -> Server:
    """A running Label Studio with a user, a logged-in session and a personal access token."""
    exe, data_dir = executable(venv), Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir), "LABEL_STUDIO_USERNAME": EMAIL,
           "LABEL_STUDIO_PASSWORD": password, "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
           "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "COLLECT_ANALYTICS": "false",
           "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED": "true"}
    log = data_dir / "label-studio.log"
    with open(log, "ab") as out:
        process = subprocess.Popen([str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1",
                                    "--port", str(port), "--data-dir", str(data_dir)],
                                   env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", data_dir, process, log, password=password)
    try:
        _wait(server, timeout)
        server.opener = _login(server)
        server.token = _personal_token(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"label-studio exited {server.process.returncode}; see {server.log}")
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"label-studio did not answer on {server.url} within {timeout:.0f} s; see {server.log}")


def _jar(opener) -> http.cookiejar.CookieJar:
    return next(h.cookiejar for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))


def _csrf(opener, url: str) -> str:
    with opener.open(url, timeout=30) as r:
        page = r.read().decode("utf-8", "replace")
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not m:
        raise RuntimeError(f"no CSRF token in {url}")
    return m.group(1)


def _login(server: Server):
    """A urllib opener logged in as the user through the login form (as a browser does)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = server.url + "/user/login/"
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": _csrf(opener, login), "email": server.email,
                                   "password": server.password}).encode()
    req = urllib.request.Request(login, data=form, headers={"Referer": login})
    with opener.open(req, timeout=60) as r:
        r.read()
    if not any(c.name == "sessionid" for c in _jar(opener)):
        raise RuntimeError(f"could not log in to {server.url} as {server.email}; see {server.log}")
    return opener


def _personal_token(server: Server) -> str:
    """Create a personal access token (a JWT refresh token) through the session, as the UI does."""
    csrf = next((c.value for c in _jar(server.opener) if c.name == "csrftoken"), "")
    req = urllib.request.Request(server.url + "/api/token/", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json", "X-CSRFToken": csrf,
                                          "Referer": server.url + "/user/account"})
    with server.opener.open(req, timeout=60) as r:
        return json.loads(r.read())["token"]
