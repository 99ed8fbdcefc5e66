"""Validators for project.yaml's compose: values; each problem names the key and the fix."""
from __future__ import annotations

import math
from pathlib import Path

from ..errors import UserError
from ..projects import IMAGE_EXTS, Project, is_image


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def whole(where: str, value, lo: int, hi: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < lo or (hi is not None and value > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
        raise UserError(f"{where} must be a whole number {bound} (got {value!r}); fix project.yaml")
    return value


def share(where: str, value, default: float) -> float:
    """A number in [0, 1]."""
    value = default if value is None else value
    if not is_number(value) or not 0 <= value <= 1:
        raise UserError(f"{where} must be a number between 0 and 1 (got {value!r}); fix project.yaml")
    return float(value)


def number_range(where: str, value, positive: bool = True) -> tuple[float, float]:
    """[lo, hi] with lo <= hi (and lo > 0 when ``positive``); a single number means [v, v]."""
    if is_number(value):
        value = [value, value]
    ok = isinstance(value, list) and len(value) == 2 and all(is_number(v) for v in value) and value[0] <= value[1]
    if not ok or (positive and value[0] <= 0):
        need = "0 < lo <= hi" if positive else "lo <= hi"
        raise UserError(f"{where} must be [lo, hi] with {need} (got {value!r}); fix project.yaml")
    return float(value[0]), float(value[1])


def whole_range(where: str, value, lo: int) -> tuple[int, int]:
    """A whole number n (= [n, n]) or [lo, hi] of whole numbers."""
    if isinstance(value, list) and len(value) == 2:
        a, b = whole(where, value[0], lo), whole(where, value[1], lo)
        if a > b:
            raise UserError(f"{where} must be [lo, hi] with lo <= hi (got {value!r}); fix project.yaml")
        return a, b
    n = whole(where, value, lo)
    return n, n


def weights(where: str, value, allowed: tuple[str, ...]) -> dict[str, float]:
    """A name, a list of names (equal weights) or {name: weight}; every name one of ``allowed``."""
    if isinstance(value, str):
        value = {value: 1}
    elif isinstance(value, list) and value:
        value = {v: 1 for v in value} if all(isinstance(v, str) for v in value) else value
    if not isinstance(value, dict) or not value:
        raise UserError(f"{where} must be one of {', '.join(allowed)} or weights such as "
                        f"{{{allowed[0]}: 0.5, {allowed[-1]}: 0.5}} (got {value!r}); fix project.yaml")
    for name, weight in value.items():
        if name not in allowed:
            raise UserError(f"{where} {name!r} is not one of {', '.join(allowed)}; fix project.yaml")
        if not is_number(weight) or weight < 0:
            raise UserError(f"{where}.{name} weight must be a number >= 0 (got {weight!r}); fix project.yaml")
    if not any(w > 0 for w in value.values()):
        raise UserError(f"{where}: give at least one weight above 0; fix project.yaml")
    return {name: float(w) for name, w in value.items() if w > 0}


def known_keys(where: str, raw: dict, known: set[str]) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r}; use {', '.join(sorted(known))} (project.yaml)")


def image_folder(project: Project, value, where: str, required: bool = True) -> Path | None:
    """A folder of images inside the project; None when not ``required`` and it has none."""
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where} must be a folder relative to {project.dir} (project.yaml)")
    base = project.dir.resolve()
    path = (project.dir / value).resolve()
    if path != base and base not in path.parents:
        raise UserError(f"{where} {value!r} leaves the project folder; keep the images under {project.dir} "
                        f"(project.yaml)")
    if not path.is_dir() or not any(is_image(p) for p in path.iterdir()):
        if not required:
            return None
        raise UserError(f"{where}: {project.dir / value} has no images ({', '.join(IMAGE_EXTS)}); add some "
                        f"or use colors (project.yaml)")
    return path
