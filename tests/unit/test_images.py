"""Hostile images read by lib/images: an EXIF-rotated carrier, a JPEG cut short, one cut and
closed with an end marker, a PNG decompression bomb; and a 16-bit PNG scaled to 8 bits. The same
images through the commands are in tests/cli/test_hostile_images.py; VOC's flags in
tests/unit/test_voc_flags.py.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers import hostile_images
from dlimgmgr_tasks.lib import checks, images, voc


def _jpeg(path: Path, **save) -> Path:
    Image.radial_gradient("L").convert("RGB").resize((160, 120)).save(path, quality=90, **save)
    return path


def _refusal(path: Path) -> images.ImageProblem:
    with pytest.raises(images.ImageProblem) as caught:
        images.verify(path)
    return caught.value


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


def test_a_16_bit_greyscale_png_loads_scaled_not_clipped(tmp_path):
    ramp = (np.arange(64 * 64, dtype=np.uint32).reshape(64, 64) * 16).astype(np.uint16)
    path = tmp_path / "ramp16.png"
    Image.fromarray(ramp).save(path)
    assert Image.open(path).mode.startswith("I")
    got = np.asarray(images.load(path).convert("RGB"))[..., 0].astype(int)
    want = np.rint(ramp.astype(float) * 255 / 65535).astype(int)
    assert np.abs(got - want).max() == 0
    assert len(np.unique(got)) > 200            # a ramp, not black and white
