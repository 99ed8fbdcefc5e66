"""The mixes in a Workspace's dist/: their names, the newest one, and a manifest read and checked.

Every reader of a mix (stats, deploy, report, plans) finds it here, so "the newest mix" and "an
unreadable manifest" mean the same everywhere.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import UserError

MANIFEST = ".manifest.json"


def manifest_path(ws, name: str) -> Path:
    return ws.dist_dir / f"{name}{MANIFEST}"


def manifests(ws) -> list[Path]:
    """dist/*.manifest.json, oldest first (by the time each was written)."""
    dist = ws.dist_dir
    return sorted(dist.glob(f"*{MANIFEST}"), key=lambda p: p.stat().st_mtime) if dist.is_dir() else []


def name_of(manifest: Path) -> str:
    return manifest.name[: -len(MANIFEST)]


def newest(ws) -> Path | None:
    """The most recently written manifest, or None when nothing was mixed yet."""
    found = manifests(ws)
    return found[-1] if found else None


def find(ws, name: str | None = None) -> Path:
    """The named mix's manifest, or the newest one when no name is given; a UserError when absent."""
    if name:
        from .mix import check_name

        path = manifest_path(ws, check_name(name))
        if not path.is_file():
            known = sorted(name_of(p) for p in manifests(ws))
            raise UserError(f"{path}: no mix named {name!r} (mixed: {', '.join(known) or 'none'}); "
                            f"run: inv mix --name {name}")
        return path
    found = newest(ws)
    if found is None:
        raise UserError(f"{ws.dist_dir}: no mixed dataset yet; run: inv mix")
    return found


def load(path: Path) -> dict:
    """A manifest's JSON, whatever it holds; one line when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror}); run inv mix again") from None
    except ValueError:
        raise UserError(f"{path}: is not valid JSON; run inv mix again") from None


def read(path: Path) -> dict:
    """A manifest whose name and sha256 can be trusted to name a folder and check its archive, with
    the archive's path added as `archive_path`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name, sha256 = data["name"], data["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(f"{path}: unreadable manifest; mix again: inv mix") from None
    from .mix import NAME_RE

    if not isinstance(name, str) or not NAME_RE.fullmatch(name) or not isinstance(sha256, str):
        # A hand-made name such as '.' or 'a/b' would point the deploy at another folder.
        raise UserError(f"{path}: names the dataset {name!r}, not a plain name (letters, digits, '.', '_', '-'); "
                        f"mix again: inv mix")
    archive = path.with_name(f"{name}.tar.gz")
    if not archive.is_file():
        raise UserError(f"{archive}: missing (its manifest is {path.name}); mix again: inv mix --name {name}")
    return {**data, "archive_path": archive, "sha256": sha256}
