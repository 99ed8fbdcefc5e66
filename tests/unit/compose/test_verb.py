"""compose: carriers with exact pre-labels, placements, determinism, the person-edit record, errors.
The `inv dataaug.compose` task is in tests/cli/dataaug/test_compose.py."""
from __future__ import annotations


import hashlib

import numpy as np
import pytest
import yaml
from PIL import Image

from tests.helpers.composehelp import WHITE, boxes, crisp_icon, load, make_project, pixels
from dlimgmgr_tasks.lib import compose as lib, voc
from dlimgmgr_tasks.lib.compose import verb
from dlimgmgr_tasks.lib.errors import UserError

def assert_box_hugs_pixels(image: np.ndarray, background, box, edge_min: int = 80, outside_max: int = 30) -> None:
    """Every edge row/column of the box holds a pasted pixel; nothing outside the box was pasted."""
    diff = np.abs(image - np.array(background)).max(axis=2)
    x0, y0, x1, y1 = box
    inside = diff[y0:y1, x0:x1]
    for edge in (inside[:, 0], inside[:, -1], inside[0, :], inside[-1, :]):
        assert edge.max() > edge_min, f"box {box} is larger than the pasted pixels"
    outside = diff.copy()
    outside[y0:y1, x0:x1] = 0
    assert outside.max() < outside_max, f"pasted pixels outside box {box} (JPEG noise stays below that)"
    ring = diff[y0 - 2:y1 + 2, x0 - 2:x1 + 2].copy()
    ring[2:-2, 2:-2] = 0  # the 2-pixel band just outside the box
    assert inside.mean() > 10 * max(ring.sum() / (ring.size - inside.size), 1)


def test_box_encloses_exactly_the_pasted_alpha_pixels(tmp_path):
    make_project(tmp_path, compose={"count": 2, "placement": "top-left", "margin": 10,
                                    "background": {"colors": [[255, 255, 255]]}})
    result = lib.compose(load(tmp_path), (120, 100))
    assert [p.name for p in result.written] == ["demo_c000.jpg", "demo_c001.jpg"]
    master = tmp_path / "projects/demo/master"
    for stem in ("demo_c000", "demo_c001"):
        # Pasted at (10, 10); the opaque block is columns 5..26, rows 7..24 -> VOC 16..37 x 18..35.
        ann = voc.read(master / f"{stem}.xml")
        assert (ann.width, ann.height, ann.depth, ann.folder, ann.filename) == (120, 100, 3, "master", f"{stem}.jpg")
        (obj,) = ann.objects
        assert (obj.name, obj.xmin, obj.ymin, obj.xmax, obj.ymax) == ("icon", 16, 18, 37, 35)
        assert_box_hugs_pixels(pixels(master / f"{stem}.jpg"), WHITE, boxes(master / f"{stem}.xml")[0][1])
    assert b"<xmin>16</xmin>" in (master / "demo_c000.xml").read_bytes()  # integers, as trainers parse them


def test_jpeg_source_box_is_the_pasted_rectangle_top_right(tmp_path):
    src = Image.new("RGB", (20, 12), (0, 0, 200))
    make_project(tmp_path, sources={"icon.jpg": src},
                 compose={"count": 1, "placement": "top-right", "margin": 3, "background": {"colors": [[0, 0, 0]]}})
    lib.compose(load(tmp_path), (64, 48))
    master = tmp_path / "projects/demo/master"
    ((name, box),) = boxes(master / "demo_c000.xml")
    assert box == (64 - 3 - 20, 3, 64 - 3, 3 + 12)
    assert_box_hugs_pixels(pixels(master / "demo_c000.jpg"), (0, 0, 0), box)


def test_scaled_paste_box_follows_the_resized_icon(tmp_path):
    make_project(tmp_path, compose={"count": 3, "placement": "random", "scale": [1.5, 2.0],
                                    "background": {"colors": [[255, 255, 255]]}})
    lib.compose(load(tmp_path), (200, 160))
    # What resizing the icon to each possible size leaves visible (alpha >= ALPHA_MIN), per Pillow.
    lut = [0] * lib.ALPHA_MIN + list(range(lib.ALPHA_MIN, 256))
    visible = set()
    for side in range(48, 65):
        x0, y0, x1, y1 = crisp_icon().resize((side, side), Image.Resampling.LANCZOS).getchannel("A").point(lut).getbbox()
        visible.add((x1 - x0, y1 - y0))
    for n in range(3):
        path = tmp_path / f"projects/demo/master/demo_c00{n}"
        ((_, box),) = boxes(path.with_suffix(".xml"))
        assert (box[2] - box[0], box[3] - box[1]) in visible
        # Resampled edges are faint, so the read-back bounds are looser than for a crisp paste.
        assert_box_hugs_pixels(pixels(path.with_suffix(".jpg")), WHITE, box, edge_min=10, outside_max=20)


