"""Hostile images through the commands: an EXIF-rotated carrier, a JPEG cut short or cut and closed,
a PNG decompression bomb -- as a carrier, a source or a background, in check, compose, preview
and new. Each ends in one line naming the file, exit 1, no traceback, and nothing changed.

lib/images itself is in tests/unit/test_images.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import hostile_images
from tests.helpers.oneline import one_line_error

CARRIER = "projects/kanji/master/kanji_c001.jpg"


@pytest.mark.parametrize("spoil, says", [
    (hostile_images.rotate_tag, "has EXIF orientation 6"),
    (hostile_images.cut_and_closed, "is a damaged JPEG"),
    (hostile_images.png_bomb, "(a decompression bomb?)"),
])
def test_check_refuses_a_hostile_carrier_in_one_line(repo, spoil, says):
    spoil(repo.path / CARRIER)
    proc = repo.inv("dlimgmgr.check", "--project", "kanji", check=False)
    one_line_error(proc)
    assert [ln for ln in proc.stdout.splitlines() if CARRIER in ln and says in ln], proc.stdout


def test_check_names_the_upright_fix_with_the_file(repo):
    hostile_images.rotate_tag(repo.path / CARRIER)
    out = repo.inv("dlimgmgr.check", "--project", "kanji", check=False).stdout
    assert f"exiftool -n -Orientation=1 {CARRIER}" in out


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _compose_refuses(repo, spoiled: Path, says: str) -> None:
    master = repo.project("close") / "master"
    before = _tree(master)
    line = one_line_error(repo.inv("dataaug.compose", "close", check=False))
    assert spoiled.name in line and says in line
    assert _tree(master) == before


def test_compose_refuses_a_bomb_source(repo):
    source = repo.project("close") / "master" / "sources" / "close.png"
    hostile_images.png_bomb(source)
    _compose_refuses(repo, source, "decompression bomb")


def test_compose_refuses_a_bomb_background(repo):
    background = repo.project("close") / "master" / "backgrounds" / "ad1.jpg"
    hostile_images.png_bomb(background)
    _compose_refuses(repo, background, "decompression bomb")


def test_compose_refuses_a_background_cut_and_closed(repo):
    background = repo.project("close") / "master" / "backgrounds" / "ad1.jpg"
    hostile_images.cut_and_closed(background)
    _compose_refuses(repo, background, "is a damaged JPEG")


@pytest.mark.parametrize("spoil, says", [
    (hostile_images.png_bomb, "decompression bomb"),
    (hostile_images.cut_and_closed, "is a damaged JPEG"),
    (hostile_images.cut_short, "is a truncated JPEG"),
])
def test_preview_refuses_a_hostile_carrier_and_writes_no_sheet(repo, spoil, says):
    spoil(repo.path / CARRIER)
    line = one_line_error(repo.inv("dataaug.preview", "kanji", check=False))
    assert "kanji_c001.jpg" in line and says in line
    assert not (repo.path / "build" / "previews").exists()


def test_new_refuses_a_source_cut_and_closed(repo, tmp_path):
    source = tmp_path / "icon.jpg"
    shutil.copyfile(repo.path / CARRIER, source)
    hostile_images.cut_and_closed(source)
    line = one_line_error(repo.inv("dlimgmgr.new", "demo", "--source", str(source), check=False))
    assert "icon.jpg: the image is a damaged JPEG" in line
    assert not repo.project("demo").exists()
