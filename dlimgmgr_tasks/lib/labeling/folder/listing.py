"""What the labeling side holds for a project, and which carrier each XML there belongs to.

The listing is the host's one listing command (`Host.sha256s`); which files count is decided
here: images and the class list near the top, XMLs at any depth (an export unpacked in a folder
of its own), and the files pull cannot take (a YOLO `.txt`, a JSON export), so that each of those
gets a warning instead of being skipped in silence.
"""
from __future__ import annotations

import posixpath
import re

from ...projects import Project
from ..record import REMOTE_SUFFIX

CLASSES_FILE = "predefined_classes.txt"  # LabelImg's class list: `labelImg DIR DIR/predefined_classes.txt`
# Label Studio prefixes a file's name with 8 hex digits: "1a2b3c4d-close_c000.xml" for an
# uploaded image, "1a2b3c4d__close_c000.xml" for one of its Local Files storage.
LABEL_STUDIO = re.compile(r"[0-9a-f]{8}(?:-|__)(.+)")
IMAGES = (".jpg", ".jpeg", ".png")
MAX_DEPTH = 3   # images and the class list: the folder itself, a subfolder, one more
# Files a person may leave there that pull cannot take, and what to do instead.
FOREIGN = {
    ".txt": "YOLO labels or class list, not Pascal VOC; in LabelImg switch its format button to PascalVOC "
            "and save again (or export Pascal VOC), then pull",
    ".json": "a JSON export, not Pascal VOC; export Pascal VOC (Annotations/*.xml) instead, then pull",
}


def labeling_master(host, name: str) -> str:
    """The project's master folder on the labeling host (a relative target_home is the login dir)."""
    return host.path("projects", name, "master")


def place(host, path: str) -> str:
    """How a message names a file on the labeling side: `role imglabeling host ...:PATH`."""
    return f"{host.label}:{path}"


def counts(path: str) -> bool:
    """Whether a labeling-side file takes part: an XML or a foreign label file anywhere, an image or
    the class list near the top."""
    base = posixpath.basename(path)
    if base == CLASSES_FILE or base.lower().endswith(IMAGES):
        return path.count("/") < MAX_DEPTH
    return base.lower().endswith((".xml", *FOREIGN))


def labeling_listing(host, folder: str) -> dict[str, str] | None:
    """{relative path: sha256} of the files that count under `folder` there; None when it is missing."""
    listing = host.sha256s(folder)
    if listing is None:
        return None
    return {path: digest for path, digest in listing.items() if counts(path)}


def stem_of(path: str, stems) -> str | None:
    """The carrier stem a labeling-side XML belongs to: its own stem, or a Label Studio prefixed one."""
    base = posixpath.basename(path)
    if not base.lower().endswith(".xml") or base.endswith(REMOTE_SUFFIX):
        return None
    base = base[:-4]
    if base in stems:
        return base
    m = LABEL_STUDIO.fullmatch(base)
    return m.group(1) if m and m.group(1) in stems else None


def candidates(listing: dict[str, str], stems) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """XML paths there by carrier stem (top-level first), and (path, why) for each file there that
    pull cannot take: an XML matching no carrier, a YOLO `.txt`, a JSON export."""
    by_stem: dict[str, list[str]] = {}
    untaken = []
    for path in sorted(listing, key=lambda p: (p.count("/"), p)):
        suffix = posixpath.splitext(path)[1].lower()
        if suffix in FOREIGN and path != CLASSES_FILE:
            untaken.append((path, FOREIGN[suffix]))
        if suffix != ".xml" or path.endswith(REMOTE_SUFFIX):
            continue
        stem = stem_of(path, stems)
        if stem is None:
            untaken.append((path, "matches no carrier in master/ (by its name); rename it after its "
                                  "carrier's stem or delete it"))
        else:
            by_stem.setdefault(stem, []).append(path)
    return by_stem, untaken


def classes_text(project: Project) -> bytes:
    return "".join(f"{c}\n" for c in project.classes).encode()
