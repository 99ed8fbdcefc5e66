"""What `inv build` writes: boxes that follow the geometry, clipping and dropping, negatives,
redraws, pass-through of count 0 and the profile's resize. Projects from tests/helpers/buildkit.py."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.helpers.buildkit import (GEOMETRIC, ICON, PHOTOMETRIC, SIZE, add_tiny_profiles, build, built, carrier, edit_yaml,
                      make_project)
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.augment import RecipeRunner, parse_recipe, sample_rngs

SHIFT_RIGHT = {"Affine": {"translate_px": {"x": [20, 20], "y": [0, 0]}, "fill": 125, "p": 1.0}}
NEAR_EDGE = [[("close", (60, 36))]]  # 60..84 moved to 80..104: 16 of 24 columns stay (0.67)


@pytest.fixture
def tiny(repo):
    return add_tiny_profiles(repo)


def _truth(runner, image, x0, y0, ci, k):
    """The object's pixel edges after the transform of output k, from its mask."""
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[y0:y0 + ICON, x0:x0 + ICON] = 1
    np_rng, py_rng = sample_rngs(7, "geo", f"geo_c{ci:03d}.jpg", k)
    compose = runner.compose(["close"])
    compose.set_random_state(np_rng, py_rng)
    out = compose(image=image, mask=mask, bboxes=[(x0, y0, x0 + ICON, y0 + ICON)], labels=["close"], ids=[0])
    ys, xs = np.nonzero(out["mask"])
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def test_boxes_follow_the_geometry(tiny):
    """Every output box encloses the object: the icon's mask, sent through the same transform, agrees."""
    recipe = {"min_visibility": 0.0, "steps": GEOMETRIC + PHOTOMETRIC}
    carriers = [[("close", (36, 36))], [("close", (30, 40))]]
    pdir = make_project(tiny, "geo", count=12, recipe=recipe, carriers=carriers)
    build(tiny, "geo", "--jobs", "2")
    runner = RecipeRunner(parse_recipe(recipe))
    n = 0
    for ci, ((_, (x0, y0)),) in enumerate(carriers):
        image = cv2.cvtColor(cv2.imread(str(pdir / "master" / f"geo_c{ci:03d}.jpg")), cv2.COLOR_BGR2RGB)
        for k in range(12):
            n += 1
            truth = _truth(runner, image, x0, y0, ci, k)
            (obj,) = voc.read(pdir / "build" / f"geo_{n:06d}.xml").objects
            box = obj.edges()
            assert all(abs(a - b) <= 2 for a, b in zip(box, truth)), (n, box, truth)
            assert box[0] <= truth[0] + 1 and box[1] <= truth[1] + 1 and box[2] >= truth[2] - 1 \
                and box[3] >= truth[3] - 1
    assert n == 24 and len(built(pdir / "build")) == 24


@pytest.fixture
def shots(tiny):
    """A count-0 project: two JPEG masters and a PNG one, built at the carriers' own size."""
    carriers = [[("close", (36, 36))], [("close", (60, 10)), ("close", (8, 60))]]
    pdir = make_project(tiny, "shots", count=0, carriers=carriers)
    carrier(pdir / "master" / "shots_c002.png", [("close", (70, 70))], seed=9)
    build(tiny, "shots")
    return pdir, sorted(p for p in (pdir / "master").iterdir() if p.suffix in (".jpg", ".png"))


def test_count_zero_passes_each_master_through(shots):
    pdir, _ = shots
    assert built(pdir / "build") == ["shots_000001.jpg", "shots_000002.jpg", "shots_000003.jpg"]


def test_a_same_size_jpeg_master_is_copied_untouched(shots):
    pdir, masters = shots
    assert (pdir / "build" / "shots_000001.jpg").read_bytes() == masters[0].read_bytes()


