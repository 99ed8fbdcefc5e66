"""classes.txt: the manifest's class order, one name a line (what a trainer's class list reads)."""
from __future__ import annotations

from . import Member, class_index


def text(classes) -> bytes:
    class_index(classes)   # refuses a class named twice
    return "".join(f"{name}\n" for name in classes).encode("utf-8")


def members(classes) -> list[Member]:
    return [Member("classes.txt", text(classes))]
