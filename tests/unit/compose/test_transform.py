"""lib/compose/transform.py: sources, scale/flip/rotate, the visible mask and its box."""
import numpy as np
import pytest
from PIL import Image

from dlimgmgr_tasks.lib.compose import transform
from dlimgmgr_tasks.lib.errors import UserError


def test_visible_drops_the_fringe_and_bbox_is_exclusive():
    alpha = np.array([[0, 10, 15], [16, 200, 255]], np.uint8)
    assert transform.visible(alpha).tolist() == [[0, 0, 0], [16, 200, 255]]
    mask = np.zeros((5, 6), bool)
    mask[1:3, 2:5] = True
    assert transform.bbox(mask) == (2, 1, 5, 3)
    assert transform.bbox(np.zeros((3, 3))) is None


def test_open_image_keeps_alpha_and_refuses_empty_or_broken(tmp_path, png, jpeg):
    assert transform.open_image(png(tmp_path / "a.png")).mode == "RGBA"
    assert transform.open_image(jpeg(tmp_path / "b.jpg")).mode == "RGB"
    with pytest.raises(UserError, match="fully transparent"):
        transform.open_image(png(tmp_path / "c.png", color=(0, 0, 0, 0)))
    (tmp_path / "d.jpg").write_bytes(b"\xff\xd8 not really")
    with pytest.raises(UserError, match=str(tmp_path / "d.jpg")):
        transform.open_image(tmp_path / "d.jpg")


def test_load_sources_maps_classes(make_project, png):
    project = make_project(classes=["close", "open"])
    with pytest.raises(UserError, match="no source images"):
        transform.load_sources(project)
    png(project.sources_dir / "open.png")
    (source,) = transform.load_sources(project)
    assert source.label == "open" and source.image.size == (16, 16)


def test_scale_flip_and_rotate():
    im = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (0, 0, 5, 10))            # a red stripe on the left
    assert transform.scale_factor(im, 40, in_px=True) == 2.0 and transform.scale_factor(im, 1.5, False) == 1.5
    piece = transform.transform(im, 2.0, 0)
    assert piece.size == (40, 20)
    x0, y0, x1, y1 = transform.bbox(piece.alpha)
    assert (x0, y0, y1) == (0, 0, 20) and x1 in (10, 11)     # Lanczos may ring one pixel out
    flipped = transform.transform(im, 1.0, 0, ("horizontal",))
    assert transform.bbox(flipped.alpha) == (15, 0, 20, 10)   # the stripe moved to the right
    turned = transform.transform(im, 1.0, 90)
    x0, y0, x1, y1 = transform.bbox(turned.alpha)
    assert abs((x1 - x0) - 10) <= 1 and abs((y1 - y0) - 5) <= 1     # 20x10 turned: 10 wide, stripe 5 high
    assert turned.rgb[turned.alpha > 128].mean(axis=0)[0] > 200   # still red where it shows


def test_an_opaque_image_is_fully_visible():
    piece = transform.transform(Image.new("RGB", (8, 6), (1, 2, 3)), 1.0, 0)
    assert piece.alpha.min() == 255 and piece.rgb[0, 0].tolist() == [1, 2, 3]
