"""The tool's own tree on a dataaug host: target_home/.dlimgmgr/tree/.

A dataaug host's target_home is a person's working clone: their notebooks, an edited project.yaml
or augment.py, files git does not know. Compose and build never write there. What they need -- the
framework, projects/common/ and the projects they work on -- is synced into .dlimgmgr/tree/ (a
place the tool owns and may empty at will: git ignores .dlimgmgr/), and the host-side CLI runs
there. When target_home is this very checkout (the default `local` host) nothing is synced and
compose and build run in the checkout itself, as a person running `inv` there expects.

`tool_tree(host, ws)` gives the Host that every dataaug verb uses: the host itself, or a view of
it whose `home` is the tree. Everything else (its python, connection, label) is the host's own:
hosts.yaml's `python: .venv/bin/python` stays relative to target_home.
"""
from __future__ import annotations

from ..inflight import TOOL_TREE


class ToolTree:
    """A Host whose home is target_home/.dlimgmgr/tree; `workbench` is the person's target_home."""

    def __init__(self, host):
        self._host = host
        self._made = False

    def __getattr__(self, name):
        return getattr(self._host, name)

    def __enter__(self) -> "ToolTree":
        return self

    def __exit__(self, *exc) -> None:
        self._host.close()

    def __repr__(self) -> str:
        return f"<ToolTree of {self._host!r}>"

    @property
    def workbench(self) -> str:
        return self._host.home

    @property
    def home(self) -> str:
        home = f"{self._host.home.rstrip('/')}/{TOOL_TREE}"
        if not self._made:   # the host-side CLI cds here before the first file is sent
            self._host.run(f"mkdir -p -- {self._host.quote(home)}", what="making the tool's tree", timeout=60)
            self._made = True
        return home

    def path(self, *parts: str) -> str:
        return "/".join([self.home.rstrip("/"), *[p.strip("/") for p in parts if p]])


def tool_tree(host, ws):
    """The Host compose, build and prepare work in: `host` when its target_home is ws.root, else
    the tool's tree in its target_home (never the person's files beside it)."""
    if isinstance(host, ToolTree) or host.same_tree(ws.root):
        return host
    return ToolTree(host)
