"""compose blend modes and backgrounds, on real files: what each mode does to the pasted edge."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.helpers.composehelp import all_annotations, boxes, load, make_project, pixels, ring_icon
from dlimgmgr_tasks.lib import compose as lib

GREY = [[128, 128, 128]]


def one_scene(tmp_path, blend, **extra):
    make_project(tmp_path, sources={"icon.png": ring_icon()},
                 compose={"count": 1, "placement": "anywhere", "blend": blend, "background": {"colors": GREY}, **extra})
    maker = lib.composer(load(tmp_path), (80, 80))
    return maker, maker.scene(0)


def edge_softness(rendered) -> float:
    """The share of the pasted alpha that is partial (0 < a < 255): higher is a softer edge."""
    (_, _, _, alpha) = rendered.layers[0]
    return float(((alpha > 0) & (alpha < 255)).sum() / (alpha > 0).sum())


def test_gaussian_feathers_the_edge_beyond_a_hard_paste(tmp_path):
    maker, scene = one_scene(tmp_path, ["none", "gaussian"])
    assert edge_softness(maker.render(scene, "gaussian")) > edge_softness(maker.render(scene, "none")) + 0.1


def test_motion_blurs_the_whole_object(tmp_path):
    maker, scene = one_scene(tmp_path, ["none", "motion"])
    hard, moved = maker.render(scene, "none"), maker.render(scene, "motion")
    assert edge_softness(moved) > edge_softness(hard) + 0.2
    x0, y0, x1, y1 = (v for v in (hard.objects[0].xmin - 1, hard.objects[0].ymin - 1,
                                  hard.objects[0].xmax, hard.objects[0].ymax))
    # A blurred ring loses contrast inside its own box.
    assert np.ptp(moved.canvas[y0:y1, x0:x1].astype(int)) < np.ptp(hard.canvas[y0:y1, x0:x1].astype(int))


def test_poisson_changes_only_pixels_under_the_mask_and_keeps_the_hard_box(tmp_path):
    maker, scene = one_scene(tmp_path, ["none", "poisson"])
    hard, cloned = maker.render(scene, "none"), maker.render(scene, "poisson")
    assert cloned.objects == hard.objects
    (_, x, y, alpha) = cloned.layers[0]
    outside = np.ones((80, 80), bool)
    h, w = alpha.shape
    outside[max(y, 0):y + h, max(x, 0):x + w] = alpha[max(-y, 0):, max(-x, 0):] == 0
    assert (cloned.canvas[outside] == 128).all()
    assert not np.array_equal(cloned.canvas, hard.canvas)  # the gradients were blended in


def test_a_blend_list_renders_the_same_scene_once_per_mode(tmp_path):
    make_project(tmp_path, sources={"icon.png": ring_icon()},
                 compose={"count": 3, "placement": "anywhere", "per_carrier": 2, "blend": ["none", "poisson", "gaussian"]})
    result = lib.compose(load(tmp_path), (80, 80))
    assert len(result.written) == 9
    master = tmp_path / "projects/demo/master"
    for s in range(3):
        none, poisson, gaussian = (boxes(master / f"demo_c{3 * s + m:03d}.xml") for m in range(3))
        assert none == poisson  # the same objects at the same places
        for (_, a), (_, b) in zip(none, gaussian):  # a feathered rim grows the box by a pixel or two at most
            assert all(abs(p - q) <= 3 for p, q in zip(a, b))
        grey = [np.abs(pixels(master / f"demo_c{3 * s + m:03d}.jpg") - pixels(master / f"demo_c{3 * s:03d}.jpg"))
                for m in (1, 2)]
        assert all(g.mean() < 12 for g in grey)  # same background, same scene


def test_blend_weights_pick_one_mode_per_object(tmp_path):
    make_project(tmp_path, sources={"icon.png": ring_icon()},
                 compose={"count": 30, "placement": "anywhere", "per_carrier": 2,
                          "blend": {"none": 1, "gaussian": 1, "motion": 1, "poisson": 1}})
    maker = lib.composer(load(tmp_path), (80, 80))
    modes = [p.blend for s in range(30) for p in maker.scene(s).objects]
    assert set(modes) == {"none", "gaussian", "motion", "poisson"}
    assert maker.conf.carriers == 30


def test_generated_backgrounds_are_busy_and_differ_between_carriers(tmp_path):
    make_project(tmp_path, compose={"count": 4})  # no background: generated
    lib.compose(load(tmp_path), (100, 100))
    images = [pixels(tmp_path / f"projects/demo/master/demo_c00{n}.jpg") for n in range(4)]
    for image in images:
        assert len(np.unique(image.reshape(-1, 3) // 32, axis=0)) >= 4  # several colours, not a solid fill
    assert all(np.abs(images[0] - other).mean() > 10 for other in images[1:])


def test_screenshot_backgrounds_are_cropped_and_rescaled_at_random(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 6, "background": {"images": "master/backgrounds"}})
    (pdir / "master/backgrounds").mkdir()
    ramp = np.tile(np.linspace(0, 255, 600).astype(np.uint8)[None, :, None], (300, 1, 3))
    Image.fromarray(ramp).save(pdir / "master/backgrounds/ramp.png")
    lib.compose(load(tmp_path), (100, 100))
    spans = []
    for n in range(6):
        row = pixels(pdir / f"master/demo_c00{n}.jpg")[95, :, 0]
        spans.append((int(row[0]), int(row[-1])))
    assert len(set(spans)) == 6  # a different window each time
    assert all(0 < hi - lo <= 255 * 300 / 600 + 8 for lo, hi in spans)  # a crop, never wider than the image's height


@pytest.mark.parametrize("blend,fragment", [("smear", "compose.blend"), (["none", "none"], "compose.blend"),
                                            ({"none": -1}, "compose.blend.none"),
                                            ({"smear": 1}, "compose.blend 'smear'")])
def test_bad_blend_settings_name_the_key(tmp_path, blend, fragment):
    from dlimgmgr_tasks.lib.errors import UserError

    make_project(tmp_path, compose={"blend": blend})
    with pytest.raises(UserError, match="project.yaml") as err:
        lib.compose(load(tmp_path), (64, 64))
    assert fragment in str(err.value)


def test_every_carrier_of_a_blend_list_is_written_with_its_own_name(tmp_path):
    make_project(tmp_path, compose={"count": 2, "blend": ["none", "motion"]})
    lib.compose(load(tmp_path), (64, 64))
    names = [a.filename for a in all_annotations(tmp_path / "projects/demo/master")]
    assert names == ["demo_c000.jpg", "demo_c001.jpg", "demo_c002.jpg", "demo_c003.jpg"]
