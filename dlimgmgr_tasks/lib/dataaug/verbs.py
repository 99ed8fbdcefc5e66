"""The other dataaug verbs, each on one Host: compose a project's carriers there, prepare a host.

Both sync the host's tool tree first (sync.py, tree.py: target_home/.dlimgmgr/tree, never the
person's clone beside it) and call the host-side CLI (lib/hostside/dataaug.py) there, the same way
for this machine's `local` host as for an SSH host.
"""
from __future__ import annotations

import json

from ..errors import UserError
from ..hashing import sha256_file
from ..hostside import hostcall
from .plan import lib_versions
from .sync import sync
from .tree import tool_tree

VENV_PYTHON = ".venv/bin/python"
ROOT_FILES = ("requirements.txt",)   # what prepare needs beside the synced folders
NOTEBOOK_PINS = "scripts/requirements-notebook.txt"
NOTEBOOK_VENV = ".venv-notebook"


def compose_on(host, project, size) -> str:
    """Compose on the host and bring the carriers, their XML and .prelabels.json back into master/.
    Returns compose's summary line."""
    host = tool_tree(host, project.workspace)
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
    match gets target_home/.venv made from requirements.txt (a git-ignored folder of the clone,
    where a person's own `scripts/setup` would put it too)."""
    home = host.quote(host.home)    # target_home: the venv lives there, the files it installs from in the tree
    host = tool_tree(host, ws)
    sync(host, ws, [])
    for name in ROOT_FILES:
        if (ws.root / name).is_file():
            host.put_file(ws.root / name, f"{host.home.rstrip('/')}/{name}")
    pins = host.quote(f"{host.home.rstrip('/')}/requirements.txt")
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
    host.run(f"cd {home} && {host.quote(base_python)} -m venv .venv && {VENV_PYTHON} -m pip install -q "
             f"--disable-pip-version-check -r {pins} {pip_args}",
             what="making .venv from requirements.txt", timeout=3600)
    theirs = host.run(f"py=\"$(cd {home} && pwd)/{VENV_PYTHON}\"; cd {host.quote(host.home)} && exec \"$py\" -m "
                      f"{hostcall.MODULE} versions", what=VENV_PYTHON).strip()
    if theirs != mine:
        raise UserError(f"{host.label}: {VENV_PYTHON} has {theirs}, this machine {mine}; the builds would "
                        f"differ: install the same versions there (requirements.txt)")
    return (f"{host.label}: made {getattr(host, 'workbench', host.home)}/.venv ({theirs}); add `python: {VENV_PYTHON}` to this host's "
            f"entry in the hosts file")