def test_compose_again_changes_no_byte_and_no_mtime(tmp_path):
    make_project(tmp_path, classes=("a", "b"),
                 sources={"a.png": crisp_icon(), "b.jpg": Image.new("RGB", (16, 16), (0, 90, 0))},
                 compose={"count": 4, "placement": "random", "per_carrier": 3, "scale": [0.5, 1.5], "margin": 2})
    first = lib.compose(load(tmp_path), (160, 160))
    master = tmp_path / "projects/demo/master"
    files = sorted(p for p in master.iterdir() if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    second = lib.compose(load(tmp_path), (160, 160))
    assert len(first.written) == 4 and second.written == [] and len(second.unchanged) == 4
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    # Same inputs elsewhere: the same bytes (nothing depends on paths, time or Python's hash()).
    other = tmp_path / "other"
    make_project(other, classes=("a", "b"),
                 sources={"a.png": crisp_icon(), "b.jpg": Image.new("RGB", (16, 16), (0, 90, 0))},
                 compose={"count": 4, "placement": "random", "per_carrier": 3, "scale": [0.5, 1.5], "margin": 2})
    lib.compose(load(other), (160, 160))
    for p in files:
        assert (other / "projects/demo/master" / p.name).read_bytes() == p.read_bytes(), p.name
    # Another seed places things elsewhere.
    third = tmp_path / "third"
    make_project(third, seed=8, classes=("a", "b"),
                 sources={"a.png": crisp_icon(), "b.jpg": Image.new("RGB", (16, 16), (0, 90, 0))},
                 compose={"count": 4, "placement": "random", "per_carrier": 3, "scale": [0.5, 1.5], "margin": 2})
    lib.compose(load(third), (160, 160))
    assert (third / "projects/demo/master/demo_c000.xml").read_bytes() != (master / "demo_c000.xml").read_bytes()


def test_an_xml_edited_by_a_person_is_kept_and_recorded_as_such(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 3, "background": {"colors": [[255, 255, 255]]}})
    lib.compose(load(tmp_path), (80, 80))
    master = pdir / "master"
    record = lib.read_prelabels(load(tmp_path))
    assert set(record) == {"demo_c000", "demo_c001", "demo_c002"}
    assert record["demo_c001"] == hashlib.sha256((master / "demo_c001.xml").read_bytes()).hexdigest()
    edited = (master / "demo_c001.xml").read_bytes().replace(b"<xmin>6</xmin>", b"<xmin>5</xmin>")
    assert edited != (master / "demo_c001.xml").read_bytes()
    (master / "demo_c001.xml").write_bytes(edited)
    image_before = (master / "demo_c001.jpg").read_bytes()
    assert not lib.is_prelabel(load(tmp_path), master / "demo_c001.xml")
    assert lib.is_prelabel(load(tmp_path), master / "demo_c000.xml")
    # Inputs change (another background): pre-labels are rewritten, the person's file is not.
    data = yaml.safe_load((pdir / "project.yaml").read_text())
    data["compose"]["background"] = {"colors": [[10, 10, 10]]}
    (pdir / "project.yaml").write_text(yaml.safe_dump(data))
    result = lib.compose(load(tmp_path), (80, 80))
    assert [p.name for p in result.kept] == ["demo_c001.jpg"]
    assert sorted(p.name for p in result.written) == ["demo_c000.jpg", "demo_c002.jpg"]
    assert (master / "demo_c001.xml").read_bytes() == edited
    assert (master / "demo_c001.jpg").read_bytes() == image_before
    assert "kept" in result.summary() and "demo_c001.jpg" in result.summary()
    assert pixels(master / "demo_c000.jpg")[0, 0].tolist() == pytest.approx([10, 10, 10], abs=3)
    assert not lib.is_prelabel(load(tmp_path), master / "demo_c001.xml")


def test_fewer_carriers_removes_only_unedited_extras(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 4})
    lib.compose(load(tmp_path), (64, 64))
    master = pdir / "master"
    (master / "demo_c003.xml").write_bytes((master / "demo_c003.xml").read_bytes().replace(b"icon", b"icon "))
    data = yaml.safe_load((pdir / "project.yaml").read_text())
    data["compose"]["count"] = 2
    (pdir / "project.yaml").write_text(yaml.safe_dump(data))
    result = lib.compose(load(tmp_path), (64, 64))
    assert [p.name for p in result.removed] == ["demo_c002.jpg"]
    assert not (master / "demo_c002.jpg").exists() and not (master / "demo_c002.xml").exists()
    assert (master / "demo_c003.jpg").exists() and (master / "demo_c003.xml").exists()  # a person's
    assert set(lib.read_prelabels(load(tmp_path))) == {"demo_c000", "demo_c001", "demo_c003"}


