"""lib/compose/placement.py: placement modes, the grid and bounded overlap."""
import numpy as np
import pytest

from dlimgmgr_tasks.lib.compose.config import ComposeConfig
from dlimgmgr_tasks.lib.compose.placement import Placer, grid_geometry
from dlimgmgr_tasks.lib.compose.rand import HashRandom
from dlimgmgr_tasks.lib.errors import UserError

FULL = np.full((10, 10), 255, np.uint8)


def _placer(conf, n=1, size=(100, 80), grid=None, key="k"):
    return Placer(HashRandom(key), conf, size, grid, "carrier.jpg", n)


def test_corners_respect_the_margin():
    conf = ComposeConfig(margin=3)
    assert _placer(conf).place("top-left", 10, 10, FULL) == (3, 3)
    assert _placer(conf).place("top-right", 10, 10, FULL) == (100 - 3 - 10, 3)


def test_random_stays_inside_the_margin_and_apart():
    conf = ComposeConfig(margin=4)
    placer = _placer(conf, n=6)
    spots = [placer.place("random", 10, 10, FULL) for _ in range(6)]
    for x, y in spots:
        assert 4 <= x <= 100 - 4 - 10 and 4 <= y <= 80 - 4 - 10
    for i, (ax, ay) in enumerate(spots):   # overlap 0: margin pixels between any two
        for bx, by in spots[i + 1:]:
            assert ax + 14 <= bx or bx + 14 <= ax or ay + 14 <= by or by + 14 <= ay


def test_grid_uses_each_cell_once():
    conf = ComposeConfig(margin=2)
    grid = grid_geometry(conf, (100, 80), (20, 20))
    assert grid == (4, 3, 24, 26)
    placer = _placer(conf, n=12, grid=grid)
    cells = set()
    for _ in range(12):
        x, y = placer.place("grid", 20, 20, FULL)
        cells.add(((x - 2) // 24, (y - 2) // 26))
    assert len(cells) == 12 and not placer.cells


def test_edge_pokes_out_but_keeps_min_visible():
    conf = ComposeConfig(min_visible=0.5)
    for key in range(20):
        x, y = _placer(conf, key=key).place("edge", 10, 10, FULL)
        inside_w = min(x + 10, 100) - max(x, 0)
        inside_h = min(y + 10, 80) - max(y, 0)
        assert (x < 0 or y < 0 or x + 10 > 100 or y + 10 > 80)
        assert inside_w * inside_h >= 50


def test_overlap_share_is_bounded():
    conf = ComposeConfig(overlap=0.25)
    placer = _placer(conf, n=2)
    placer.placed.append((0, 0, 10, 10))
    assert placer._fits((5, 8, 10, 10))        # 5x2 px = 10% of the smaller box covered
    assert placer._fits((5, 5, 10, 10))        # 5x5 px = 25%: at the bound, allowed
    assert not placer._fits((5, 4, 10, 10))    # 5x6 px = 30%: beyond it
    apart = _placer(ComposeConfig(margin=2), n=2)        # overlap 0: margin pixels between objects
    apart.placed.append((0, 0, 10, 10))
    assert not apart._fits((11, 0, 10, 10)) and apart._fits((12, 0, 10, 10))


def test_too_many_objects_is_one_line():
    placer = _placer(ComposeConfig(), n=50, size=(30, 30))
    with pytest.raises(UserError, match="cannot place 50 sources on a 30x30 carrier without overlap"):
        for _ in range(50):
            placer.place("random", 10, 10, FULL)
