"""How the orchestrator calls the dataaug host-side CLI (hostside/dataaug.py) on a Host: the
command line. Kept apart so importing the engine does not import the CLI module that `python -m`
runs. What the CLI leaves in its output folder is named in lib.inflight (RECORDS)."""
from __future__ import annotations

import shlex

MODULE = "dlimgmgr_tasks.lib.hostside.dataaug"


def command(host, *words: str, before: str = "") -> str:
    """The shell command running the CLI on `host`, in its target_home, with its python.

    A relative python (hosts.yaml `python:`) is made absolute before the cd, as the host spells it."""
    args = " ".join(shlex.quote(w) for w in words)
    return (f"py={host.python}; case \"$py\" in /*|\"\") ;; */*) py=\"$PWD/$py\";; esac; "
            f"cd {host.quote(host.home)} && {before}exec \"$py\" -m {MODULE} {args}")
