"""The pre-label record: which master XML compose wrote, so a person's edits are never overwritten.

``master/.prelabels.json`` maps each generated XML's stem to the sha256 of the bytes compose
wrote (``{"close_c000": "ab12..."}``, sorted, one JSON object). An XML whose current sha256
differs from its record was changed by a person: compose never overwrites it (nor its image)
and reports it as kept. ``is_prelabel()`` answers the same question for other features
(labeling status, build warnings).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import UserError
from ..files import atomic_write
from ..hashing import sha256_bytes
from ..projects import Project

PRELABELS = ".prelabels.json"


def prelabels_path(project: Project) -> Path:
    return project.master / PRELABELS


def read_prelabels(project: Project) -> dict[str, str]:
    """stem -> sha256 of the XML compose wrote; {} when there is no record."""
    path = prelabels_path(project)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path}: not valid JSON; restore it from git, or delete it (compose then keeps "
                        f"every existing XML as if a person had edited it)") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UserError(f"{path}: expected an object of stem -> sha256; restore it from git")
    return data


def write_prelabels(project: Project, record: dict[str, str]) -> None:
    data = (json.dumps(dict(sorted(record.items())), indent=2) + "\n").encode()
    path = prelabels_path(project)
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def is_prelabel(project: Project, xml_path: Path, record: dict[str, str] | None = None) -> bool:
    """True when the XML is still exactly what compose wrote (nobody has changed it)."""
    record = read_prelabels(project) if record is None else record
    xml_path = Path(xml_path)
    expected = record.get(xml_path.stem)
    return expected is not None and xml_path.is_file() and sha256_bytes(xml_path.read_bytes()) == expected