def test_a_passed_through_master_keeps_its_objects(shots):
    pdir, masters = shots
    assert voc.read(pdir / "build" / "shots_000002.xml").objects == voc.read(masters[1].with_suffix(".xml")).objects


def test_a_png_master_is_reencoded_as_jpeg(shots):
    pdir, _ = shots
    assert cv2.imread(str(pdir / "build" / "shots_000003.jpg")).shape == (SIZE, SIZE, 3)


def test_another_profile_scales_images_and_boxes_together(shots, tiny):
    pdir, masters = shots
    proc = tiny.inv("build", "--project", "shots", "--profile", "half", check=True)
    assert "built 3 images at 48x48" in proc.stdout
    for n, master in enumerate(masters, 1):
        assert cv2.imread(str(pdir / "build" / f"shots_{n:06d}.jpg")).shape == (SIZE // 2, SIZE // 2, 3)
        got, want = voc.read(pdir / "build" / f"shots_{n:06d}.xml"), voc.read(master.with_suffix(".xml"))
        assert (got.width, got.height) == (48, 48)
        for g, w in zip(got.objects, want.objects, strict=True):
            assert all(abs(a - b / 2) <= 0.5 for a, b in zip(g.edges(), w.edges())), (g, w)


def test_a_box_pushed_over_the_edge_is_clipped(tiny):
    pdir = make_project(tiny, "edge", count=2, carriers=NEAR_EDGE, recipe={"min_visibility": 0.5, "steps": [SHIFT_RIGHT]})
    build(tiny, "edge")
    for n in (1, 2):
        (obj,) = voc.read(pdir / "build" / f"edge_{n:06d}.xml").objects
        assert (obj.xmin, obj.ymin, obj.xmax, obj.ymax) == (81, 37, SIZE, 60)


def test_an_output_whose_box_kept_too_little_is_dropped(tiny):
    pdir = make_project(tiny, "edge", count=2, carriers=NEAR_EDGE, recipe={"min_visibility": 0.8, "steps": [SHIFT_RIGHT]})
    proc = build(tiny, "edge")
    assert "built 0 images" in proc.stdout and "2 dropped" in proc.stdout
    assert built(pdir / "build") == []


def test_negatives_keep_an_output_without_boxes(tiny):
    pdir = make_project(tiny, "edge", count=2, carriers=NEAR_EDGE,
                        recipe={"min_visibility": 0.8, "negatives": True, "steps": [SHIFT_RIGHT]})
    build(tiny, "edge")
    assert built(pdir / "build") == ["edge_000001.jpg", "edge_000002.jpg"]
    assert voc.read(pdir / "build" / "edge_000001.xml").objects == []


EDGY = [[("close", (36, 36)), ("close", (66, 10))]]   # the second sits near the right edge
JIGGLE = {"Affine": {"translate_px": {"x": [-20, 20], "y": [0, 0]}, "fill": 125, "p": 1.0}}


def test_an_output_that_lost_a_box_is_drawn_again(tiny):
    """A box cut below min_visibility may leave a fragment of its object unlabelled in the image:
    such outputs are drawn again (redraw_lost, the default), never written."""
    pdir = make_project(tiny, "edgy", count=12, carriers=EDGY, recipe={"min_visibility": 0.8, "steps": [JIGGLE]})
    build(tiny, "edgy")
    outputs = sorted((pdir / "build").glob("*.xml"))
    assert len(outputs) == 12 and all(len(voc.read(x).objects) == 2 for x in outputs)


def test_redraw_lost_false_writes_outputs_that_lost_a_box(tiny):
    pdir = make_project(tiny, "edgy", count=12, carriers=EDGY, recipe={"min_visibility": 0.8, "steps": [JIGGLE]})
    edit_yaml(pdir, lambda conf: conf["recipe"].update(redraw_lost=False))
    build(tiny, "edgy")
    assert {len(voc.read(x).objects) for x in (pdir / "build").glob("*.xml")} == {1, 2}
