"""lib/compose/blending.py: soften, clip, composite and paste in each blend mode."""
import numpy as np

from dlimgmgr_tasks.lib.compose import blending
from dlimgmgr_tasks.lib.compose.transform import Piece, bbox


def _piece(w=6, h=4, color=(255, 0, 0)):
    return Piece(np.tile(np.array(color, np.uint8), (h, w, 1)), np.full((h, w), 255, np.uint8))


def test_frame_slices_and_clip():
    assert blending.frame_slices(-2, 1, 6, 4, (10, 10)) == (slice(1, 5), slice(0, 4), slice(0, 4), slice(2, 6))
    assert blending.frame_slices(20, 0, 6, 4, (10, 10)) is None
    ys, xs, rgb, alpha = blending.clip(_piece(), 7, 8, (10, 10))
    assert (ys, xs) == (slice(8, 10), slice(7, 10)) and alpha.shape == (2, 3) and rgb.shape == (2, 3, 3)


def test_composite_rounds_in_whole_numbers():
    region = np.zeros((1, 2, 3), np.uint8)
    rgb = np.full((1, 2, 3), 255, np.uint8)
    out = blending.composite(region, rgb, np.array([[255, 128]], np.uint8))
    assert out[0, 0].tolist() == [255] * 3 and out[0, 1].tolist() == [128] * 3


def test_none_pastes_hard_and_returns_the_alpha():
    canvas = np.zeros((10, 10, 3), np.uint8)
    ys, xs, alpha = blending.paste(canvas, _piece(), 2, 3, "none")
    assert (ys, xs) == (slice(3, 7), slice(2, 8)) and alpha.min() == 255
    assert canvas[3:7, 2:8, 0].min() == 255 and canvas[:, :2].max() == 0
    assert blending.paste(canvas, _piece(), 50, 50, "none") is None


def test_soft_modes_grow_the_piece_and_keep_the_box_honest():
    piece = _piece(8, 8)
    same, pad = blending.soften(piece, "none", 1.0, 5, 0)
    assert same is piece and pad == 0
    soft, pad = blending.soften(piece, "gaussian", 1.0, 5, 0)
    assert pad == 3 and soft.size == (14, 14)
    assert soft.alpha[pad:pad + 8, pad:pad + 8].min() > 0        # the object itself still shows
    moved, pad = blending.soften(piece, "motion", 1.0, 5, 0.0)
    assert pad == 5 and moved.size == (18, 18)
    x0, y0, x1, y1 = bbox(moved.alpha)
    assert x1 - x0 > 8 and y1 - y0 == 8                         # blurred along x only


def test_poisson_writes_only_where_the_piece_is():
    canvas = np.full((40, 40, 3), 90, np.uint8)
    alpha = np.zeros((20, 20), np.uint8)
    alpha[4:16, 4:16] = 255                    # OpenCV erodes a mask: a 12x12 one survives
    rgb = np.full((20, 20, 3), 40, np.uint8)
    rgb[:, ::2] = 250                          # stripes: gradients a seamless clone carries over
    blending.paste(canvas, Piece(rgb, alpha), 10, 10, "poisson")
    outside = np.ones((40, 40), bool)
    outside[14:26, 14:26] = False
    assert (canvas[outside] == 90).all()
    assert canvas[14:26, 14:26].astype(int).std() > 20      # the stripes show inside
