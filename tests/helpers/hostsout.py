"""What `inv dlimgmgr.hosts` printed: its table's rows by role and its `problem:` lines."""
from __future__ import annotations


def rows(out: str) -> dict:
    return {ln.split()[0]: ln.split() for ln in out.splitlines()[1:] if ln and not ln.startswith("problem")}


def problems(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("problem: ")]
