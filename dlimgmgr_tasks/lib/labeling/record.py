"""The push record ``master/.labeling.json``: per carrier, what was last in sync with the labeling side.

It maps each carrier stem to::

    {"close_c000": {"image": SHA, "xml": SHA,              # master files as last pushed/pulled
                    "remote": {"close_c000.xml": SHA},     # labeling-side XMLs as last seen
                    "checked": SHA,                        # image sha a person saved labels for
                    "conflict": true,                      # STEM.remote.xml waits to be merged
                    "push": true,                          # taken from an export: send it beside the image
                    "person": {"by": "user 3", "at": TIME}}}  # who saved the labels taken, when the tool says

Label Studio's entries add "studio" (see studio/__init__.py). The verdict (verdict.py) writes
every entry a pull changes.

It is tracked rather than git-ignored (beside compose's ``.prelabels.json``) because "checked by
a person" is a fact about the labels: every clone's `status` and build warning must see it.
"""
from __future__ import annotations

from pathlib import Path

from .. import records
from ..errors import UserError
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


_RECORD = records.MasterRecord(RECORD, dict, "restore it from git, or delete it (the next push then sends every "
                               "carrier whose copy on the labeling side differs)", indent=1)


def record_path(project: Project) -> Path:
    return _RECORD.path(project)


def read_record(project: Project) -> dict[str, dict]:
    return _RECORD.read(project)


def write_record(project: Project, record: dict[str, dict]) -> None:
    _RECORD.write(project, record)


def prelabels(project: Project) -> dict[str, str]:
    """compose's pre-label record; {} when damaged (`inv dataaug.compose` reports that)."""
    from ..prelabels import read_prelabels
    try:
        return read_prelabels(project)
    except UserError:
        return {}


def remote_copy(project: Project, stem: str) -> Path:
    """Where a conflicting labeling-side version waits to be merged."""
    return project.master / f"{stem}{REMOTE_SUFFIX}"


def waiting_conflict(project: Project, stem: str, entry: dict) -> bool:
    return bool(entry.get("conflict")) and remote_copy(project, stem).exists()


def confirmed(project: Project, record: dict[str, dict] | None = None) -> dict[str, dict]:
    """{stem: person} of the carriers whose master XML holds labels a person saved or confirmed in a
    labeling tool, for the image there now (a person's work: compose keeps them). `person` is the
    record's {"by", "at"} when the tool said who, else {}."""
    if record is None:
        try:
            record = read_record(project)
        except UserError:
            record = {}
    out = {}
    for stem, entry in record.items():
        checked, xml = entry.get("checked"), entry.get("xml")
        if not checked or not xml or entry.get("conflict"):
            continue
        images = (project.master / f"{stem}{ext}" for ext in (".jpg", ".jpeg", ".png"))
        image = next((p for p in images if p.is_file()), None)
        if image is not None and file_sha(image) == checked and file_sha(project.master / f"{stem}.xml") == xml:
            out[stem] = entry.get("person") or {}
    return out
