"""compose placement, scale, rotation, flips and overlap, read back from the files compose wrote."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from tests.helpers.composehelp import all_annotations, arrow_icon, crisp_icon, load, make_project
from dlimgmgr_tasks.lib import compose as lib

OPAQUE = {"icon.jpg": Image.new("RGB", (20, 20), (0, 0, 200))}  # a JPEG source: its box is the pasted rectangle


def centres_cells(anns, size, cells=4) -> set[tuple[int, int]]:
    out = set()
    for ann in anns:
        for o in ann.objects:
            cx, cy = (o.xmin - 1 + o.xmax) / 2, (o.ymin - 1 + o.ymax) / 2
            out.add((min(int(cx / size[0] * cells), cells - 1), min(int(cy / size[1] * cells), cells - 1)))
    return out


def test_anywhere_covers_the_whole_frame_and_stays_inside_it(tmp_path):
    make_project(tmp_path, sources=OPAQUE, compose={"count": 60, "placement": "anywhere", "per_carrier": 2})
    lib.compose(load(tmp_path), (120, 120))
    anns = all_annotations(tmp_path / "projects/demo/master")
    assert len(centres_cells(anns, (120, 120))) == 16
    for o in (o for ann in anns for o in ann.objects):
        assert 1 <= o.xmin and o.xmax <= 120 and 1 <= o.ymin and o.ymax <= 120 and o.truncated == 0
    assert any(o.xmin == 1 for ann in anns for o in ann.objects) or any(o.ymin == 1 for ann in anns for o in ann.objects)


def test_a_weighted_mix_puts_about_its_share_in_the_corner(tmp_path):
    make_project(tmp_path, sources=OPAQUE, compose={"count": 200, "placement": {"top-right": 0.5, "anywhere": 0.5},
                                                    "margin": 4})
    lib.compose(load(tmp_path), (100, 100))
    anns = all_annotations(tmp_path / "projects/demo/master")
    corner = sum((o.xmin, o.ymin, o.xmax, o.ymax) == (77, 5, 96, 24) for ann in anns for o in ann.objects)
    assert 70 <= corner <= 130  # 200 draws at p 0.5; an anywhere paste seldom lands exactly there
    assert len(centres_cells(anns, (100, 100))) >= 14


def test_random_keeps_the_margin_and_grid_keeps_objects_apart_when_mixed(tmp_path):
    make_project(tmp_path, sources=OPAQUE, compose={"count": 20, "placement": {"random": 1, "grid": 1},
                                                    "per_carrier": 4, "margin": 6})
    lib.compose(load(tmp_path), (120, 120))
    for ann in all_annotations(tmp_path / "projects/demo/master"):
        rects = [(o.xmin - 1, o.ymin - 1, o.xmax, o.ymax) for o in ann.objects]
        assert len(rects) == 4
        for i, a in enumerate(rects):
            assert 6 <= a[0] and 6 <= a[1] and a[2] <= 114 and a[3] <= 114
            for b in rects[i + 1:]:  # overlap 0: at least the margin between any two
                assert a[2] + 6 <= b[0] or b[2] + 6 <= a[0] or a[3] + 6 <= b[1] or b[3] + 6 <= a[1]


def test_overlap_bounds_the_covered_share_of_the_smaller_box(tmp_path):
    make_project(tmp_path, sources=OPAQUE, compose={"count": 40, "placement": "anywhere", "per_carrier": 6,
                                                    "overlap": 0.25, "scale": [1.0, 1.5]})
    lib.compose(load(tmp_path), (90, 90))
    maker = lib.composer(load(tmp_path), (90, 90))
    overlapped = 0
    for s in range(40):
        rects = [(p.x, p.y, p.x + p.piece.size[0], p.y + p.piece.size[1]) for p in maker.scene(s).objects]
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
                smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
                assert inter <= 0.25 * smaller
                overlapped += inter > 0
    assert overlapped > 10  # overlap does happen


def test_a_pixel_scale_range_is_log_uniform_on_the_longer_side(tmp_path):
    make_project(tmp_path, sources=OPAQUE, compose={"count": 300, "placement": "anywhere", "scale": {"px": [10, 90]}})
    lib.compose(load(tmp_path), (100, 100))
    sides = [max(o.xmax - o.xmin + 1, o.ymax - o.ymin + 1)
             for ann in all_annotations(tmp_path / "projects/demo/master") for o in ann.objects]
    assert 10 <= min(sides) and max(sides) <= 90
    assert abs(np.median(sides) - math.sqrt(10 * 90)) < 5  # log-uniform: the median is the geometric mean
    assert sum(s < 30 for s in sides) > sum(s > 60 for s in sides)


def test_a_relative_scale_that_does_not_fit_a_small_carrier_is_cut_to_fit(tmp_path):
    make_project(tmp_path, compose={"count": 30, "placement": "anywhere", "scale": [0.5, 4.0], "margin": 2})
    result = lib.compose(load(tmp_path), (64, 64))
    assert len(result.written) == 30
    for ann in all_annotations(tmp_path / "projects/demo/master"):
        (o,) = ann.objects
        assert 3 <= o.xmin and o.xmax <= 62


@pytest.mark.parametrize("angle", [30, -45])
def test_a_rotated_box_is_tight_around_the_rotated_pixels(tmp_path, angle):
    make_project(tmp_path, sources=OPAQUE, compose={"count": 3, "placement": "anywhere", "rotate": [angle, angle],
                                                    "background": {"colors": [[255, 255, 255]]}})
    lib.compose(load(tmp_path), (100, 100))
    maker = lib.composer(load(tmp_path), (100, 100))
    side = 20 * (abs(math.cos(math.radians(angle))) + abs(math.sin(math.radians(angle))))
    for s in range(3):
        rendered = maker.render(maker.scene(s), "none")
        (obj,) = rendered.objects
        w, h = obj.xmax - obj.xmin + 1, obj.ymax - obj.ymin + 1
        assert abs(w - side) <= 2 and abs(h - side) <= 2
        (_, x, y, alpha) = rendered.layers[0]
        ys, xs = np.nonzero(alpha)
        assert (obj.xmin - 1, obj.ymin - 1, obj.xmax, obj.ymax) == (x + xs.min(), y + ys.min(),
                                                                    x + xs.max() + 1, y + ys.max() + 1)


def test_flips_apply_only_to_the_classes_listed(tmp_path):
    make_project(tmp_path, classes=("a", "b"), sources={"a.png": arrow_icon(), "b.png": arrow_icon()},
                 compose={"count": 40, "placement": "anywhere", "per_carrier": 2, "flip": {"horizontal": ["a"]}})
    maker = lib.composer(load(tmp_path), (100, 100))
    original = np.asarray(arrow_icon())[:, :, 3] > 0
    mirrored = {"a": 0, "b": 0}
    for s in range(40):
        for placed in maker.scene(s).objects:
            shape = placed.piece.alpha > 0
            assert (shape == original).all() or (shape == original[:, ::-1]).all()
            mirrored[placed.label] += bool((shape == original[:, ::-1]).all())
    assert mirrored["b"] == 0 and 10 < mirrored["a"] < 30


def test_composing_every_feature_twice_and_elsewhere_gives_the_same_bytes(tmp_path):
    compose = {"count": 6, "placement": {"top-left": 1, "anywhere": 1, "edge": 1}, "per_carrier": [1, 4],
               "scale": [0.5, 2.0], "rotate": [-20, 20], "overlap": 0.3, "blend": ["none", "poisson"],
               "distractors": {"count": [1, 2]}, "negatives": 0.2}
    for where in ("one", "two"):
        make_project(tmp_path / where, sources={"icon.png": crisp_icon()}, compose=compose)
        lib.compose(load(tmp_path / where), (96, 96))
    again = lib.compose(load(tmp_path / "one"), (96, 96))
    assert again.written == [] and len(again.unchanged) == 12
    files = sorted(p.name for p in (tmp_path / "one/projects/demo/master").iterdir() if p.is_file())
    assert len(files) == 25  # 12 images, 12 XML, the record
    for name in files:
        assert ((tmp_path / "one/projects/demo/master" / name).read_bytes()
                == (tmp_path / "two/projects/demo/master" / name).read_bytes()), name


@pytest.mark.parametrize("compose,fragment", [
    ({"placement": {"edge": 1, "corner": 1}}, "compose.placement 'corner'"),
    ({"placement": {"edge": 0}}, "at least one weight above 0"),
    ({"per_carrier": [3, 1], "placement": "random"}, "compose.per_carrier"),
    ({"overlap": 2}, "compose.overlap"),
    ({"min_visible": -0.1}, "compose.min_visible"),
    ({"rotate": [10, -10]}, "compose.rotate"),
    ({"scale": {"px": [0, 10]}}, "compose.scale.px"),
    ({"scale": {"cm": [1, 2]}}, "compose.scale"),
    ({"flip": {"horizontal": ["nothere"]}}, "compose.flip.horizontal"),
    ({"negatives": 1.5}, "compose.negatives"),
    ({"distractors": {"count": [0, 2], "colour": 1}}, "unknown key 'colour'"),
    ({"distractors": {"folder": "master/none"}}, "compose.distractors.folder"),
    ({"background": {"generated": "yes"}}, "compose.background.generated"),
])
def test_bad_new_compose_settings_name_the_key(tmp_path, compose, fragment):
    from dlimgmgr_tasks.lib.errors import UserError

    make_project(tmp_path, compose=compose)
    with pytest.raises(UserError) as err:
        lib.compose(load(tmp_path), (100, 100))
    assert fragment in str(err.value) and "project.yaml" in str(err.value)
