"""Which labeling tool wrote a VOC file, and how its coordinates map onto ours.

We write VOC as VOC defines it: 1-based, inclusive pixel indices (a box over columns 0..31 is
xmin 1, xmax 32). LabelImg and CVAT write the same convention. Label Studio's VOC export does
not: its converter writes `int(x% * width)` as xmin and `xmin + int(width% * width)` as xmax, i.e.
the 0-based left edge and the exclusive right edge. Read as 1-based, every round trip through it
moves an untouched box one pixel up and left (370,10 -> 369,9 -> 368,8). A file that Label Studio
wrote names itself in `<owner><name>Label Studio</name></owner>`; its boxes are read as 0-based
pixel edges, so an untouched box comes back to the pixel.
"""
from __future__ import annotations

import xmltodict

from ... import voc

LABEL_STUDIO_OWNER = "Label Studio"


def written_by_label_studio(data: bytes) -> bool:
    """Whether the file is a Label Studio VOC export (its converter signs <owner><name>)."""
    if LABEL_STUDIO_OWNER.encode() not in data:
        return False    # the common case, without parsing the file twice
    try:
        root = xmltodict.parse(data.removeprefix(b"\xef\xbb\xbf"), disable_entities=True).get("annotation")
    except Exception:   # the check already refused a malformed file; this one only asks who wrote it
        return False
    owner = root.get("owner") if isinstance(root, dict) else None
    return isinstance(owner, dict) and str(owner.get("name") or "").strip() == LABEL_STUDIO_OWNER


def in_our_convention(ann: voc.Annotation, data: bytes) -> voc.Annotation:
    """The annotation with its boxes in our 1-based inclusive convention, whichever tool wrote it."""
    if not written_by_label_studio(data):
        return ann
    ann.objects = [voc.VocObject.from_edges(o.name, o.xmin, o.ymin, o.xmax, o.ymax, pose=o.pose,
                                            truncated=o.truncated, difficult=o.difficult) for o in ann.objects]
    return ann
