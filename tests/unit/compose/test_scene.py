"""lib/compose/scene.py: plan a scene once, render it per blend mode, boxes from the pasted pixels."""
import io

import numpy as np
from PIL import Image

from dlimgmgr_tasks.lib.compose import scene
from dlimgmgr_tasks.lib.compose.backgrounds import BackgroundConfig
from dlimgmgr_tasks.lib.compose.config import ComposeConfig
from dlimgmgr_tasks.lib.compose.transform import load_sources


def _composer(make_project, png, **conf):
    project = make_project()
    png(project.sources_dir / "close.png", size=(12, 10), color=(255, 0, 0, 255))
    conf = ComposeConfig(background=BackgroundConfig(colors=((255, 255, 255),), generated=0), **conf)
    return scene.Composer(project, conf, load_sources(project), (64, 48))


def test_top_left_box_is_the_pasted_pixels(make_project, png):
    composer = _composer(make_project, png, margin=2)
    ((number, data, ann),) = composer.carriers(0)
    assert number == 0 and ann.filename == "close_c000.jpg" and (ann.width, ann.height) == (64, 48)
    (obj,) = ann.objects
    assert (obj.name, obj.xmin, obj.ymin, obj.xmax, obj.ymax) == ("close", 3, 3, 14, 12)
    im = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    assert im[2:12, 2:14, 0].min() > 230 and im[2:12, 2:14, 1].max() < 30      # red where the box is
    assert im[20:, 20:].min() > 230                                          # white elsewhere


def test_one_scene_rendered_once_per_blend_mode(make_project, png):
    composer = _composer(make_project, png, blends=("none", "gaussian"), placement={"random": 1.0})
    out = composer.carriers(1)
    assert [n for n, _, _ in out] == [2, 3]
    assert [o.name for o in out[0][2].objects] == [o.name for o in out[1][2].objects] == ["close"]
    assert out[0][1] != out[1][1]
    assert composer.carriers(1)[0][1] == out[0][1]       # deterministic bytes


def test_negatives_have_no_object(make_project, png):
    composer = _composer(make_project, png, count=4, negatives=0.5)
    assert len(composer.negatives) == 2
    for s in range(4):
        (_, _, ann), = composer.carriers(s)
        assert (len(ann.objects) == 0) == (s in composer.negatives)


def test_an_object_hidden_by_a_later_one_loses_its_box():
    big = scene.Placed("a", scene.Piece(np.zeros((10, 10, 3), np.uint8), np.full((10, 10), 255, np.uint8)),
                       0, 0, None, 0, 0, 0)
    mask = np.ones((4, 4), bool)
    left = scene._uncovered(slice(0, 4), slice(0, 4), mask, [(slice(0, 4), slice(0, 2), np.ones((4, 2), bool))])
    assert left[:, :2].sum() == 0 and left[:, 2:].all() and mask.all()
    assert big.label == "a" and scene.carrier_stem("close", 7) == "close_c007"
