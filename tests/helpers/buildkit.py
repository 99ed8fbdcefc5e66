"""Helpers shared by the build tests: small projects drawn with NumPy/OpenCV, snapshots of folders.

A carrier is a textured background with solid rectangular icons (a cross in each) pasted on it,
with its VOC XML beside it.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import yaml

from dlimgmgr_tasks.lib import voc

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
THREE_CARRIERS = [[("close", (36, 36))], [("close", (60, 10))], [("close", (8, 64))]]


def _background(rng: np.random.Generator, size=(SIZE, SIZE)) -> np.ndarray:
    w, h = size
    ramp = np.linspace(60, 200, w, dtype=np.float32)[None, :, None]
    noise = rng.normal(0, 12, (h, w, 3)).astype(np.float32)
    return np.clip(ramp + noise + rng.integers(0, 40, 3), 0, 255).astype(np.uint8)


def carrier(path: Path, boxes, seed: int, size=(SIZE, SIZE)) -> None:
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
    for i, boxes in enumerate(carriers or THREE_CARRIERS):
        carrier(pdir / "master" / f"{name}_c{i:03d}.jpg", boxes, seed=i)
    data = {"classes": list(classes), "count": count, "seed": seed,
            "recipe": recipe if recipe is not None else {"min_visibility": 0.5, "steps": GEOMETRIC + PHOTOMETRIC}}
    data.update(extra or {})
    (pdir / "project.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return pdir


def edit_yaml(pdir: Path, change) -> None:
    """Apply change(dict) to a project's project.yaml."""
    conf = yaml.safe_load((pdir / "project.yaml").read_text())
    change(conf)
    (pdir / "project.yaml").write_text(yaml.safe_dump(conf))


def add_profiles(repo, **sizes):
    path = repo.path / "invoke.yaml"
    conf = yaml.safe_load(path.read_text())
    for name, size in sizes.items():
        conf["dlimgmgr"]["profiles"][name] = {"size": list(size)}
    path.write_text(yaml.safe_dump(conf, sort_keys=False))


def set_build_setting(repo, **values):
    """invoke.yaml dlimgmgr.build.KEY: VALUE (e.g. max_images=10)."""
    path = repo.path / "invoke.yaml"
    conf = yaml.safe_load(path.read_text())
    conf["dlimgmgr"].setdefault("build", {}).update(values)
    path.write_text(yaml.safe_dump(conf, sort_keys=False))


def add_tiny_profiles(repo):
    """`tiny` (the carriers' own size) and `half` profiles."""
    add_profiles(repo, tiny=(SIZE, SIZE), half=(SIZE // 2, SIZE // 2))
    return repo


def snapshot(folder: Path, mtimes=False) -> dict:
    out = {}
    for p in sorted(folder.iterdir()):
        out[p.name] = (p.read_bytes(), p.stat().st_mtime_ns) if mtimes else p.read_bytes()
    return out


def built(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.jpg"))


def build(repo, name, *args, check=True):
    """`inv build --project NAME --profile tiny ARGS`."""
    return repo.inv("build", "--project", name, "--profile", "tiny", *args, check=check)
