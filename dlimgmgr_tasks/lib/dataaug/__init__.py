"""The build engine: master carriers through their augmentation into projects/NAME/build/.

One engine, whatever hosts do the work: a build on this machine is the one-host case (the
`local` dataaug host) of a build shared over several hosts, and both give the same bytes.

  plan.py      fingerprint (inputs, framework, library versions) and the work items
  sampler.py   Sampler: one process's carriers, decoded once, through the augmentation to JPEGs
  pool.py      the worker processes of one host's share (forkserver)
  staging.py   staging folder, lock, recover, numbering + XML, fingerprint file, swap
  tree.py      the tool's own tree on a host (target_home/.dlimgmgr/tree): never the person's clone
  sync.py      make a host's tree hold exactly our inputs
  shares.py    split the items over the hosts, run, fetch, verify, fail over
  engine.py    one project's build, and build_projects
  verbs.py     compose on a dataaug host, prepare a dataaug host
  progress.py  the progress bar or lines

    results = build_projects(ws, ["close"], jobs=None, force=False)   # ws: lib.workspace.Workspace
    summary = compose_on(host, ws.project("close"), ws.profile.size)  # host: lib.hosts.Host
    message = prepare(host, ws)

Importing this package stays light: heavy libraries load only when a project is really built,
and the names below load on first use, so a host's CLI and workers (which need sampler, pool,
lib.hostside.dataaug only) never import the engine; the host-side CLI lives in lib/hostside/.
"""
import importlib
import os

# albumentations asks the network for a newer version at import (a 2 s timeout on an offline host,
# paid by the orchestrator's check and by every host's workers); a build never wants that.
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

_PUBLIC = {"BUILT": "engine", "SKIPPED": "engine", "Result": "engine", "build_project": "engine",
           "build_projects": "engine", "compose_on": "verbs", "prepare": "verbs"}
__all__ = list(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
