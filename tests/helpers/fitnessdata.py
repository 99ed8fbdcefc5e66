"""What the fitness tests share: a small mix with a test split and sources to paste, deployed to a
pytorch role, and the trainer venv scripts/setup-fitness makes (built once, named by
`fitness_python:` so no test installs torch)."""
from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

from tests.helpers.mixdata import PROFILE, make_builds
from tests.helpers.repo import ROOT
from tests.helpers.ssh_fixtures import need

TRAINER_PYTHON = ROOT / ".venv-fitness" / "bin" / "python"
MIX = ("mix", *PROFILE, "--projects", "alpha,beta,gamma", "--name", "fit")   # gamma is test-only: a test split


def trainer_python() -> str:
    need(None if TRAINER_PYTHON.exists() else f"no trainer venv at {TRAINER_PYTHON}; run: bash scripts/setup-fitness")
    return str(TRAINER_PYTHON)


def write_source(project_dir: Path, cls: str, colour) -> None:
    """A 16x16 RGBA icon: a filled disc with a hole, transparent around it."""
    icon = Image.new("RGBA", (16, 16), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.ellipse((1, 1, 14, 14), fill=(*colour, 255))
    draw.ellipse((6, 6, 9, 9), fill=(0, 0, 0, 0))
    (project_dir / "master" / "sources").mkdir(parents=True, exist_ok=True)
    icon.save(project_dir / "master" / "sources" / f"{cls}.png")


def deployed_mix(repo, pytorch: dict, **hosts) -> dict:
    """alpha (cat), beta (dog, owl) with sources, the test-only gamma; mixed with a test split and
    deployed to `pytorch`. The manifest."""
    make_builds(repo.path)
    write_source(repo.project("alpha"), "cat", (200, 40, 40))
    write_source(repo.project("beta"), "dog", (40, 200, 40))
    write_source(repo.project("beta"), "owl", (40, 40, 200))
    repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": pytorch}, **hosts)
    repo.inv(*MIX, "deploy", check=True)
    return json.loads((repo.path / "dist" / "fit.manifest.json").read_text())
