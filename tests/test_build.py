"""`inv build`: deterministic across --jobs, incremental, boxes that follow the geometry, nothing lost.

Each test makes its own small projects in the repo copy: carriers drawn with NumPy/OpenCV
(a textured background with solid rectangular icons pasted on it) and their VOC XML.
"""
from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.augment import RecipeRunner, Sample, clip_boxes, parse_recipe, sample_rngs

SIZE = 96
ICON = 24

GEOMETRIC = [
    {"Affine": {"rotate": [-20, 20], "translate_percent": [-0.1, 0.1], "scale": [0.8, 1.2], "fill": 125, "p": 1.0}},
    {"Perspective": {"scale": [0.03, 0.06], "fill": 125, "p": 0.5}},
]
PHOTOMETRIC = [
    {"RandomBrightnessContrast": {"brightness_limit": 0.3, "contrast_limit": 0.2, "p": 0.8}},
    {"OneOf": {"p": 0.5, "steps": [{"GaussianBlur": {"sigma_limit": [0.3, 1.0]}},
                                   {"GaussNoise": {"std_range": [0.02, 0.05]}}]}},
]


def _background(rng: np.random.Generator, size=(SIZE, SIZE)) -> np.ndarray:
    w, h = size
    ramp = np.linspace(60, 200, w, dtype=np.float32)[None, :, None]
    noise = rng.normal(0, 12, (h, w, 3)).astype(np.float32)
    return np.clip(ramp + noise + rng.integers(0, 40, 3), 0, 255).astype(np.uint8)


def _carrier(path: Path, boxes, seed: int, size=(SIZE, SIZE)) -> None:
    """A carrier with one solid rectangle (an icon with a cross) per box; boxes are 0-based edges."""
    rng = np.random.default_rng(seed)
    img = _background(rng, size)
    objects = []
    for name, (x0, y0) in boxes:
        x1, y1 = x0 + ICON, y0 + ICON
        img[y0:y1, x0:x1] = (30, 30, 200) if name == "close" else (20, 160, 40)
        cv2.line(img, (x0 + 5, y0 + 5), (x1 - 6, y1 - 6), (255, 255, 255), 3)
        cv2.line(img, (x1 - 6, y0 + 5), (x0 + 5, y1 - 6), (255, 255, 255), 3)
        objects.append(voc.VocObject.from_edges(name, x0, y0, x1, y1))
    if path.suffix == ".png":
        cv2.imwrite(str(path), img)
    else:
        cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    voc.write(path.with_suffix(".xml"), voc.Annotation(path.name, size[0], size[1], 3, objects, folder="master"))


