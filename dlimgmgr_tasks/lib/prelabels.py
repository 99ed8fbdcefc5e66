"""The pre-label record: which master XML compose wrote, so a person's edits are never overwritten.

``master/.prelabels.json`` maps each generated XML's stem to the sha256 of the bytes compose
wrote (``{"close_c000": "ab12..."}``, sorted, one JSON object). An XML whose current sha256
differs from its record was changed by a person: compose never overwrites it (nor its image)
and reports it as kept. ``is_prelabel()`` answers the same question for other features
(labeling status, build warnings).
"""
from __future__ import annotations

from pathlib import Path

from . import records
from .hashing import sha256_bytes
from .projects import Project

PRELABELS = ".prelabels.json"


_RECORD = records.MasterRecord(PRELABELS, str, "restore it from git, or delete it (compose then keeps every "
                               "existing XML as if a person had edited it)", indent=2)


def prelabels_path(project: Project) -> Path:
    return _RECORD.path(project)


def read_prelabels(project: Project) -> dict[str, str]:
    """stem -> sha256 of the XML compose wrote; {} when there is no record."""
    return _RECORD.read(project)


def write_prelabels(project: Project, record: dict[str, str]) -> None:
    _RECORD.write(project, record)


def is_prelabel(project: Project, xml_path: Path, record: dict[str, str] | None = None) -> bool:
    """True when the XML is still exactly what compose wrote (nobody has changed it)."""
    record = read_prelabels(project) if record is None else record
    xml_path = Path(xml_path)
    expected = record.get(xml_path.stem)
    return expected is not None and xml_path.is_file() and sha256_bytes(xml_path.read_bytes()) == expected
