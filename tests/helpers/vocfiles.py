"""Annotation files as real tools write them (LabelImg, CVAT), broken ones, and small real projects
for the check tests: JPEGs from Pillow, XML as text.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

W, H = 64, 48

LABELIMG = """<annotation>
\t<folder>master</folder>
\t<filename>{stem}.jpg</filename>
\t<path>/home/labeler/dlimgmgr/projects/tp/master/{stem}.jpg</path>
\t<source>
\t\t<database>Unknown</database>
\t</source>
\t<size>
\t\t<width>{w}</width>
\t\t<height>{h}</height>
\t\t<depth>1</depth>
\t</size>
\t<segmented>0</segmented>
{objects}</annotation>
"""

LABELIMG_OBJECT = """\t<object>
\t\t<name>{name}</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>{xmin}</xmin>
\t\t\t<ymin>{ymin}</ymin>
\t\t\t<xmax>{xmax}</xmax>
\t\t\t<ymax>{ymax}</ymax>
\t\t</bndbox>
\t</object>
"""

# What CVAT's "PASCAL VOC 1.1" export looks like: floats, xmin 0.0, extra tags, attributes, empty depth.
CVAT = """\ufeff<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <folder></folder>
  <filename>{stem}.jpg</filename>
  <source><database>Unknown</database><annotation>Unknown</annotation><image>Unknown</image></source>
  <size><width>64</width><height>48</height><depth></depth></size>
  <segmented>0</segmented>
  <object>
    <name>ok</name>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>0</difficult>
    <bndbox><xmin>0.0</xmin><ymin>0.0</ymin><xmax>20.5</xmax><ymax>17.25</ymax></bndbox>
    <attributes><attribute><name>occluded</name><value>false</value></attribute></attributes>
  </object>
  <object>
    <name>close</name>
    <truncated>0</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox><xmin>30.12</xmin><ymin>10.0</ymin><xmax>64.0</xmax><ymax>48.0</ymax></bndbox>
  </object>
</annotation>
"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE annotation [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<annotation><filename>&lol9;</filename><size><width>64</width><height>48</height></size></annotation>
"""


def labelimg(stem, objects=(("close", 5, 6, 36, 37),), w=W, h=H):
    objs = "".join(LABELIMG_OBJECT.format(name=n, xmin=a, ymin=b, xmax=c, ymax=d) for n, a, b, c, d in objects)
    return LABELIMG.format(stem=stem, w=w, h=h, objects=objs)


# stem -> (XML text, code, phrase the output line must carry)
BROKEN = {
    "truncated_xml": (labelimg("truncated_xml")[:200], "malformed-xml", "not well-formed XML"),
    "missing_bndbox": (labelimg("missing_bndbox").replace(
        "\t\t<bndbox>\n\t\t\t<xmin>5</xmin>\n\t\t\t<ymin>6</ymin>\n\t\t\t<xmax>36</xmax>\n\t\t\t<ymax>37</ymax>\n\t\t</bndbox>\n",
        ""), "missing-bndbox", "has no <bndbox>"),
    "inverted_box": (labelimg("inverted_box", [("close", 40, 6, 10, 37)]), "inverted", "is inverted"),
    "outside_box": (labelimg("outside_box", [("close", 40, 6, 70, 37)]), "outside", "reaches outside the 64x48 image"),
    "negative_coord": (labelimg("negative_coord", [("close", -3, 6, 10, 37)]), "negative", "negative coordinate"),
    "size_mismatch": (labelimg("size_mismatch", w=80), "size-mismatch", "size says 80x48 but the image is 64x48"),
    "non_numeric": (labelimg("non_numeric", [("close", "5px", 6, 10, 37)]), "non-numeric", "is not a number ('5px')"),
    "empty_class": (labelimg("empty_class", [("", 5, 6, 10, 37)]), "empty-class", "empty class name"),
    "unknown_class": (labelimg("unknown_class", [("dog", 5, 6, 10, 37)]), "unknown-class",
                      "class 'dog', not listed in"),
    "entity_bomb": (BOMB, "entities", "declares entities"),
}


def jpeg(path: Path, size=(W, H), color=(200, 30, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, quality=90)
    return path


def make_project(root: Path, name="tp", classes=("close", "ok")) -> Path:
    pdir = root / "projects" / name
    (pdir / "master" / "sources").mkdir(parents=True)
    (pdir / "project.yaml").write_text(f"classes: [{', '.join(classes)}]\ncount: 1\nseed: 0\n")
    Image.new("RGB", (32, 32), "white").save(pdir / "master" / "sources" / "close.png")
    return pdir


def add_pair(pdir: Path, stem: str, xml: str, where="master") -> None:
    jpeg(pdir / where / f"{stem}.jpg")
    (pdir / where / f"{stem}.xml").write_text(xml, encoding="utf-8")


def only_mine(repo, *keep):
    """The copy's sample projects are someone else's; the 'all projects' runs look at ours only."""
    for p in (repo.path / "projects").iterdir():
        if p.name != "common" and p.name not in keep:
            shutil.rmtree(p)
