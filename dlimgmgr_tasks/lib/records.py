"""A JSON record kept beside the masters (compose's .prelabels.json, the push record
.labeling.json): read it with one-line refusals, write it only when its bytes change.

Both are tracked in git, so their bytes are stable: sorted keys, a fixed indent, a final newline.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import UserError
from .files import atomic_write


def read_record(path: Path, valid: Callable[[object], bool], fix: str) -> dict:
    """The record's mapping; {} when the file is not there; a UserError naming the file and `fix`
    when it is not JSON or `valid(data)` is false."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path}: not valid JSON; {fix}") from None
    if not isinstance(data, dict) or not valid(data):
        raise UserError(f"{path}: not a valid record; {fix}")
    return data


def write_record(path: Path, record: dict, indent: int) -> None:
    """Write the record sorted by key, in one rename, and only when its bytes differ."""
    data = (json.dumps(dict(sorted(record.items())), indent=indent, sort_keys=True) + "\n").encode()
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


@dataclass(frozen=True)
class MasterRecord:
    """A record file in a project's master/: its name, the type of its values, the repair a damaged
    one needs, and its indent (kept as it was, so the tracked bytes do not change)."""
    name: str
    value_type: type
    fix: str
    indent: int

    def path(self, project) -> Path:
        return project.master / self.name

    def read(self, project) -> dict:
        return read_record(self.path(project), lambda data: all(isinstance(v, self.value_type) for v in data.values()),
                           self.fix)

    def write(self, project, record: dict) -> None:
        write_record(self.path(project), record, self.indent)
