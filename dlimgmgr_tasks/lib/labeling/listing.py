"""What the labeling side holds for a project, and which carrier each XML there belongs to.

The listing is the host's one listing command (`Host.sha256s`); which files count is decided
here: images, XMLs (exports may sit in Annotations/ or one level deeper) and the class list.
"""
from __future__ import annotations

import posixpath
import re

from ..projects import Project
from .record import REMOTE_SUFFIX

CLASSES_FILE = "predefined_classes.txt"  # LabelImg's class list: `labelImg DIR DIR/predefined_classes.txt`
# Label Studio prefixes uploaded file names with 8 hex digits: "1a2b3c4d-close_c000.xml".
LABEL_STUDIO = re.compile(r"[0-9a-f]{8}-(.+)")
COUNTED = (".xml", ".jpg", ".jpeg", ".png")
MAX_DEPTH = 3   # the folder itself, a subfolder (Annotations/), one more


def labeling_master(host, name: str) -> str:
    """The project's master folder on the labeling host (a relative target_home is the login dir)."""
    return host.path("projects", name, "master")


def place(host, path: str) -> str:
    """How a message names a file on the labeling side: `role imglabeling host ...:PATH`."""
    return f"{host.label}:{path}"


def counts(path: str) -> bool:
    """Whether a labeling-side file takes part: an image, an XML or the class list, not too deep."""
    base = posixpath.basename(path)
    return path.count("/") < MAX_DEPTH and (base.lower().endswith(COUNTED) or base == CLASSES_FILE)


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


def candidates(listing: dict[str, str], stems) -> tuple[dict[str, list[str]], list[str]]:
    """XML paths there by carrier stem (top-level first), and the XML paths matching no carrier."""
    by_stem: dict[str, list[str]] = {}
    ignored = []
    for path in sorted(listing, key=lambda p: (p.count("/"), p)):
        if not path.lower().endswith(".xml") or path.endswith(REMOTE_SUFFIX):
            continue
        stem = stem_of(path, stems)
        if stem is None:
            ignored.append(path)
        else:
            by_stem.setdefault(stem, []).append(path)
    return by_stem, ignored


def classes_text(project: Project) -> bytes:
    return "".join(f"{c}\n" for c in project.classes).encode()
