"""A real mixed dataset for the format and report tests: `inv build` + `inv mix` in a repo copy.

`make_mixed(tmp)` builds the sample projects, mixes them with a test split, unpacks
dist/voc.tar.gz and adds one negative image (a real JPEG with an empty annotation, as
`mix --negatives` will let through). `voc_boxes(top)` reads the VOC output with ElementTree only,
independently of dlimgmgr's reader: what the other formats must agree with.
"""
from __future__ import annotations

import json
import shutil
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.repo import Repo, make_repo
from dlimgmgr_tasks.lib import formats, voc

NEGATIVE = "zz_negative_000001"


@dataclass
class Mixed:
    repo: Repo
    top: Path              # the unpacked dataset's top folder (voc/)
    classes: list[str]     # the manifest's order
    samples: list          # formats.Sample, one per image, the negative included


def read_split_lists(top: Path) -> dict[str, list[str]]:
    main = top / "ImageSets" / "Main"
    return {s: (main / f"{s}.txt").read_text().split() if (main / f"{s}.txt").exists() else []
            for s in formats.SPLITS}


def _add_negative(top: Path, split_lists: dict) -> None:
    """A real JPEG of the mix with no object, in val: the case YOLO writes an empty label for."""
    first = split_lists["train"][0]
    shutil.copy(top / "JPEGImages" / f"{first}.jpg", top / "JPEGImages" / f"{NEGATIVE}.jpg")
    ann = voc.read(top / "Annotations" / f"{first}.xml")
    voc.write(top / "Annotations" / f"{NEGATIVE}.xml",
              voc.Annotation(f"{NEGATIVE}.jpg", ann.width, ann.height, 3, []))
    with open(top / "ImageSets" / "Main" / "val.txt", "a") as f:
        f.write(f"{NEGATIVE}\n")


def make_mixed(tmp: Path) -> Mixed:
    repo = make_repo(tmp)
    repo.inv("build", check=True)
    repo.inv("mix", "--train", "0.7", "--val", "0.2", "--test", "0.1", check=True)
    with tarfile.open(repo.path / "dist" / "voc.tar.gz") as tar:
        tar.extractall(tmp / "unpacked", filter="data")
    top = tmp / "unpacked" / "voc"
    _add_negative(top, read_split_lists(top))
    manifest = json.loads((repo.path / "dist" / "voc.manifest.json").read_text())
    samples = [formats.Sample(split, stem, voc.read(top / "Annotations" / f"{stem}.xml"),
                              top / "JPEGImages" / f"{stem}.jpg")
               for split, stems in read_split_lists(top).items() for stem in stems]
    return Mixed(repo, top, manifest["classes"], samples)


def write_members(members, top: Path) -> None:
    """Lay members out as an unpacked archive would: images as hard links to their VOC twin."""
    for member in members:
        path = top / member.path
        if member.is_dir:
            path.mkdir(parents=True, exist_ok=True)
        elif member.same_as is not None:
            path.hardlink_to(top / member.same_as)
        else:
            path.write_bytes(member.data)


def voc_boxes(top: Path) -> dict[str, list[tuple[str, list[int]]]]:
    """stem -> [(class, [xmin, ymin, xmax, ymax])] from Annotations/*.xml, in file order."""
    out = {}
    for xml in sorted((top / "Annotations").glob("*.xml")):
        root = ET.parse(xml).getroot()
        out[xml.stem] = [(o.findtext("name"), [int(o.findtext(f"bndbox/{k}")) for k in ("xmin", "ymin", "xmax", "ymax")])
                         for o in root.iter("object")]
    return out
