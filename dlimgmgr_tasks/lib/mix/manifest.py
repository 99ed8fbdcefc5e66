"""The mix's manifest: what is in the archive (sha256, classes, counts) and what it was made
from (the split, the remap, each project's recipe hashes, the git commit, the profile, the tool).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .. import voc
from ..files import atomic_write
from ..hashing import sha256_file
from .items import Item



def recipe_hashes(project) -> dict:
    """What the build was made from: the build's own fingerprint (inputs, recipe, size) when it
    wrote one, and sha256 of project.yaml and augment.py."""
    hashes = {"project.yaml": sha256_file(project.yaml_path)}
    augment = project.dir / "augment.py"
    if augment.is_file():
        hashes["augment.py"] = sha256_file(augment)
    value = project.build_record().get("fingerprint")
    hashes["build_fingerprint"] = value if isinstance(value, str) else None
    return hashes


def git_state(root: Path) -> dict:
    """The checkout's commit and whether it has uncommitted changes (None where git cannot tell)."""
    def run(*args):
        try:
            proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None
    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain") if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def counts(items: list[Item], classes: list[str], project_names: list[str]) -> dict:
    """Images per split, objects per class and split, images per project and split."""
    split_names = [s for s in voc.SPLITS if s != "test" or any(it.split == "test" for it in items)]
    images = {s: 0 for s in split_names}
    objects = {c: {s: 0 for s in split_names} for c in classes}
    per_project = {name: {s: 0 for s in split_names} for name in project_names}
    for it in items:
        images[it.split] += 1
        per_project[it.project][it.split] += 1
        for cls, n in it.objects.items():
            objects[cls][it.split] += n
    return {"total_images": len(items), "images": images, "objects": objects, "projects": per_project}


def provenance(ws, loaded: list) -> dict:
    from ... import __version__

    profile = ws.profile
    return {
        "git": git_state(ws.root),
        "projects": {p.name: {"seed": p.seed, "count": p.count, "test_only": p.test_only,
                              "classes": p.classes, "recipe": recipe_hashes(p)} for p in loaded},
        "profile": {"name": profile.name, "size": [profile.width, profile.height]},
        "tool": f"dlimgmgr {__version__}",
    }


def write(path: Path, manifest: dict) -> None:
    atomic_write(path, (json.dumps(manifest, indent=2) + "\n").encode())
