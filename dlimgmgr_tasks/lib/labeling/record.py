"""The push record ``master/.labeling.json``: per carrier, what was last in sync with the labeling side.

It maps each carrier stem to::

    {"close_c000": {"image": SHA, "xml": SHA,              # master files as last pushed/pulled
                    "remote": {"close_c000.xml": SHA},     # labeling-side XMLs as last seen
                    "checked": SHA,                        # image sha a person saved labels for
                    "conflict": true,                      # STEM.remote.xml waits to be merged
                    "push": true}}                         # taken from an export: send it beside the image

It is tracked rather than git-ignored (beside compose's ``.prelabels.json``) because "checked by
a person" is a fact about the labels: every clone's `status` and build warning must see it.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import UserError
from ..files import atomic_write
from ..hashing import sha256_file
from ..projects import Project

RECORD = ".labeling.json"
REMOTE_SUFFIX = ".remote.xml"


def file_sha(path: Path) -> str | None:
    """sha256 of a file, None when it is not there."""
    try:
        return sha256_file(path)
    except FileNotFoundError:
        return None


def record_path(project: Project) -> Path:
    return project.master / RECORD


def read_record(project: Project) -> dict[str, dict]:
    path = record_path(project)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise UserError(f"{path}: not a valid push record; restore it from git, or delete it (the next push "
                        f"then sends every carrier whose copy on the labeling side differs)")
    return data


def write_record(project: Project, record: dict[str, dict]) -> None:
    data = (json.dumps(dict(sorted(record.items())), indent=1, sort_keys=True) + "\n").encode()
    path = record_path(project)
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def prelabels(project: Project) -> dict[str, str]:
    """compose's pre-label record; {} when damaged (`inv dataaug.compose` reports that)."""
    from ..compose import read_prelabels
    try:
        return read_prelabels(project)
    except UserError:
        return {}


def remote_copy(project: Project, stem: str) -> Path:
    """Where a conflicting labeling-side version waits to be merged."""
    return project.master / f"{stem}{REMOTE_SUFFIX}"


def waiting_conflict(project: Project, stem: str, entry: dict) -> bool:
    return bool(entry.get("conflict")) and remote_copy(project, stem).exists()