def _disjoint(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("placement,per_carrier", [("random", 6), ("grid", 9)])
def test_random_and_grid_never_overlap(tmp_path, placement, per_carrier):
    sources = {f"{c}.png": crisp_icon() for c in ("yama", "kawa", "hi")}
    make_project(tmp_path, classes=("yama", "kawa", "hi"), sources=sources,
                 compose={"count": 5, "placement": placement, "per_carrier": per_carrier, "margin": 4})
    lib.compose(load(tmp_path), (160, 160))
    positions = set()
    for n in range(5):
        got = boxes(tmp_path / f"projects/demo/master/demo_c00{n}.xml")
        assert len(got) == per_carrier
        assert sorted({name for name, _ in got}) == ["hi", "kawa", "yama"]
        for i, (_, a) in enumerate(got):
            assert 4 <= a[0] and 4 <= a[1] and a[2] <= 156 and a[3] <= 156
            assert all(_disjoint(a, b) for _, b in got[i + 1:]), got
        positions.add(tuple(b for _, b in got))
    assert len(positions) > 1  # placements vary between carriers


def test_background_images_are_cropped_to_size(tmp_path):
    pdir = make_project(tmp_path, compose={"count": 2, "background": {"images": "master/backgrounds"}})
    (pdir / "master/backgrounds").mkdir()
    Image.new("RGB", (300, 200), (0, 120, 240)).save(pdir / "master/backgrounds/bg.jpg")
    lib.compose(load(tmp_path), (100, 100))
    image = Image.open(pdir / "master/demo_c000.jpg")
    assert image.size == (100, 100)
    assert np.abs(pixels(pdir / "master/demo_c000.jpg")[90, 90] - [0, 120, 240]).max() < 10
    # The background folder is not mistaken for carriers.
    assert [p.name for p in load(tmp_path).carrier_images()] == ["demo_c000.jpg", "demo_c001.jpg"]


@pytest.mark.parametrize("compose,fragment", [
    ({"placement": "middle"}, "compose.placement 'middle'"),
    ({"count": 0}, "compose.count"),
    ({"count": "many"}, "compose.count"),
    ({"scale": [2, 1]}, "compose.scale"),
    ({"margin": -1}, "compose.margin"),
    ({"placement": "top-left", "per_carrier": 2}, "per_carrier"),
    ({"background": {"colors": [[300, 0, 0]]}}, "background.colors"),
    ({"background": {"images": "../../elsewhere"}}, "leaves the project folder"),
    ({"background": {"images": "nothing-here"}}, "has no images"),
    ({"background": {"colors": [[0, 0, 0]], "images": "x"}}, "not both"),
    ({"placment": "grid"}, "unknown key 'placment'"),
])
def test_bad_compose_settings_name_the_key(tmp_path, compose, fragment):
    make_project(tmp_path, compose=compose)
    with pytest.raises(UserError) as err:
        lib.compose(load(tmp_path), (100, 100))
    assert fragment in str(err.value) and "project.yaml" in str(err.value)


def test_impossible_inputs_are_user_errors(tmp_path):
    make_project(tmp_path, "nosrc", sources={})
    with pytest.raises(UserError, match=r"master/sources: no source images"):
        lib.compose(load(tmp_path, "nosrc"), (100, 100))
    make_project(tmp_path, "big", sources={"icon.png": Image.new("RGBA", (80, 20), (1, 2, 3, 255))})
    with pytest.raises(UserError, match=r"icon.png: 80x20 plus margin 0 does not fit the 64x64 carrier"):
        lib.compose(load(tmp_path, "big"), (64, 64))
    make_project(tmp_path, "crowd", compose={"placement": "grid", "per_carrier": 5})
    with pytest.raises(UserError, match=r"per_carrier 5 is more than fit.*2x2 grid"):
        lib.compose(load(tmp_path, "crowd"), (64, 64))
    make_project(tmp_path, "mob", compose={"placement": "random", "per_carrier": 9, "margin": 2})
    with pytest.raises(UserError, match=r"cannot place 9 sources on a 64x64 carrier without overlap"):
        lib.compose(load(tmp_path, "mob"), (64, 64))
    make_project(tmp_path, "ghost", sources={"icon.png": Image.new("RGBA", (8, 8), (0, 0, 0, 0))})
    with pytest.raises(UserError, match="fully transparent"):
        lib.compose(load(tmp_path, "ghost"), (64, 64))
    for name in ("nosrc", "big", "crowd", "mob", "ghost"):  # nothing half-made
        assert [p.name for p in (tmp_path / "projects" / name / "master").iterdir()] == ["sources"]


def test_hash_random_is_stable():
    # Pinned numbers: a change to the stream would silently change every committed carrier.
    rng = lib.HashRandom("compose", "close", 1, 0)
    expected = []
    for n in range(5):
        value = int.from_bytes(hashlib.sha256(b"compose:close:1:0#%d" % n).digest()[:7], "big") / float(1 << 56)
        expected.append(min(int(value * 100), 99))
    assert [rng.randint(0, 99) for _ in range(5)] == expected
    assert sorted(lib.HashRandom("k").sample(range(10), 10)) == list(range(10))


def test_the_summary_counts_what_compose_did(tmp_path):
    make_project(tmp_path)
    result = verb.compose(load(tmp_path), (120, 100))
    assert result.size == (120, 100) and len(result.written) == 3 and result.kept == []
    assert result.summary() == "demo: 3 carriers 120x100: 3 written, 0 unchanged"
    assert verb.composer(load(tmp_path), ("120", "100")).size == (120, 100)
    assert result.negatives == sum(not voc.read(p.with_suffix(".xml")).objects for p in result.written)
