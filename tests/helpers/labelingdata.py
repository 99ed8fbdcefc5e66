"""What the labeling tests share: XML as the labeling tools write it, snapshots, and the labeling side.

`labeling_side` is a repository copy whose imglabeling role is a local folder, or (second
parameter) the same folder reached over the real sshd on 127.0.0.4: every labeling test runs on
both. Module scope: a test module's staged scenario runs once per side, and each stage records
what its tests look at, so no test depends on another test having run.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.repo import Repo, make_repo
from tests.helpers.ssh_fixtures import host_entry
from dlimgmgr_tasks.lib import voc


def labelimg_xml(image: Path, objects, width=400, height=400) -> bytes:
    """What LabelImg's pascal_voc_io writes: no declaration, tabs, absolute path, Unknown database."""
    objs = "".join(
        f"\t<object>\n\t\t<name>{n}</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
        f"\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>{x0}</xmin>\n\t\t\t<ymin>{y0}</ymin>\n"
        f"\t\t\t<xmax>{x1}</xmax>\n\t\t\t<ymax>{y1}</ymax>\n\t\t</bndbox>\n\t</object>\n"
        for n, x0, y0, x1, y1 in objects)
    return (f"<annotation>\n\t<folder>master</folder>\n\t<filename>{image.name}</filename>\n"
            f"\t<path>{image}</path>\n\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n"
            f"\t<size>\n\t\t<width>{width}</width>\n\t\t<height>{height}</height>\n\t\t<depth>3</depth>\n"
            f"\t</size>\n\t<segmented>0</segmented>\n{objs}</annotation>\n").encode()


def cvat_xml(filename: str, objects) -> bytes:
    """CVAT's Pascal VOC 1.1 export: declaration, empty folder and depth, floats, occluded, attributes."""
    objs = "".join(
        f"  <object>\n    <name>{n}</name>\n    <truncated>0</truncated>\n    <occluded>0</occluded>\n"
        f"    <difficult>0</difficult>\n    <bndbox>\n      <xmin>{x0}</xmin>\n      <ymin>{y0}</ymin>\n"
        f"      <xmax>{x1}</xmax>\n      <ymax>{y1}</ymax>\n    </bndbox>\n    <attributes>\n"
        f"      <attribute>\n        <name>rotation</name>\n        <value>0.0</value>\n      </attribute>\n"
        f"    </attributes>\n  </object>\n" for n, x0, y0, x1, y1 in objects)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n  <folder></folder>\n'
            f"  <filename>{filename}</filename>\n  <source>\n    <database>Unknown</database>\n"
            "    <annotation>Unknown</annotation>\n    <image>Unknown</image>\n  </source>\n"
            "  <size>\n    <width>400</width>\n    <height>400</height>\n    <depth></depth>\n  </size>\n"
            f"  <segmented>0</segmented>\n{objs}</annotation>\n").encode()


def label_studio_xml(filename: str, objects, annotator: str = "person@example.com", width=400, height=400) -> bytes:
    """Label Studio's VOC export (its converter's convert_to_voc): minidom, no indent, an owner
    named "Label Studio", and each box as int(x% * W), x + int(w% * W): the 0-based left/top edge
    and the exclusive right/bottom edge. `objects` are (name, x0, y0, x1, y1) in those edges."""
    objs = "".join(
        f"<object>\n<name>{n}</name>\n<pose>Unspecified</pose>\n<truncated>0</truncated>\n"
        f"<difficult>0</difficult>\n<bndbox>\n<xmin>{x0}</xmin>\n<ymin>{y0}</ymin>\n<xmax>{x1}</xmax>\n"
        f"<ymax>{y1}</ymax>\n</bndbox>\n</object>\n" for n, x0, y0, x1, y1 in objects)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n<folder>images</folder>\n'
            f"<filename>{filename}</filename>\n<source>\n<database>MyDatabase</database>\n"
            "<annotation>COCO2017</annotation>\n<image>flickr</image>\n<flickrid>NULL</flickrid>\n"
            f"<annotator>{annotator}</annotator>\n</source>\n<owner>\n<flickrid>NULL</flickrid>\n"
            f"<name>Label Studio</name>\n</owner>\n<size>\n<width>{width}</width>\n<height>{height}</height>\n"
            f"<depth>3</depth>\n</size>\n<segmented>0</segmented>\n{objs}</annotation>\n").encode()


def as_label_studio_edges(objects) -> list[tuple]:
    """Our 1-based inclusive boxes as Label Studio's export writes them (0-based edges)."""
    return [(n, x0 - 1, y0 - 1, x1, y1) for n, x0, y0, x1, y1 in objects]


def boxes(xml) -> list[tuple]:
    """(name, xmin, ymin, xmax, ymax) per object of an XML file (a path) or its bytes."""
    ann = voc.parse(xml) if isinstance(xml, bytes) else voc.read(xml)
    return [(o.name, o.xmin, o.ymin, o.xmax, o.ymax) for o in ann.objects]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def status_row(repo: Repo, name: str) -> dict:
    out = repo.inv("imglabeling.status", "--project", name, check=True).stdout.splitlines()
    return dict(zip(out[0].split(), out[1].split()))


@dataclass
class Side:
    """A repository copy and its labeling host's target_home, as seen on this machine's disk."""
    repo: Repo
    home: Path
    kind: str

    def master(self, project: str) -> Path:
        """The project's folder on the labeling side (what a person opens in LabelImg)."""
        return self.home / "projects" / project / "master"


@pytest.fixture(scope="module", params=["local", "ssh"])
def labeling_side(request, tmp_path_factory) -> Side:
    base = tmp_path_factory.mktemp(f"labeling-{request.param}")
    repo = make_repo(base)
    home = base / "labeling"
    if request.param == "ssh":
        sshd = request.getfixturevalue("sshd")
        repo.write_hosts({"dataaug": {"host": "local"},
                          "imglabeling": host_entry(sshd, 2, target_home=str(home)),
                          "pytorch": {"host": "local", "target_home": str(base / "pytorch")}},
                         known_hosts=str(sshd.known_hosts))
    return Side(repo, home, request.param)