def make_project(repo, name, *, count=3, seed=7, recipe=None, carriers=None, classes=("close",), extra=None):
    pdir = repo.project(name)
    (pdir / "master" / "sources").mkdir(parents=True)
    carriers = carriers or [[("close", (36, 36))], [("close", (60, 10))], [("close", (8, 64))]]
    for i, boxes in enumerate(carriers):
        _carrier(pdir / "master" / f"{name}_c{i:03d}.jpg", boxes, seed=i)
    data = {"classes": list(classes), "count": count, "seed": seed,
            "recipe": recipe if recipe is not None else {"min_visibility": 0.5, "steps": GEOMETRIC + PHOTOMETRIC}}
    data.update(extra or {})
    (pdir / "project.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return pdir


def add_profiles(repo, **sizes):
    path = repo.path / "invoke.yaml"
    conf = yaml.safe_load(path.read_text())
    for name, size in sizes.items():
        conf["dlimgmgr"]["profiles"][name] = {"size": list(size)}
    path.write_text(yaml.safe_dump(conf, sort_keys=False))


def snapshot(folder: Path, mtimes=False) -> dict:
    out = {}
    for p in sorted(folder.iterdir()):
        out[p.name] = (p.read_bytes(), p.stat().st_mtime_ns) if mtimes else p.read_bytes()
    return out


def built(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.jpg"))


@pytest.fixture
def tiny(repo):
    add_profiles(repo, tiny=(SIZE, SIZE), half=(SIZE // 2, SIZE // 2))
    return repo


def test_jobs_give_identical_builds_and_unforced_rebuild_changes_nothing(tiny):
    repo = tiny
    make_project(repo, "icons", count=5)
    make_project(repo, "other", count=2, seed=3)
    litter = repo.project("icons") / ".build.tmp-999"  # what a killed run could leave behind
    litter.mkdir()
    (litter / "icons_000001.jpg").write_bytes(b"partial")

    repo.inv("build", "--project", "icons", "--jobs", "1", "--force", "--profile", "tiny", check=True)
    build = repo.project("icons") / "build"
    one = snapshot(build)
    assert not litter.exists()
    assert built(build) == [f"icons_{n:06d}.jpg" for n in range(1, 16)]  # 3 carriers x count 5, numbered
    ann = voc.read(build / "icons_000001.xml")
    assert (ann.filename, ann.width, ann.height, ann.labels) == ("icons_000001.jpg", SIZE, SIZE, ["close"])
    text = (build / "icons_000001.xml").read_text()
    for tag in ("xmin", "ymin", "xmax", "ymax"):  # integers, as the trainers' int() needs
        value = text.split(f"<{tag}>")[1].split("<")[0]
        assert value.isdigit(), text
    assert len({one[n] for n in one if n.endswith(".jpg")}) == 15  # every output differs

    repo.inv("dlimgmgr.build", "--project", "icons", "--jobs", "2", "--force", "--profile", "tiny", check=True)
    assert snapshot(build) == one  # byte-identical whatever the number of workers

    repo.inv("build", "--profile", "tiny", "--jobs", "2", check=True)  # builds `other`, skips `icons`
    before = {n: snapshot(repo.project(n) / "build", mtimes=True) for n in ("icons", "other")}
    proc = repo.inv("build", "--profile", "tiny", check=True)
    assert "icons: up to date (15 images), skipped" in proc.stdout
    assert "other: up to date (6 images), skipped" in proc.stdout
    assert {n: snapshot(repo.project(n) / "build", mtimes=True) for n in ("icons", "other")} == before

    # A changed input (one carrier's annotation) rebuilds that project only.
    xml = repo.project("other") / "master" / "other_c000.xml"
    ann = voc.read(xml)
    ann.objects[0] = voc.VocObject("close", 36, 36, 61, 61)
    voc.write(xml, ann)
    proc = repo.inv("build", "--profile", "tiny", check=True)
    assert "icons: up to date" in proc.stdout and "other: built 6 images" in proc.stdout
    assert snapshot(repo.project("icons") / "build", mtimes=True) == before["icons"]
    assert snapshot(repo.project("other") / "build") != {k: v[0] for k, v in before["other"].items()}

    # Building from an annotation still byte-identical to its generated pre-label is worth a warning,
    # not a failure; a skipped project was warned about when it was built, and stays quiet and fast.
    digest = hashlib.sha256(xml.read_bytes()).hexdigest()
    (xml.parent / ".prelabels.json").write_text(json.dumps({"other_c000": digest}))
    proc = repo.inv("build", "--project", "other", "--profile", "tiny", "--force", check=True)
    assert "untouched pre-label" in proc.stderr and "other_c000.xml" in proc.stderr
    assert "untouched" not in repo.inv("build", "--project", "other", "--profile", "tiny", check=True).stderr


def test_boxes_follow_the_geometry(tiny):
    """Every output box encloses the object: the icon's mask, sent through the same transform, agrees."""
    repo = tiny
    recipe = {"min_visibility": 0.0, "steps": GEOMETRIC + PHOTOMETRIC}
    carriers = [[("close", (36, 36))], [("close", (30, 40))]]
    pdir = make_project(repo, "geo", count=12, recipe=recipe, carriers=carriers)
    repo.inv("build", "--project", "geo", "--jobs", "2", "--profile", "tiny", check=True)

    runner = RecipeRunner(parse_recipe(recipe))
    n = 0
    for ci, boxes in enumerate(carriers):
        name, (x0, y0) = boxes[0]
        image = cv2.cvtColor(cv2.imread(str(pdir / "master" / f"geo_c{ci:03d}.jpg")), cv2.COLOR_BGR2RGB)
        mask = np.zeros(image.shape[:2], np.uint8)
        mask[y0:y0 + ICON, x0:x0 + ICON] = 1
        for k in range(12):
            n += 1
            np_rng, py_rng = sample_rngs(7, "geo", f"geo_c{ci:03d}.jpg", k)
            compose = runner.compose(["close"])
            compose.set_random_state(np_rng, py_rng)
            out = compose(image=image, mask=mask, bboxes=[(x0, y0, x0 + ICON, y0 + ICON)], labels=["close"], ids=[0])
            ys, xs = np.nonzero(out["mask"])
            truth = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)  # the object's pixel edges
            ann = voc.read(pdir / "build" / f"geo_{n:06d}.xml")
            assert len(ann.objects) == 1
            box = ann.objects[0].edges()
            assert all(abs(a - b) <= 2 for a, b in zip(box, truth)), (n, box, truth)
            assert box[0] <= truth[0] + 1 and box[1] <= truth[1] + 1 and box[2] >= truth[2] - 1 and box[3] >= truth[3] - 1
    assert n == 24 and len(built(pdir / "build")) == 24


def test_sigint_leaves_the_previous_build_byte_identical(tiny):
    repo = tiny
    pdir = make_project(repo, "icons", count=2)
    repo.inv("build", "--project", "icons", "--profile", "tiny", "--jobs", "2", check=True)
    before = snapshot(pdir / "build", mtimes=True)

    conf = yaml.safe_load((pdir / "project.yaml").read_text())
    conf["count"] = 4000  # long enough to interrupt
    (pdir / "project.yaml").write_text(yaml.safe_dump(conf))
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "build", "--project", "icons", "--profile", "tiny",
                             "--jobs", "2"], cwd=repo.path, env=repo.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            staging = list(pdir.glob(".build.tmp-*"))
            if staging and sum(1 for _ in staging[0].glob("*.jpg")) >= 20:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)
        else:
            pytest.fail("the build never started writing")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err and "Traceback" not in err, err
    assert snapshot(pdir / "build", mtimes=True) == before
    assert not list(pdir.glob(".build.tmp-*")) and not list(pdir.glob(".build.old-*"))


def test_profile_resize_and_count_zero_pass_through(tiny):
    repo = tiny
    carriers = [[("close", (36, 36))], [("close", (60, 10)), ("close", (8, 60))]]
    pdir = make_project(repo, "shots", count=0, carriers=carriers)
    _carrier(pdir / "master" / "shots_c002.png", [("close", (70, 70))], seed=9)
    masters = sorted(p for p in (pdir / "master").iterdir() if p.suffix in (".jpg", ".png"))

    repo.inv("build", "--project", "shots", "--profile", "tiny", check=True)
    out = pdir / "build"
    assert built(out) == ["shots_000001.jpg", "shots_000002.jpg", "shots_000003.jpg"]
    # Same size, JPEG master: the labelled image itself, untouched; its XML normalised.
    assert (out / "shots_000001.jpg").read_bytes() == masters[0].read_bytes()
    assert voc.read(out / "shots_000002.xml").objects == voc.read(masters[1].with_suffix(".xml")).objects
    png_out = cv2.imread(str(out / "shots_000003.jpg"))
    assert png_out.shape == (SIZE, SIZE, 3)  # a PNG master is re-encoded as JPEG

    # Another profile size: images and boxes scaled together, no relabelling.
    proc = repo.inv("build", "--project", "shots", "--profile", "half", check=True)
    assert "built 3 images at 48x48" in proc.stdout
    for n, master in enumerate(masters, 1):
        assert cv2.imread(str(out / f"shots_{n:06d}.jpg")).shape == (SIZE // 2, SIZE // 2, 3)
        got = voc.read(out / f"shots_{n:06d}.xml")
        want = voc.read(master.with_suffix(".xml"))
        assert (got.width, got.height) == (48, 48)
        for g, w in zip(got.objects, want.objects, strict=True):
            assert all(abs(a - b / 2) <= 0.5 for a, b in zip(g.edges(), w.edges())), (g, w)


def test_clipping_dropping_and_negatives(tiny):
    repo = tiny
    shift = {"Affine": {"translate_px": {"x": [20, 20], "y": [0, 0]}, "fill": 125, "p": 1.0}}
    carriers = [[("close", (60, 36))]]  # 60..84 moved to 80..104: 16 of 24 columns stay (0.67)
    pdir = make_project(repo, "edge", count=2, carriers=carriers, recipe={"min_visibility": 0.5, "steps": [shift]})
    repo.inv("build", "--project", "edge", "--profile", "tiny", check=True)
    for n in (1, 2):
        (obj,) = voc.read(pdir / "build" / f"edge_{n:06d}.xml").objects
        assert (obj.xmin, obj.ymin, obj.xmax, obj.ymax) == (81, 37, SIZE, 60)  # clipped at the edge

    conf = yaml.safe_load((pdir / "project.yaml").read_text())
    conf["recipe"]["min_visibility"] = 0.8  # now the box kept too little: dropped, image not written
    (pdir / "project.yaml").write_text(yaml.safe_dump(conf))
    proc = repo.inv("build", "--project", "edge", "--profile", "tiny", check=True)
    assert "built 0 images" in proc.stdout and "2 dropped" in proc.stdout
    assert built(pdir / "build") == []

    conf["recipe"]["negatives"] = True  # ... unless the recipe asks for negatives
    (pdir / "project.yaml").write_text(yaml.safe_dump(conf))
    repo.inv("build", "--project", "edge", "--profile", "tiny", check=True)
    assert built(pdir / "build") == ["edge_000001.jpg", "edge_000002.jpg"]
    assert voc.read(pdir / "build" / "edge_000001.xml").objects == []

    # The same rule in the library, for a box half outside.
    s = Sample(np.zeros((10, 10, 3), np.uint8), [(-4, 0, 4, 4), (2, 2, 6, 6)], ["a", "b"])
    assert clip_boxes(s, 0.6).labels == ["b"]
    assert clip_boxes(s, 0.4).boxes == [(0.0, 0.0, 4, 4), (2.0, 2.0, 6.0, 6.0)]


def test_an_output_that_lost_a_box_is_drawn_again(tiny):
    """A box cut below min_visibility may leave a fragment of its object unlabelled in the image:
    such outputs are drawn again (redraw_lost, the default), never written."""
    repo = tiny
    shift = {"Affine": {"translate_px": {"x": [-20, 20], "y": [0, 0]}, "fill": 125, "p": 1.0}}
    carriers = [[("close", (36, 36)), ("close", (66, 10))]]   # the second sits near the right edge
    pdir = make_project(repo, "edgy", count=12, carriers=carriers,
                        recipe={"min_visibility": 0.8, "steps": [shift]})
    repo.inv("build", "--project", "edgy", "--profile", "tiny", check=True)
    outputs = sorted((pdir / "build").glob("*.xml"))
    assert len(outputs) == 12 and all(len(voc.read(x).objects) == 2 for x in outputs)

    conf = yaml.safe_load((pdir / "project.yaml").read_text())
    conf["recipe"]["redraw_lost"] = False       # the old behaviour, on request: some lose the edge box
    (pdir / "project.yaml").write_text(yaml.safe_dump(conf))
    repo.inv("build", "--project", "edgy", "--profile", "tiny", check=True)
    assert {len(voc.read(x).objects) for x in (pdir / "build").glob("*.xml")} == {1, 2}


def test_flip_only_for_classes_that_allow_it():
    recipe = parse_recipe([{"HorizontalFlip": {"p": 1.0, "classes": ["close"]}}])
    runner = RecipeRunner(recipe)
    img = np.zeros((20, 20, 3), np.uint8)
    img[:, :5] = 255
    sample = Sample(img, [(0, 0, 5, 5)], ["close"])
    np_rng, py_rng = sample_rngs(0, "p", "c.jpg", 0)
    flipped = runner.run(sample, np_rng, py_rng)
    assert flipped.boxes == [(15.0, 0.0, 20.0, 5.0)] and flipped.image[0, -1, 0] == 255
    kanji = runner.run(Sample(img, [(0, 0, 5, 5)], ["yama"]), np_rng, py_rng)
    assert kanji.boxes == [(0.0, 0.0, 5.0, 5.0)] and (kanji.image == img).all()  # never mirrored


def test_augment_py_project_is_deterministic_across_jobs(tiny):
    repo = tiny
    pdir = make_project(repo, "scripted", count=4, extra={"augment": "augment.py"})
    template = (repo.path / "projects" / "common" / "templates" / "augment.py").read_text()
    (pdir / "augment.py").write_text(template.replace("$name", "scripted"))
    repo.inv("build", "--project", "scripted", "--profile", "tiny", "--jobs", "1", check=True)
    one = snapshot(pdir / "build")
    assert built(pdir / "build") == [f"scripted_{n:06d}.jpg" for n in range(1, 13)]
    repo.inv("build", "--project", "scripted", "--profile", "tiny", "--jobs", "2", "--force", check=True)
    assert snapshot(pdir / "build") == one


@pytest.mark.parametrize("step, message", [
    ({"Rotato": {"limit": 5}}, "recipe step 1: 'Rotato' is not an albumentations"),
    ({"Affine": {"rotate": "lots"}}, "recipe step 1 (Affine): rotate"),
    ({"Affine": {"rotat": [-5, 5]}}, "recipe step 1 (Affine): Argument(s) 'rotat' are not valid"),
    ({"OneOf": {"steps": [{"GaussianBlur": {"sigma": 1}}]}}, "recipe step 1.1 (GaussianBlur)"),
])
def test_a_bad_recipe_is_one_line_naming_the_step(tiny, step, message):
    repo = tiny
    pdir = make_project(repo, "bad", count=1, recipe={"steps": [step]})
    proc = repo.inv("build", "--project", "bad", "--profile", "tiny", check=False)
    assert f"{pdir / 'project.yaml'}: {message}" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (pdir / "build").exists() and not list(pdir.glob(".build.tmp-*"))
