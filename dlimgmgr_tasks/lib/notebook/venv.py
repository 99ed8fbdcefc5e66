"""target_home/.venv-notebook on a dataaug host: JupyterLab and a kernel with the runtime pins
(scripts/requirements-notebook.txt includes requirements.txt), so what a notebook tries there is
byte for byte what the build makes. Made by `inv dataaug.prepare --notebook`; skipped when the
pins it was made from are unchanged (their sha256 is kept in the venv)."""
from __future__ import annotations

import hashlib

from ..dataaug.tree import tool_tree
from .server import VENV

PINS = "scripts/requirements-notebook.txt"
RUNTIME = "requirements.txt"
STAMP = f"{VENV}/.pins.sha256"


def pins_digest(ws) -> str:
    h = hashlib.sha256()
    for name in (PINS, RUNTIME):
        h.update((ws.root / name).read_bytes())
    return h.hexdigest()


def prepare_notebook(host, ws, base_python: str = "python3", pip_args: str = "") -> str:
    """Make (or keep) target_home/.venv-notebook from the pins; one line saying which."""
    home = host.quote(host.home)
    tree = tool_tree(host, ws)
    for name in (PINS, RUNTIME):           # into the tool's tree: the clone's own copies stay theirs
        tree.run(f"mkdir -p {tree.quote(tree.path(name.rpartition('/')[0] or '.'))}", what="the tool's tree",
                 timeout=60)
        if not host.same_tree(ws.root):
            tree.put_file(ws.root / name, tree.path(name))
    want = pins_digest(ws)
    have = host.run(f"cat {home}/{STAMP} 2>/dev/null; exit 0", what="the notebook venv",
                    timeout=60).strip()
    if have == want:
        return f"{host.label}: {host.home}/{VENV} is ready (JupyterLab, pinned in {PINS})"
    pins = tree.quote(tree.path(PINS))
    host.run(f"cd {home} && {host.quote(base_python)} -m venv {VENV} && {VENV}/bin/python -m pip install -q "
             f"--disable-pip-version-check -r {pins} {pip_args} && echo {want} > {STAMP}",
             what=f"making {VENV} from {PINS}", timeout=3600)
    return f"{host.label}: made {host.home}/{VENV} (JupyterLab, pinned in {PINS}); start it with inv dataaug.notebook"
