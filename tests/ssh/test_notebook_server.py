"""`inv dataaug.notebook`: a real JupyterLab (.venv-notebook, scripts/setup-notebook) in the dataaug
host's target_home, bound to 127.0.0.1 there, answering /api/status with its token through a real
port forward over the test sshd; Ctrl-C stops it within seconds, leaving nothing running."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.helpers.repo import ROOT
from tests.helpers.ssh_fixtures import need
from dlimgmgr_tasks.lib.notebook import server
from dlimgmgr_tasks.lib.workspace import Workspace

VENV = ROOT / ".venv-notebook"
STOP_SECONDS = 15


@pytest.fixture
def bench(tmp_path):
    """A dataaug target_home (a person's clone would be here) with the notebook venv in it."""
    need(None if (VENV / "bin" / "jupyter-lab").exists() else "no .venv-notebook; run scripts/setup-notebook")
    home = tmp_path / "bench"
    home.mkdir()
    (home / ".venv-notebook").symlink_to(VENV)
    return home


def status(port: int, token: str, wait: float = 30) -> int:
    """GET /api/status through the port; a connection the server is not taking yet (it logs its URL
    a moment before it accepts on a loaded machine) is tried again for up to `wait` seconds."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/status", headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(req, timeout=20) as res:
                assert "started" in json.loads(res.read())
                return res.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def alive(pid: int) -> bool:
    return os.path.exists(f"/proc/{pid}") and b"jupyter" in open(f"/proc/{pid}/cmdline", "rb").read()


def test_jupyterlab_answers_through_a_port_forward_over_ssh(repo, sshd, ssh_entry, bench):
    repo.write_hosts({"dataaug": ssh_entry(0, target_home=str(bench))}, known_hosts=str(sshd.known_hosts))
    with Workspace.at(repo.path).host("dataaug") as host:
        srv = server.start(host)
        try:
            assert srv.forward is not None and srv.local_port != 0
            assert status(srv.local_port, srv.token) == 200
            assert status(srv.local_port, "not-the-token") == 403
            assert srv.url("close").startswith(f"http://127.0.0.1:{srv.local_port}/lab/tree/projects/close/")
        finally:
            srv.stop()
    assert not alive(srv.pid)
    assert not (bench / server.PID).exists()


def test_ctrl_c_stops_the_server_within_seconds_and_leaves_nothing(repo, sshd, ssh_entry, bench):
    repo.write_hosts({"dataaug": ssh_entry(0, target_home=str(bench))}, known_hosts=str(sshd.known_hosts))
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "dataaug.notebook", "close"], cwd=repo.path, env=repo.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        url = None
        for line in proc.stdout:
            if found := re.match(r"http://127\.0\.0\.1:(\d+)/lab/tree/projects/close/notebooks/close\.ipynb\?token=(\w+)$",
                                 line.strip()):
                url = found
                break
        assert url, proc.stderr.read()
        pid = int((bench / server.PID).read_text())
        assert status(int(url.group(1)), url.group(2)) == 200
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        out, err = proc.communicate(timeout=STOP_SECONDS)
        assert time.monotonic() - start < STOP_SECONDS
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped the notebook server" in out and "Traceback" not in err
    assert not alive(pid)


def test_on_a_local_host_it_is_started_directly(repo, bench):
    repo.write_hosts({"dataaug": {"host": "local", "target_home": str(bench)}})
    with Workspace.at(repo.path).host("dataaug") as host:
        srv = server.start(host)
        try:
            assert srv.forward is None and srv.local_port == srv.port
            assert status(srv.port, srv.token) == 200
        finally:
            srv.stop()
    assert not alive(srv.pid)


def test_a_host_without_the_notebook_venv_is_told_how_to_make_it(repo, tmp_path):
    repo.write_hosts({"dataaug": {"host": "local", "target_home": str(tmp_path / "bare")}})
    proc = repo.inv("dataaug.notebook", check=False)
    assert "no JupyterLab in" in proc.stderr and "inv dataaug.prepare --notebook" in proc.stderr


def test_prepare_notebook_keeps_a_venv_made_from_the_same_pins(repo, tmp_path):
    from dlimgmgr_tasks.lib.notebook.venv import PINS, STAMP, pins_digest
    (repo.path / "scripts").mkdir(exist_ok=True)
    shutil.copy2(ROOT / PINS, repo.path / PINS)
    home = tmp_path / "bench"
    (home / ".venv-notebook").mkdir(parents=True)
    (home / STAMP).write_text(pins_digest(Workspace.at(repo.path)) + "\n")
    repo.write_hosts({"dataaug": {"host": "local", "target_home": str(home)}})
    proc = repo.inv("dataaug.prepare", "--notebook", check=True)
    assert f"{home}/.venv-notebook is ready" in proc.stdout
    tree = home / ".dlimgmgr" / "tree"
    assert (tree / PINS).read_bytes() == (ROOT / PINS).read_bytes() and (tree / "requirements.txt").is_file()
    assert sorted(p.name for p in home.iterdir()) == [".dlimgmgr", ".venv-notebook"]   # nothing in the clone's place
