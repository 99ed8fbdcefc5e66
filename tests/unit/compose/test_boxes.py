"""Exact boxes, proved: every box is the bbox of the object's visible pasted pixels, in every mode.

The scenes mix every placement mode, scales, rotations, flips, overlap (occlusion), distractors
and all four blend modes. The test rebuilds each object's visible pixels from what was pasted
(its alpha above 0 inside the frame, minus every later object's) and compares, to the pixel.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from tests.helpers.composehelp import arrow_icon, crisp_icon, load, make_project, mask_bbox, ring_icon, visible_masks
from dlimgmgr_tasks.lib import compose as lib

SIZE = (160, 160)
EVERYTHING = {
    "count": 240, "per_carrier": [5, 10], "scale": [0.3, 1.2], "rotate": [-40, 40],
    "placement": {"top-left": 1, "top-right": 1, "random": 1, "grid": 1, "anywhere": 2, "edge": 2},
    "flip": {"horizontal": ["a"], "vertical": ["b"]}, "overlap": 0.7, "min_visible": 0.3, "max_hidden": 0.5,
    "blend": ["none", "gaussian", "motion", "poisson"], "distractors": {"count": [0, 2]},
}


def sources():
    return {"a.png": crisp_icon(), "b.png": ring_icon(), "c.jpg": Image.new("RGB", (20, 14), (200, 200, 0)),
            "d.png": arrow_icon()}


def expected_objects(rendered: lib.Rendered, scene, size, max_hidden: float) -> list[tuple]:
    """(name, VOC xmin, ymin, xmax, ymax, truncated, difficult) as the pixels say they must be."""
    masks, visible = visible_masks(rendered.layers, size)
    width, height = size
    out = []
    for (name, _, _, _), mask, shown, placed in zip(rendered.layers, masks, visible, scene.objects):
        if not shown.any():
            continue  # hidden entirely: no box
        x0, y0, x1, y1 = mask_bbox(shown)
        alpha = placed.piece.alpha
        h, w = alpha.shape
        inside = alpha[max(0, -placed.y):max(0, height - placed.y), max(0, -placed.x):max(0, width - placed.x)]
        truncated = int(np.count_nonzero(inside) < np.count_nonzero(alpha))
        difficult = int(1 - shown.sum() / mask.sum() > max_hidden)
        out.append((name, x0 + 1, y0 + 1, x1, y1, truncated, difficult))
    return out


def check_project(maker, count: int) -> tuple[int, int, int]:
    """Compare every rendered box with the pixels; (objects, truncated, difficult) checked."""
    checked = truncated = difficult = 0
    for s in range(count):
        scene = maker.scene(s)
        for mode in EVERYTHING["blend"]:
            rendered = maker.render(scene, mode)
            want = expected_objects(rendered, scene, SIZE, EVERYTHING["max_hidden"])
            got = [(o.name, o.xmin, o.ymin, o.xmax, o.ymax, o.truncated, o.difficult) for o in rendered.objects]
            assert got == want, f"scene {s}, blend {mode}"
            checked += len(got)
            truncated += sum(o[5] for o in got)
            difficult += sum(o[6] for o in got)
    return checked, truncated, difficult


def test_every_box_is_the_bbox_of_the_visible_pasted_pixels_over_10000_objects(tmp_path):
    totals = np.zeros(3, int)
    for name, seed in (("demo", 7), ("other", 8)):  # two seeds: 999 carriers per project at most
        make_project(tmp_path, name, classes=("a", "b", "c", "d"), sources=sources(), compose=EVERYTHING, seed=seed)
        totals += check_project(lib.composer(load(tmp_path, name), SIZE), EVERYTHING["count"])
    checked, truncated, difficult = totals
    assert checked >= 10_000, totals
    assert truncated > 500 and difficult > 20, totals  # the cases the proof is about did occur


def test_nothing_is_pasted_outside_the_boxed_masks_in_any_blend_mode(tmp_path):
    compose = {**EVERYTHING, "count": 40, "distractors": None, "background": {"colors": [[90, 140, 90]]}}
    del compose["distractors"]
    make_project(tmp_path, classes=("a", "b", "c", "d"), sources=sources(), compose=compose)
    maker = lib.composer(load(tmp_path), SIZE)
    for s in range(40):
        scene = maker.scene(s)
        for mode in compose["blend"]:
            rendered = maker.render(scene, mode)
            masks, _ = visible_masks(rendered.layers, SIZE)
            untouched = ~masks.any(axis=0)
            assert (rendered.canvas[untouched] == scene.background[untouched]).all(), (s, mode)


def test_a_hard_paste_shows_the_source_pixels_where_the_object_is_on_top_and_opaque(tmp_path):
    compose = {**EVERYTHING, "count": 30, "blend": "none", "background": {"colors": [[90, 140, 90]]}}
    del compose["distractors"]
    make_project(tmp_path, classes=("a", "b", "c", "d"), sources=sources(), compose=compose)
    maker = lib.composer(load(tmp_path), SIZE)
    for s in range(30):
        scene = maker.scene(s)
        rendered = maker.render(scene, "none")
        _, visible = visible_masks(rendered.layers, SIZE)
        for placed, shown in zip(scene.objects, visible):
            frame = np.zeros(SIZE[::-1] + (3,), np.uint8)
            opaque = np.zeros(SIZE[::-1], bool)
            h, w = placed.piece.alpha.shape
            ys = slice(max(placed.y, 0), min(placed.y + h, SIZE[1]))
            xs = slice(max(placed.x, 0), min(placed.x + w, SIZE[0]))
            sub = (slice(ys.start - placed.y, ys.stop - placed.y), slice(xs.start - placed.x, xs.stop - placed.x))
            frame[ys, xs] = placed.piece.rgb[sub]
            opaque[ys, xs] = placed.piece.alpha[sub] == 255
            keep = shown & opaque
            assert (rendered.canvas[keep] == frame[keep]).all()


def test_an_object_across_the_edge_has_truncated_1_and_a_box_clipped_to_the_image(tmp_path):
    make_project(tmp_path, compose={"count": 40, "placement": "edge", "min_visible": 0.5, "per_carrier": 2,
                                    "overlap": 0.3, "background": {"colors": [[255, 255, 255]]}})
    lib.compose(load(tmp_path), (120, 100))
    maker = lib.composer(load(tmp_path), (120, 100))
    seen = 0
    for s in range(40):
        scene = maker.scene(s)
        rendered = maker.render(scene, "none")
        for obj, placed in zip(rendered.objects, scene.objects):
            assert obj.truncated == 1
            assert 1 <= obj.xmin <= obj.xmax <= 120 and 1 <= obj.ymin <= obj.ymax <= 100
            assert obj.xmin == 1 or obj.ymin == 1 or obj.xmax == 120 or obj.ymax == 100  # clipped at the frame
            alpha = placed.piece.alpha
            inside = alpha[max(0, -placed.y):max(0, 100 - placed.y), max(0, -placed.x):max(0, 120 - placed.x)]
            assert np.count_nonzero(inside) >= 0.5 * np.count_nonzero(alpha)  # min_visible held
            seen += 1
    assert seen >= 60
    xml = (tmp_path / "projects/demo/master/demo_c000.xml").read_text()
    assert "<truncated>1</truncated>" in xml
