"""JupyterLab on a dataaug host: started in its target_home (the person's clone, where their
notebooks are), bound to 127.0.0.1 there, reached through a local port forwarded over the SSH
connection (host.forward; on this machine's `local` host, directly), stopped on Ctrl-C.

The server runs detached (setsid, output in target_home/.dlimgmgr/notebook.log, its pid in
.dlimgmgr/notebook.pid), so stopping it is one bounded command that needs no live session:
SIGTERM (Jupyter shuts its kernels down), SIGKILL after STOP_WAIT. The token is made here and
reaches the server on stdin, never in a process argument.
"""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from ..errors import UserError

VENV = ".venv-notebook"
JUPYTER = f"{VENV}/bin/jupyter"
LOG = ".dlimgmgr/notebook.log"
PID = ".dlimgmgr/notebook.pid"
FIRST_PORT = 8888
START_WAIT = 90      # seconds JupyterLab may take to listen (its first start builds caches)
STOP_WAIT = 8        # seconds between SIGTERM and SIGKILL
POLL = 0.5
ALIVE_EVERY = 5      # seconds between checks that the server still runs
_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")


def _stop_script(pid_word: str) -> str:
    """Stop the pid in the file if it is a Jupyter process; wait for it; the pid file goes."""
    return (f"p=$(cat {pid_word} 2>/dev/null); if [ -n \"$p\" ] && grep -q jupyter /proc/$p/cmdline 2>/dev/null; "
            f"then kill -TERM $p; i=0; while kill -0 $p 2>/dev/null && [ $i -lt {STOP_WAIT * 10} ]; do sleep 0.1; "
            f"i=$((i+1)); done; kill -KILL $p 2>/dev/null; echo stopped; fi; rm -f {pid_word}")


@dataclass
class Server:
    host: object
    pid: int
    port: int             # where it listens on the host
    token: str
    forward: object = None

    @property
    def local_port(self) -> int:
        return self.forward.port if self.forward is not None else self.port

    def url(self, name: str | None = None) -> str:
        path = f"lab/tree/projects/{name}/notebooks/{name}.ipynb" if name else "lab"
        return f"http://127.0.0.1:{self.local_port}/{path}?token={self.token}"

    def alive(self) -> bool:
        out = self.host.run(f"kill -0 {self.pid} 2>/dev/null && echo up; exit 0", what="the notebook server",
                            timeout=20)
        return out.strip() == "up"

    def stop(self) -> None:
        """Stop the server and close the forward; bounded, whatever state the link is in."""
        try:
            if self.forward is not None:
                self.forward.close()
        finally:
            home = self.host.quote(self.host.home)
            self.host.run(f"cd {home} && {_stop_script(PID)}", what="stopping the notebook server",
                          timeout=STOP_WAIT + 20)


def start(host, local_port: int | None = None) -> Server:
    """Start JupyterLab in the host's target_home; a server an earlier run left there is stopped first."""
    home = host.quote(host.home)
    token = secrets.token_hex(24)
    left = host.run(f"cd {home} && {_stop_script(PID)}", what="stopping an earlier notebook server", timeout=40)
    if left.strip():
        print(f"{host.label}: stopped a notebook server an earlier run left in {host.home}")
    cmd = (f"cd {home} || exit 1; if [ ! -x {JUPYTER} ]; then echo missing; exit 0; fi; mkdir -p .dlimgmgr || exit 1; "
           f"read -r t; export JUPYTER_TOKEN=\"$t\"; r=; [ \"$(id -u)\" = 0 ] && r=--allow-root; "  # root: CI, containers
           f"nohup setsid {JUPYTER} lab $r --no-browser --ServerApp.ip=127.0.0.1 "
           f"--ServerApp.port={FIRST_PORT} --ServerApp.port_retries=100 --ServerApp.root_dir=. "
           f"> {LOG} 2>&1 < /dev/null & echo $! > {PID}; echo $!")
    out = host.run(cmd, what="starting JupyterLab", input=f"{token}\n".encode(), timeout=60).strip()
    if out == "missing":
        raise UserError(f"{host.label}: no JupyterLab in {host.home}/{VENV}; run: inv dataaug.prepare --notebook")
    server = Server(host, int(out.splitlines()[-1]), 0, token)
    try:
        server.port = _wait_for_port(host, server.pid)
        if not host.on_this_disk or local_port:
            server.forward = host.forward(server.port, local_port or 0)
    except KeyboardInterrupt:
        server.stop()
        raise KeyboardInterrupt("interrupted (Ctrl-C): the notebook server was stopped") from None
    except BaseException:
        server.stop()
        raise
    return server


def _wait_for_port(host, pid: int) -> int:
    """The port the server says it listens on, read from its log; UserError if it stops first."""
    home = host.quote(host.home)
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        out = host.run(f"cd {home} && cat {LOG} 2>/dev/null; kill -0 {pid} 2>/dev/null && echo; echo \"=$?\"",
                       what="the notebook server's log", timeout=20)
        log, _, state = out.rpartition("=")
        found = _URL.search(log)
        if found:
            return int(found.group(1))
        if state.strip() != "0":
            last = [line for line in log.splitlines() if line.strip()][-1:] or ["no output"]
            raise UserError(f"{host.label}: JupyterLab stopped at start ({last[0].strip()[:160]}); "
                            f"see {host.home}/{LOG}")
        time.sleep(POLL)
    raise UserError(f"{host.label}: JupyterLab did not listen within {START_WAIT}s; see {host.home}/{LOG}")


def _exists(host, rel: str) -> bool:
    out = host.run(f"cd {host.quote(host.home)} && [ -f {host.quote(rel)} ] && echo yes; exit 0", what="target_home",
                   timeout=20)
    return out.strip() == "yes"


def serve(host, name: str | None = None, local_port: int | None = None, say=print) -> None:
    """Start the server, print its URL, keep the forward open until Ctrl-C or the server ends; stop it."""
    server = start(host, local_port)
    try:
        say(f"JupyterLab on {host.label} in {host.home} (127.0.0.1:{server.port} there)")
        if name and not _exists(host, f"projects/{name}/notebooks/{name}.ipynb"):
            say(f"warning: {host.home}/projects/{name}/notebooks/{name}.ipynb is not there; bring the clone up to "
                f"date there (git pull), or start it from the file browser")
        say(server.url(name))
        say("Ctrl-C stops it")
        last = time.monotonic()
        while True:
            time.sleep(POLL)
            if time.monotonic() - last >= ALIVE_EVERY:
                last = time.monotonic()
                if not server.alive():
                    raise UserError(f"{host.label}: the notebook server stopped; see {host.home}/{LOG}")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    say("stopped the notebook server")
