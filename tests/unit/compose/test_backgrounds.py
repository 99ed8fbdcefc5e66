"""lib/compose/backgrounds.py: solid colours, crops of screenshots, generated busy backgrounds."""
import numpy as np
import pytest

from dlimgmgr_tasks.lib.compose import backgrounds
from dlimgmgr_tasks.lib.compose.rand import HashRandom
from dlimgmgr_tasks.lib.errors import UserError


def test_config(make_project, jpeg):
    project = make_project()
    assert backgrounds.read_config(project, "w", None) == backgrounds.BackgroundConfig()
    conf = backgrounds.read_config(project, "w", {"colors": [[1, 2, 3], [4, 5, 6]]})
    assert conf.colors == ((1, 2, 3), (4, 5, 6)) and conf.generated == 0.0
    jpeg(project.dir / "shots" / "s.jpg", size=(200, 100))
    conf = backgrounds.read_config(project, "w", {"images": "shots", "generated": 0.5})
    assert conf.images == (project.dir / "shots").resolve() and conf.generated == 0.5
    with pytest.raises(UserError, match="give colors or images, not both"):
        backgrounds.read_config(project, "w", {"colors": [[1, 2, 3]], "images": "shots"})
    with pytest.raises(UserError, match=r"w.colors must be a list of \[r, g, b\]"):
        backgrounds.read_config(project, "w", {"colors": [[1, 2, 300]]})


def test_colours_in_turn():
    bg = backgrounds.Backgrounds(backgrounds.BackgroundConfig(colors=((10, 20, 30), (40, 50, 60)), generated=0), (8, 6))
    a, b, c = (bg.make(HashRandom(i), i) for i in range(3))
    assert a.shape == (6, 8, 3) and a.dtype == np.uint8
    assert a[0, 0].tolist() == [10, 20, 30] and b[5, 7].tolist() == [40, 50, 60] and c is a


def test_crops_are_rescaled_to_the_carrier(tmp_path, jpeg):
    jpeg(tmp_path / "shots" / "s.jpg", size=(300, 120), color=(0, 200, 0))
    conf = backgrounds.BackgroundConfig(images=tmp_path / "shots", generated=0)
    out = backgrounds.Backgrounds(conf, (64, 48)).make(HashRandom("x"), 0)
    assert out.shape == (48, 64, 3) and abs(int(out[..., 1].mean()) - 200) < 5


def test_busy_is_deterministic_and_busy():
    a = backgrounds.busy(HashRandom("b", 1), (50, 40))
    assert a.shape == (40, 50, 3)
    assert np.array_equal(a, backgrounds.busy(HashRandom("b", 1), (50, 40)))
    assert len(np.unique(a.reshape(-1, 3), axis=0)) > 3
