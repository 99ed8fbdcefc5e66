"""Pascal VOC, the format's vocabulary: annotations (a lenient reader, a strict writer) and the
dataset layout (folder names, ImageSets flags, labelmap.txt) that the check, the mix and
the consumers agree on.

Coordinates are kept in VOC's own convention (1-based, inclusive) as read; the
reader accepts what LabelImg, CVAT and Label Studio write (floats, ``xmin 0``,
a BOM, ``depth`` 1 on RGB, absolute ``path``, extra tags). The writer always
emits integers, every required field and the real image size.
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers.expat import ExpatError

import xmltodict


# The dataset layout, as VOC tools (torchvision, ssd.pytorch, CVAT, Datumaro) read it.
ANNOTATIONS = "Annotations"
IMAGE_SETS = "ImageSets"
IMAGE_SETS_MAIN = "ImageSets/Main"
JPEG_IMAGES = "JPEGImages"
LABELMAP = "labelmap.txt"
LABELMAP_HEADER = "# label:color_rgb:parts:actions\n"
SPLITS = ("train", "val", "test")
DATABASE = "dlimgmgr"     # <source><database> of what we write: only then is <image> a carrier
TRAINVAL = "trainval"
# A class name becomes a file name (<class>_<split>.txt) and a labelmap.txt field (':'-separated);
# a leading '#' would make its labelmap line a comment (Datumaro's import then fails).
CLASS_RE = re.compile(r"[^\s:/\\#][^\s:/\\]*")
# <class>_trainval.txt must fit a file name (255 bytes on every common file system), with room.
CLASS_MAX_BYTES = 100


def class_problem(name: str) -> str | None:
    """Why a class name cannot travel into a dataset (a comment in labelmap.txt, a file name too
    long to unpack), or None. Spaces, ':' and '/' are the mix's own check (a remap can fix them)."""
    if name.startswith("#"):
        return f"class {name!r} starts with '#', which makes its labelmap.txt line a comment; rename it"
    if len(name.encode()) > CLASS_MAX_BYTES:
        return (f"class {name[:20]!r}... is {len(name.encode())} bytes long, above {CLASS_MAX_BYTES} "
                f"(it becomes the file name <class>_trainval.txt); use a shorter name")
    return None
# An image id is one line of an ImageSets file and a file name.
ID_RE = re.compile(r"[^\s/\\]+")


def labelmap(classes) -> bytes:
    """labelmap.txt as CVAT and Datumaro write it: the header, then one `name:::` line per class."""
    return (LABELMAP_HEADER + "".join(f"{c}:::\n" for c in classes)).encode()


class VocError(ValueError):
    """The file is not a usable VOC annotation; the message says why."""


@dataclass(frozen=True)
class VocObject:
    name: str
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    pose: str = "Unspecified"
    truncated: int = 0
    difficult: int = 0

    def edges(self) -> tuple[float, float, float, float]:
        """0-based pixel edges (x0, y0, x1, y1), x1/y1 exclusive: what albumentations' pascal_voc means."""
        return (self.xmin - 1, self.ymin - 1, self.xmax, self.ymax)

    @classmethod
    def from_edges(cls, name: str, x0: float, y0: float, x1: float, y1: float, **kw) -> "VocObject":
        """Build from 0-based pixel edges, rounding to whole VOC pixels."""
        xmin, ymin = int(round(x0)) + 1, int(round(y0)) + 1
        xmax, ymax = max(int(round(x1)), xmin), max(int(round(y1)), ymin)
        return cls(name, xmin, ymin, xmax, ymax, **kw)

    def as_ints(self, width: int, height: int) -> "VocObject":
        """Whole-pixel, 1-based coordinates clamped into a width x height image."""
        xmin = min(max(int(round(self.xmin)), 1), width)
        ymin = min(max(int(round(self.ymin)), 1), height)
        xmax = min(max(int(round(self.xmax)), xmin), width)
        ymax = min(max(int(round(self.ymax)), ymin), height)
        return replace(self, xmin=xmin, ymin=ymin, xmax=xmax, ymax=ymax)


@dataclass
class Annotation:
    filename: str
    width: int
    height: int
    depth: int = 3
    objects: list[VocObject] = field(default_factory=list)
    folder: str = ""
    source_image: str = ""   # <source><image> under our <database>: the master carrier a built image came from

    @property
    def labels(self) -> list[str]:
        return [o.name for o in self.objects]

    def image_set_flag(self, cls: str) -> int:
        """VOC's <class>_<split>.txt flag: 1 a non-difficult object, 0 only difficult ones, -1 none."""
        flags = [o.difficult for o in self.objects if o.name == cls]
        return -1 if not flags else 1 if any(not d for d in flags) else 0


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(node) -> str:
    if isinstance(node, dict):  # <tag attr="..">text</tag>
        node = node.get("#text")
    return "" if node is None else str(node).strip()


def _number(node, what: str) -> float:
    text = _text(node)
    try:
        value = float(text)
    except ValueError:
        raise VocError(f"{what} is not a number ({text!r})") from None
    if not math.isfinite(value):
        raise VocError(f"{what} is not a finite number ({text!r})")
    return value


