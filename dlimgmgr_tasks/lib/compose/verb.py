"""The compose verb: make a project's carriers and pre-labels in master/, writing only changed bytes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import voc
from ..files import atomic_write
from ..hashing import sha256_bytes
from ..labeling.record import confirmed
from ..projects import Project
from .config import read_config
from ..prelabels import is_prelabel, read_prelabels, write_prelabels
from .scene import Composer, carrier_stem
from .transform import load_sources


@dataclass
class ComposeResult:
    """Carrier images, by what compose did with them."""
    project: str
    size: tuple[int, int]
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)     # XML edited or confirmed by a person: left alone
    removed: list[Path] = field(default_factory=list)  # unedited carriers beyond compose.count
    negatives: int = 0                                 # carriers with no object

    def summary(self) -> str:
        line = (f"{self.project}: {len(self.written) + len(self.unchanged) + len(self.kept)} carriers "
                f"{self.size[0]}x{self.size[1]}: {len(self.written)} written, {len(self.unchanged)} unchanged")
        if self.kept:
            line += f", {len(self.kept)} kept (edited or confirmed by a person: {', '.join(p.name for p in self.kept)})"
        if self.removed:
            line += f", {len(self.removed)} removed (beyond compose.count)"
        return line


def composer(project: Project, size: tuple[int, int]) -> Composer:
    """The project's Composer (config, sources, backgrounds, distractors) for carriers of ``size``."""
    size = (int(size[0]), int(size[1]))
    return Composer(project, read_config(project), load_sources(project), size)


def compose(project: Project, size: tuple[int, int] = (400, 400)) -> ComposeResult:
    """Make the project's carriers and pre-labels in its master folder; only changed bytes are written."""
    maker = composer(project, size)
    record = read_prelabels(project)
    people = set(confirmed(project))   # carriers a person confirmed in a labeling tool: theirs
    project.master.mkdir(parents=True, exist_ok=True)
    result = ComposeResult(project.name, maker.size)
    for s in range(maker.conf.count):
        for number, jpeg, ann in maker.carriers(s):
            _write_carrier(project, number, jpeg, voc.dumps(ann), record, result, people)
            result.negatives += not ann.objects
    _remove_extra(project, maker.conf.carriers, record, result, people)
    write_prelabels(project, record)
    return result


def _write_carrier(project: Project, number: int, jpeg: bytes, xml: bytes, record: dict, result,
                   people: set) -> None:
    stem = carrier_stem(project.name, number)
    image_path, xml_path = project.master / f"{stem}.jpg", project.master / f"{stem}.xml"
    current = xml_path.read_bytes() if xml_path.is_file() else None
    edited = current is not None and current != xml and not (stem in record and sha256_bytes(current) == record[stem])
    if edited or (stem in people and (current != xml or image_path.read_bytes() != jpeg)):
        result.kept.append(image_path)  # a person's labels: neither the XML nor its image is touched
        return
    changed = False
    if not image_path.is_file() or image_path.read_bytes() != jpeg:
        atomic_write(image_path, jpeg)
        changed = True
    if current != xml:
        atomic_write(xml_path, xml)
        changed = True
    record[stem] = sha256_bytes(xml)
    (result.written if changed else result.unchanged).append(image_path)


def _remove_extra(project: Project, count: int, record: dict[str, str], result: ComposeResult,
                  people: set) -> None:
    """Carriers numbered past the carrier count that nobody edited are stale generated files."""
    pattern = re.compile(rf"{re.escape(project.name)}_c(\d{{3}})")
    for stem in sorted(record):
        match = pattern.fullmatch(stem)
        if not match or int(match.group(1)) < count:
            continue
        xml_path = project.master / f"{stem}.xml"
        if stem in people or (xml_path.is_file() and not is_prelabel(project, xml_path, record)):
            continue  # edited or confirmed by a person: theirs to delete
        image_path = project.master / f"{stem}.jpg"
        image_path.unlink(missing_ok=True)
        xml_path.unlink(missing_ok=True)
        del record[stem]
        result.removed.append(image_path)
