"""What the deploy tests share: the mix they deploy and what a trainer needs of a deployed dataset."""
from __future__ import annotations

from pathlib import Path

MIX = ("mix", "--profile", "resnet34", "--projects", "alpha")


def usable(dataset: Path) -> list[str]:
    """What a trainer reads: every trainval id has its image and annotation. Returns train ids."""
    ids = (dataset / "ImageSets" / "Main" / "trainval.txt").read_text().split()
    assert ids
    for i in ids:
        assert (dataset / "JPEGImages" / f"{i}.jpg").stat().st_size > 0
        assert (dataset / "Annotations" / f"{i}.xml").is_file()
    return (dataset / "ImageSets" / "Main" / "train.txt").read_text().split()