def _flag(node, what: str) -> int:
    """VOC's truncated/difficult: 0 or 1 (absent or empty is 0; CVAT's 0.0/1.0 read as such)."""
    text = _text(node) or "0"
    try:
        value = float(text)
    except ValueError:
        value = None
    if value not in (0, 1):
        raise VocError(f"{what} is not 0 or 1 ({text!r})")
    return int(value)


def parse(data: bytes) -> Annotation:
    """Parse VOC XML bytes. Entity declarations are refused (no expansion bombs)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        doc = xmltodict.parse(data, disable_entities=True)
    except ExpatError as exc:
        raise VocError(f"not well-formed XML ({exc})") from None
    except ValueError:
        raise VocError("XML declares entities, which are refused") from None
    root = doc.get("annotation") if isinstance(doc, dict) else None
    if not isinstance(root, dict):
        raise VocError("root element is not <annotation>")
    size = root.get("size")
    if not isinstance(size, dict):
        raise VocError("missing <size>")
    width = _number(size.get("width"), "size/width")
    height = _number(size.get("height"), "size/height")
    depth = _number(size.get("depth") or "3", "size/depth")
    objects = []
    for i, obj in enumerate(_as_list(root.get("object")), 1):
        if not isinstance(obj, dict):
            raise VocError(f"object {i} is empty")
        box = obj.get("bndbox")
        if not isinstance(box, dict):
            raise VocError(f"object {i} ({_text(obj.get('name')) or 'no name'}) has no <bndbox>")
        coords = [_number(box.get(k), f"object {i} {k}") for k in ("xmin", "ymin", "xmax", "ymax")]
        flags = [_flag(obj.get(key), f"object {i} {key}") for key in ("truncated", "difficult")]
        objects.append(VocObject(_text(obj.get("name")), *coords,
                                 pose=_text(obj.get("pose")) or "Unspecified",
                                 truncated=flags[0], difficult=flags[1]))
    source = root.get("source") if isinstance(root.get("source"), dict) else {}
    ours = _text(source.get("database")) == DATABASE
    return Annotation(filename=_text(root.get("filename")), width=int(width), height=int(height),
                      depth=int(depth), objects=objects, folder=_text(root.get("folder")),
                      source_image=_text(source.get("image")) if ours else "")


_SOURCE = re.compile(rb"<source>((?:(?!</source>).)*)</source>", re.S)
_OUR_DATABASE = re.compile(rb"<database>\s*" + DATABASE.encode() + rb"\s*</database>")
_IMAGE = re.compile(rb"<image>([^<]*)</image>")


def source_image(data: bytes) -> str:
    """The master carrier that <source><image> names, read without parsing the rest (the mix reads
    it of every built XML before it splits); "" unless <source><database> is ours: VOC2007 writes
    `flickr` there and CVAT `Unknown`, for every image. What the patterns cannot read (attributes,
    CDATA, a comment) is parsed in full."""
    block = _SOURCE.search(data)
    if block and b"<!" not in block.group(1):
        image = _IMAGE.search(block.group(1))
        if not image or not _OUR_DATABASE.search(block.group(1)):
            return ""
        from html import unescape
        return unescape(image.group(1).decode("utf-8", "replace")).strip()
    return parse(data).source_image if b"<source" in data else ""


def read(path: Path) -> Annotation:
    """Read and parse a VOC file; VocError names the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise VocError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return parse(data)
    except VocError as exc:
        raise VocError(f"{path}: {exc}") from None


def _fmt(value: float) -> str:
    return str(int(round(value)))


def dumps(ann: Annotation) -> bytes:
    """Serialise as we write VOC: integer 1-based coordinates, every field, real size.

    ElementTree, not xmltodict (which reads): twice as fast for the same bytes (a test holds them
    equal), and a build writes one per image."""
    root = ET.Element("annotation")
    _leaf(root, "folder", ann.folder)
    _leaf(root, "filename", ann.filename)
    source = ET.SubElement(root, "source")
    _leaf(source, "database", DATABASE)
    if ann.source_image:
        _leaf(source, "image", ann.source_image)
    size = ET.SubElement(root, "size")
    for tag in ("width", "height", "depth"):
        _leaf(size, tag, str(getattr(ann, tag)))
    _leaf(root, "segmented", "0")
    for obj in ann.objects:
        obj = obj.as_ints(ann.width, ann.height)
        node = ET.SubElement(root, "object")
        _leaf(node, "name", obj.name)
        _leaf(node, "pose", obj.pose or "Unspecified")
        _leaf(node, "truncated", str(int(obj.truncated)))
        _leaf(node, "difficult", str(int(obj.difficult)))
        box = ET.SubElement(node, "bndbox")
        for tag in ("xmin", "ymin", "xmax", "ymax"):
            _leaf(box, tag, _fmt(getattr(obj, tag)))
    ET.indent(root, "    ")
    return ET.tostring(root, encoding="unicode", short_empty_elements=False).encode() + b"\n"


def _leaf(parent, tag: str, text) -> None:
    ET.SubElement(parent, tag).text = "" if text is None else str(text)


def write(path: Path, ann: Annotation) -> None:
    Path(path).write_bytes(dumps(ann))
