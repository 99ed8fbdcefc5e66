"""lib/notebook/server.py without JupyterLab: the refusal when it is not installed, the URL, and the
start/stop life cycle around a stand-in `jupyter` script (it prints the URL line JupyterLab logs and
waits) -- the token reaches it on stdin, never in its command line, and stop ends it."""
import os
import stat
import time

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.notebook import server

# Logs as JupyterLab does, then waits; "fail" as first argument after lab: a start that dies.
STAND_IN = """#!/bin/sh
echo "[I ServerApp] token from the environment: $JUPYTER_TOKEN"
case "$*" in *--ServerApp.ip=127.0.0.1*) ;; *) echo "not bound to loopback"; exit 3;; esac
[ -f fail ] && { echo "[E ServerApp] port in use, giving up"; exit 1; }
echo "[I ServerApp] Jupyter Server is running at: http://127.0.0.1:8899/lab?token=..."
while :; do sleep 0.2; done
"""


@pytest.fixture
def host(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return LocalHost(HostConfig(role="dataaug", host="local", target_home=str(home)))


def _install(host):
    jupyter = os.path.join(host.home, server.JUPYTER)
    os.makedirs(os.path.dirname(jupyter))
    with open(jupyter, "w") as fh:
        fh.write(STAND_IN)
    os.chmod(jupyter, stat.S_IRWXU)


def test_no_jupyterlab_in_target_home_is_one_line(host):
    with pytest.raises(UserError, match=r"^role dataaug host local: no JupyterLab in .*/home/.venv-notebook; "
                                        r"run: inv dataaug.prepare --notebook$"):
        server.start(host)


def test_the_url_opens_the_projects_notebook_with_the_token(host):
    s = server.Server(host, pid=1, port=8890, token="abc")
    assert s.url() == "http://127.0.0.1:8890/lab?token=abc"
    assert s.url("close") == "http://127.0.0.1:8890/lab/tree/projects/close/notebooks/close.ipynb?token=abc"


@pytest.mark.timeout(120)
def test_start_reads_the_port_from_the_log_and_stop_ends_the_server(host):
    _install(host)
    s = server.start(host)
    try:
        assert s.port == 8899 and s.local_port == 8899 and s.forward is None and s.alive()
        with open(f"/proc/{s.pid}/cmdline", "rb") as fh:
            cmdline = fh.read()
        assert b"jupyter" in cmdline and s.token.encode() not in cmdline   # the token came on stdin
        log = open(os.path.join(host.home, server.LOG)).read()
        assert f"token from the environment: {s.token}" in log
        assert open(os.path.join(host.home, server.PID)).read().strip() == str(s.pid)
    finally:
        s.stop()
    assert not s.alive() and not os.path.exists(os.path.join(host.home, server.PID))


@pytest.mark.timeout(120)
def test_a_server_that_dies_at_start_is_one_line_with_its_last_log_line(host):
    _install(host)
    open(os.path.join(host.home, "fail"), "w").close()
    with pytest.raises(UserError, match=r"JupyterLab stopped at start \(\[E ServerApp\] port in use, giving up\); "
                                        r"see .*/home/.dlimgmgr/notebook.log$"):
        server.start(host)


@pytest.mark.timeout(60)
def test_stop_leaves_a_process_that_is_not_jupyter_alone(host):
    import subprocess
    other = subprocess.Popen(["sleep", "30"])
    try:
        os.makedirs(os.path.join(host.home, ".dlimgmgr"))
        with open(os.path.join(host.home, server.PID), "w") as fh:   # a stale pid file, the pid reused
            fh.write(f"{other.pid}\n")
        server.Server(host, other.pid, 0, "t").stop()
        time.sleep(0.2)
        assert other.poll() is None and not os.path.exists(os.path.join(host.home, server.PID))
    finally:
        other.kill()
        other.wait(10)
