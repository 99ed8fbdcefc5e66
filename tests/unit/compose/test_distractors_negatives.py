"""Distractors (pasted without a box) and negative carriers (no object), through check. The build that keeps
negatives is in tests/cli/dataaug/test_compose.py."""
from __future__ import annotations

import numpy as np
from PIL import Image

from tests.helpers.composehelp import all_annotations, load, make_project, pixels
from dlimgmgr_tasks.lib import checks, compose as lib, voc

MAGENTA = (255, 0, 255)


def magenta_square() -> Image.Image:
    return Image.new("RGBA", (12, 12), MAGENTA + (255,))


def outside_boxes(image: np.ndarray, ann: voc.Annotation) -> np.ndarray:
    keep = np.ones(image.shape[:2], bool)
    for o in ann.objects:
        keep[int(o.ymin) - 1:int(o.ymax), int(o.xmin) - 1:int(o.xmax)] = False
    return keep


def test_folder_distractors_are_pasted_without_a_box(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 6, "placement": "anywhere", "background": {"colors": [[0, 0, 0]]},
                                           "distractors": {"count": [2, 2], "shapes": False}})
    (pdir / "master/distractors").mkdir()
    magenta_square().save(pdir / "master/distractors/square.png")
    lib.compose(load(tmp_path), (100, 100))
    for n in range(6):
        image = pixels(pdir / f"master/demo_c00{n}.jpg")
        ann = voc.read(pdir / f"master/demo_c00{n}.xml")
        assert [o.name for o in ann.objects] == ["icon"]
        magenta = (np.abs(image - MAGENTA).max(axis=2) < 40) & outside_boxes(image, ann)
        assert magenta.sum() >= 100  # at least one 12x12 square shows, and no box is on it


def test_other_projects_sources_are_distractors_only_when_their_classes_differ(tmp_path):
    make_project(tmp_path, compose={"count": 2, "distractors": {"projects": True, "shapes": False}})
    make_project(tmp_path, "other", classes=("thing",), sources={"thing.png": magenta_square()})
    make_project(tmp_path, "same", classes=("icon", "more"), sources={"icon.png": magenta_square()})
    conf = lib.read_config(load(tmp_path))
    assert [p.relative_to(tmp_path).as_posix() for p in conf.distractors.images] == [
        "projects/other/master/sources/thing.png"]
    assert lib.read_config(load(tmp_path, "other")).distractors is None  # off unless asked


def test_generated_shapes_add_pixels_but_no_object(tmp_path):
    make_project(tmp_path, compose={"count": 10, "distractors": {"count": [3, 3]},
                                    "background": {"colors": [[255, 255, 255]]}})
    maker = lib.composer(load(tmp_path), (100, 100))
    for s in range(10):
        scene = maker.scene(s)
        rendered = maker.render(scene, "none")
        assert len(rendered.objects) == 1 and len(scene.distractors) >= 1
        assert (outside_boxes(rendered.canvas, voc.Annotation("x", 100, 100, objects=rendered.objects))
                & (rendered.canvas != 255).any(axis=2)).sum() > 20


def test_a_set_share_of_carriers_has_no_object_and_check_accepts_them(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 8, "negatives": 0.25, "placement": "anywhere"})
    result = lib.compose(load(tmp_path), (64, 64))
    anns = all_annotations(pdir / "master")
    assert sum(not a.objects for a in anns) == 2 == result.negatives
    for ann in anns:
        xml = pdir / "master" / ann.filename.replace(".jpg", ".xml")
        assert ("<object>" in xml.read_text()) == bool(ann.objects)
        assert checks.check_pair(xml, xml.with_suffix(".jpg"), ["icon"]) == []


def test_negatives_are_the_same_carriers_on_every_compose(tmp_path):
    for where in ("a", "b"):
        make_project(tmp_path / where, compose={"count": 20, "negatives": 0.1})
        lib.compose(load(tmp_path / where), (64, 64))
    empty = [[a.filename for a in all_annotations(tmp_path / w / "projects/demo/master") if not a.objects]
             for w in ("a", "b")]
    assert empty[0] == empty[1] and len(empty[0]) == 2
