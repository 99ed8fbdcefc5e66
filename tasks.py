"""dlimgmgr: the root Invoke collection.

Four namespaces, one per role (dataaug, imglabeling, dlimgmgr, pytorch), plus top-level
shortcuts for the everyday chain: `inv build mix deploy`, or `inv all`.
"""
from pathlib import Path

from invoke import Collection

from dlimgmgr_tasks import dataaug, dlimgmgr, imglabeling, pytorch, shortcuts
from dlimgmgr_tasks.settings import DEFAULTS, guard_invoke_config

guard_invoke_config()   # invoke.yaml is read after this file: its errors become one line, exit 1

ns = Collection()
for module in (dataaug, imglabeling, dlimgmgr, pytorch):
    ns.add_collection(module.ns)
for shortcut in shortcuts.TASKS:
    ns.add_task(shortcut)
ns.configure({"dlimgmgr": {**DEFAULTS, "root": str(Path(__file__).resolve().parent)}})
