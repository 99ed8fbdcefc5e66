"""Small real build folders for the mix and deploy tests: JPEGs from Pillow, VOC XML from lib/voc.

`make_build(repo_path, name, classes, n)` writes projects/NAME/project.yaml and
projects/NAME/build/NAME_000001.jpg + .xml ... as the build feature lays them out: 64x64 images
(the resnet34 profile), one or two boxes each, every 5th box marked difficult, each XML naming
its master carrier (`per_carrier` consecutive images share one, NAME_cNNN.jpg, as a build's do).
"""
from __future__ import annotations

import os
import random
import tarfile
from pathlib import Path

import yaml
from PIL import Image

from dlimgmgr_tasks.lib import voc

SIZE = (64, 64)   # the resnet34 profile of invoke.yaml


def make_build(repo_path: Path, name: str, classes: list[str], n: int, test_only: bool = False,
               size=SIZE, seed: int = 0, per_carrier: int = 1) -> Path:
    pdir = Path(repo_path) / "projects" / name
    build = pdir / "build"
    build.mkdir(parents=True, exist_ok=True)
    data = {"classes": classes, "seed": 1, "count": 1}
    if test_only:
        data["test_only"] = True
    (pdir / "project.yaml").write_text(yaml.safe_dump(data))
    rng = random.Random(f"{name}/{seed}")
    w, h = size
    for i in range(1, n + 1):
        stem = f"{name}_{i:06d}"
        Image.frombytes("RGB", size, os.urandom(w * h * 3)).save(build / f"{stem}.jpg", quality=85)
        objects = []
        for k in range(1 + (i % 3 == 0)):
            x0, y0 = rng.randint(1, w // 2), rng.randint(1, h // 2)
            x1, y1 = rng.randint(x0, w), rng.randint(y0, h)
            cls = classes[(i + k) % len(classes)]
            objects.append(voc.VocObject(cls, x0, y0, x1, y1, difficult=int((i + k) % 5 == 0)))
        carrier = f"{name}_c{(i - 1) // per_carrier:03d}.jpg" if per_carrier else ""
        voc.write(build / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", w, h, 3, objects, source_image=carrier))
    return build


PROFILE = ("--profile", "resnet34")   # 64x64, the size make_build writes


def make_builds(repo_path: Path) -> None:
    """alpha (40 images, cat), beta (31, dog and owl) and the test-only gamma (6, cat and owl)."""
    make_build(repo_path, "alpha", ["cat"], 40)
    make_build(repo_path, "beta", ["dog", "owl"], 31)
    make_build(repo_path, "gamma", ["cat", "owl"], 6, test_only=True)


def run_mix(repo, *args, check=True):
    """`inv mix` of the three builds at the resnet34 profile."""
    return repo.inv("mix", *PROFILE, "--projects", "alpha,beta,gamma", *args, check=check)


def unpack(archive: Path, dest: Path) -> Path:
    import subprocess

    dest.mkdir()
    subprocess.run(["tar", "xzf", str(archive), "-C", str(dest)], check=True)
    return dest


def read_members(path, top: str) -> list[tuple[str, bytes]]:
    """(name without the top folder, bytes) of every member of a .tar.gz, in archive order."""
    with tarfile.open(path, "r:gz") as tar:
        return [(m.name.removeprefix(top), tar.extractfile(m).read() if m.isfile() else b"") for m in tar]
