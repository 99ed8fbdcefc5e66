"""Hostile images wherever an image is read (lib/images): an EXIF-rotated carrier, a JPEG cut short,
one cut and closed with an end marker, a PNG decompression bomb -- as a carrier, a source or a
background, in check, compose, preview and new. Each ends in one line naming the file, exit 1,
no traceback, and nothing changed; VOC's truncated/difficult flags must be 0 or 1.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import hostile_images
from dlimgmgr_tasks.lib import checks, images, voc
from tests.helpers.oneline import one_line_error

CARRIER = "projects/kanji/master/kanji_c001.jpg"


def _jpeg(path: Path, **save) -> Path:
    Image.radial_gradient("L").convert("RGB").resize((160, 120)).save(path, quality=90, **save)
    return path


def _refusal(path: Path) -> images.ImageProblem:
    with pytest.raises(images.ImageProblem) as caught:
        images.verify(path)
    return caught.value


# --- lib/images -------------------------------------------------------------------------------

def test_verify_refuses_a_jpeg_cut_and_closed_with_an_end_marker(tmp_path):
    hostile_images.cut_and_closed(_jpeg(tmp_path / "a.jpg"))
    assert str(_refusal(tmp_path / "a.jpg")).startswith("is a damaged JPEG (libjpeg: ")


def test_verify_refuses_a_progressive_jpeg_cut_and_closed(tmp_path):
    hostile_images.cut_and_closed(_jpeg(tmp_path / "a.jpg", progressive=True))
    assert _refusal(tmp_path / "a.jpg").code == "damaged-image"


def test_verify_accepts_complete_baseline_and_progressive_jpegs(tmp_path):
    assert images.verify(_jpeg(tmp_path / "a.jpg")).size == (160, 120)
    assert images.verify(_jpeg(tmp_path / "b.jpg", progressive=True)).size == (160, 120)


def test_verify_refuses_a_png_cut_and_closed_with_its_iend_chunk(tmp_path):
    Image.effect_noise((120, 90), 64).convert("RGB").save(tmp_path / "a.png")
    data = (tmp_path / "a.png").read_bytes()
    (tmp_path / "a.png").write_bytes(data[:len(data) // 2] + data[-12:])
    assert _refusal(tmp_path / "a.png").code == "damaged-image"


def test_header_refuses_exif_orientation_6_and_says_how_to_make_it_upright(tmp_path):
    hostile_images.rotate_tag(_jpeg(tmp_path / "a.jpg"), 6)
    with pytest.raises(images.ImageProblem) as caught:
        images.header(tmp_path / "a.jpg")
    assert caught.value.code == "exif-orientation" and "exiftool -n -Orientation=1 FILE" in caught.value.fix


def test_an_upright_exif_orientation_1_is_accepted(tmp_path):
    hostile_images.rotate_tag(_jpeg(tmp_path / "a.jpg"), 1)
    assert images.verify(tmp_path / "a.jpg").size == (160, 120)


def test_header_refuses_a_decompression_bomb_without_decoding_it(tmp_path):
    hostile_images.png_bomb(tmp_path / "bomb.png")
    with pytest.raises(images.ImageProblem, match="decompression bomb"):
        images.header(tmp_path / "bomb.png")


def test_a_pulled_annotation_over_an_exif_rotated_carrier_is_refused(tmp_path):
    hostile_images.rotate_tag(_jpeg(tmp_path / "c.jpg"))
    xml = voc.dumps(voc.Annotation("c.jpg", 160, 120, objects=[voc.VocObject.from_edges("close", 1, 1, 9, 9)]))
    assert [p.code for p in checks.check_xml_bytes(xml, tmp_path / "c.jpg", ["close"])] == ["exif-orientation"]


# --- VOC flags ---------------------------------------------------------------------------------

def _with_difficult(text: str) -> bytes:
    xml = voc.dumps(voc.Annotation("c.jpg", 10, 10, objects=[voc.VocObject.from_edges("close", 1, 1, 5, 5)]))
    return xml.replace(b"<difficult>0</difficult>", f"<difficult>{text}</difficult>".encode())


@pytest.mark.parametrize("text", ["2", "-1", "yes", "0.5"])
def test_difficult_other_than_0_or_1_is_refused(text):
    with pytest.raises(voc.VocError, match=r"object 1 difficult is not 0 or 1"):
        voc.parse(_with_difficult(text))


@pytest.mark.parametrize("text, flag", [("1", 1), ("0", 0), ("", 0), ("1.0", 1)])
def test_difficult_0_1_empty_and_cvat_floats_are_read(text, flag):
    assert voc.parse(_with_difficult(text)).objects[0].difficult == flag


# --- the commands --------------------------------------------------------------------------------

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
