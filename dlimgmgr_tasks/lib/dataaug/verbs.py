"""The other dataaug verbs, each on one Host: compose a project's carriers there, prepare a host.

Both sync the host's target_home first (sync.py) and call the host-side CLI (lib/hostside/dataaug.py), the
same way for this machine's `local` host as for an SSH host.
"""
from __future__ import annotations

import json

from ..errors import UserError
from ..hashing import sha256_file
from ..hostside import hostcall
from .plan import lib_versions
from .sync import sync

VENV_PYTHON = ".venv/bin/python"
ROOT_FILES = ("requirements.txt",)   # what prepare needs beside the synced folders


def compose_on(host, project, size) -> str:
    """Compose on the host and bring the carriers, their XML and .prelabels.json back into master/.
    Returns compose's summary line."""
    sync(host, project.workspace, [project.name])
    out = host.run(hostcall.command(host, "compose", project.name, f"{int(size[0])}x{int(size[1])}"),
                   what="compose")
    try:
        info = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise UserError(f"{host.label}: compose printed no result; run it again") from None
    remote_master = f"{host.home.rstrip('/')}/projects/{project.name}/master"
    host.pull_tree(remote_master, project.master, paths=sorted(info["sha256"]))
    for name, digest in info["sha256"].items():
        if sha256_file(project.master / name) != digest:
            raise UserError(f"{host.label}: {name} arrived damaged (sha256 differs); run compose again")
    for name in info["removed"]:
        (project.master / name).unlink(missing_ok=True)
    return info["summary"]


def _versions(host, what: str) -> str:
    return host.run(hostcall.command(host, "versions"), what=what).strip().splitlines()[-1]


def prepare(host, ws, base_python: str = "python3", pip_args: str = "") -> str:
    """Sync the framework to the host and check its python has our library versions (they decide
    the build's bytes). A host without `python:` in the hosts file whose default python does not
    match gets target_home/.venv made from requirements.txt."""
    sync(host, ws, [])
    for name in ROOT_FILES:
        if (ws.root / name).is_file():
            host.put_file(ws.root / name, f"{host.home.rstrip('/')}/{name}")
    mine = lib_versions()
    try:
        theirs = _versions(host, host.python)
    except UserError:
        if host.config.python:
            raise
        theirs = None
    if theirs == mine:
        return f"{host.label}: python {host.config.python or host.python} is ready ({theirs})"
    if host.config.python:
        raise UserError(f"{host.label}: {host.config.python} has {theirs}, this machine {mine}; the builds would "
                        f"differ: install the same versions there (requirements.txt)")
    home = host.quote(host.home)
    host.run(f"cd {home} && {host.quote(base_python)} -m venv .venv && {VENV_PYTHON} -m pip install -q "
             f"--disable-pip-version-check -r requirements.txt {pip_args}",
             what="making .venv from requirements.txt", timeout=3600)
    theirs = host.run(f"cd {home} && exec {VENV_PYTHON} -m {hostcall.MODULE} versions", what=VENV_PYTHON).strip()
    if theirs != mine:
        raise UserError(f"{host.label}: {VENV_PYTHON} has {theirs}, this machine {mine}; the builds would "
                        f"differ: install the same versions there (requirements.txt)")
    return (f"{host.label}: made {host.home}/.venv ({theirs}); add `python: {VENV_PYTHON}` to this host's "
            f"entry in the hosts file")
