"""Distractors and negatives: things pasted without a box, and carriers with no object at all.

``distractors:`` in compose: ``count`` (n or [lo, hi] per carrier), ``folder`` (default
master/distractors, used when it holds images), ``projects`` (default false; true: the sources
of the other projects whose classes this project does not have; a remote compose then needs
those projects on the dataaug host too) and ``shapes`` (default true: generated discs, rings,
bars, triangles and crosses). Distractors go under the objects, so they never hide a labelled pixel.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..projects import Project, is_image
from .rand import HashRandom
from .transform import open_image
from .values import image_folder, known_keys, whole_range

DEFAULT_FOLDER = "master/distractors"
SHAPE_SIDE = (12, 64)  # generated shapes' side in pixels


@dataclass(frozen=True)
class DistractorConfig:
    count: tuple[int, int] = (0, 2)
    images: tuple[Path, ...] = ()
    shapes: bool = True


def _other_sources(project: Project) -> list[Path]:
    from .. import projects

    if project.workspace is None:
        return []
    mine, found = set(project.classes), []
    for name in projects.list_names(project.workspace):
        if name == project.name:
            continue
        other = projects.load(project.workspace, name)
        if not mine & set(other.classes):
            found.extend(other.sources())
    return found


def read_config(project: Project, where: str, raw) -> DistractorConfig | None:
    if raw is None or raw is False:
        return None
    if raw is True:
        raw = {}
    if not isinstance(raw, dict):
        raise UserError(f"{where} must be a mapping with count, folder, projects, shapes (project.yaml)")
    known_keys(where, raw, {"count", "folder", "projects", "shapes"})
    for key in ("projects", "shapes"):
        if not isinstance(raw.get(key, False), bool):
            raise UserError(f"{where}.{key} must be true or false; fix project.yaml")
    folder = image_folder(project, raw.get("folder", DEFAULT_FOLDER), f"{where}.folder",
                          required="folder" in raw)
    images = sorted(p for p in folder.iterdir() if is_image(p)) if folder else []
    if raw.get("projects", False):
        images += _other_sources(project)
    conf = DistractorConfig(whole_range(f"{where}.count", raw.get("count", [0, 2]), 0), tuple(images),
                            raw.get("shapes", True))
    if not conf.images and not conf.shapes and conf.count != (0, 0):   # a count of 0 asks for none
        raise UserError(f"{where}: no distractor images found and shapes is false; add images to "
                        f"{project.dir / DEFAULT_FOLDER} or set shapes: true (project.yaml)")
    return conf


class Distractors:
    """Draws one carrier's distractor images (untransformed PIL images; the scene scales them)."""

    def __init__(self, conf: DistractorConfig | None):
        self.conf = conf
        self._images: dict[Path, object] = {}

    def draw(self, rng: HashRandom) -> list:
        if self.conf is None:
            return []
        kinds = len(self.conf.images) + (1 if self.conf.shapes else 0)
        out = []
        for _ in range(rng.randint(*self.conf.count)):
            pick = rng.randint(0, kinds - 1)
            if pick < len(self.conf.images):
                path = self.conf.images[pick]
                if path not in self._images:
                    self._images[path] = open_image(path, "distractor image")
                out.append(self._images[path])
            else:
                out.append(shape(rng))
        return out


def shape(rng: HashRandom):
    """A generated RGBA shape: a disc, a ring, a bar, a triangle or a cross, in random colours."""
    from PIL import Image, ImageDraw

    side = rng.randint(*SHAPE_SIDE)
    big = side * 4  # drawn 4x larger, then downscaled: smooth edges as real icons have
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    color, line = rng.color() + (255,), rng.color() + (255,)
    kind = rng.randint(0, 4)
    if kind == 0:
        draw.ellipse((0, 0, big - 1, big - 1), fill=color)
    elif kind == 1:
        draw.ellipse((0, 0, big - 1, big - 1), outline=color, width=big // 6)
    elif kind == 2:
        draw.rounded_rectangle((0, big // 3, big - 1, 2 * big // 3), radius=big // 8, fill=color)
    elif kind == 3:
        draw.polygon(((big // 2, 0), (big - 1, big - 1), (0, big - 1)), fill=color, outline=line)
    else:
        draw.line((0, big // 2, big - 1, big // 2), fill=color, width=big // 5)
        draw.line((big // 2, 0, big // 2, big - 1), fill=color, width=big // 5)
    return im.resize((side, side), Image.Resampling.LANCZOS)


