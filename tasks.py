"""dlimgmgr: the root Invoke collection.

Four namespaces, one per role (dataaug, imglabeling, dlimgmgr, pytorch), plus top-level
shortcuts for the everyday chain: `inv build mix deploy`, or `inv all`.
"""
import os
import signal
import sys
from pathlib import Path


def _interrupted_early(signum, frame):
    # Ctrl-C while the package imports or Invoke parses (about 0.15 s): nothing was done yet, so
    # one line and exit 130, not a traceback from whatever module was loading. The task wrapper
    # (settings.user_errors) puts Python's own handler back as the task starts.
    sys.stderr.write("interrupted (Ctrl-C) before the task started; nothing was done\n")
    sys.stderr.flush()
    os._exit(130)


signal.signal(signal.SIGINT, _interrupted_early)

from invoke import Collection  # noqa: E402

# Invoke turns bytecode writing off (its --write-pyc) before it loads this file; without a cache
# every `inv` compiles the package's modules from source again (about 0.1 s of a small build).
# __pycache__ is git-ignored; PYTHONDONTWRITEBYTECODE still turns it off.
sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))

from dlimgmgr_tasks import dataaug, dlimgmgr, imglabeling, pytorch, shortcuts  # noqa: E402
from dlimgmgr_tasks.settings import DEFAULTS, guard_invoke_config  # noqa: E402

guard_invoke_config()   # invoke.yaml is read after this file: its errors become one line, exit 1

ns = Collection()
for module in (dataaug, imglabeling, dlimgmgr, pytorch):
    ns.add_collection(module.ns)
for shortcut in shortcuts.TASKS:
    ns.add_task(shortcut)
ns.configure({"dlimgmgr": {**DEFAULTS, "root": str(Path(__file__).resolve().parent)}})
