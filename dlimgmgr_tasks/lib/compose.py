"""Compose master carriers: paste a project's source images onto backgrounds, with pre-labels.

``compose(project, size)`` makes ``compose.count`` carriers ``<name>_cNNN.jpg`` in
``projects/NAME/master/``, each with a Pascal VOC XML beside it. We know exactly where we
pasted, so the boxes are exact: for a source with alpha, the bounding box of the pixels pasted
(alpha >= ALPHA_MIN; fainter anti-aliasing fringe is dropped, not pasted, so nothing lies outside
the box); for a source without alpha, the pasted rectangle.

project.yaml, all keys optional::

    compose:
      count: 8                  # carriers to make
      placement: top-left       # top-left | top-right (as the original tool) | random | grid
      per_carrier: 1            # sources on one carrier (random and grid; never overlapping)
      margin: 0                 # pixels kept free at the carrier's edges and between sources
      scale: [1.0, 1.0]         # each pasted source is resized by a factor drawn in [lo, hi]
      background:
        colors: [[255, 255, 255], [125, 125, 125]]   # solid colours, used in turn
        # or images: master/backgrounds             # a folder relative to the project; cropped to size

Randomness comes from hashlib keyed by (project, seed, carrier number), never from Python's
``hash()`` or global state, so the same inputs give the same bytes on every machine.

Pre-label record: ``master/.prelabels.json`` maps each generated XML's stem to the sha256 of
the bytes compose wrote (``{"close_c000": "ab12..."}``, sorted, one JSON object). An XML whose
current sha256 differs from its record was changed by a person: compose never overwrites it
(nor its image) and reports it as kept. ``is_prelabel()`` answers the same question for other
features (labeling status, build warnings).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import voc
from .errors import UserError
from .files import atomic_write
from .hashing import sha256_bytes
from .projects import IMAGE_EXTS, Project, is_image

PLACEMENTS = ("top-left", "top-right", "random", "grid")
DEFAULT_COUNT = 8
MAX_COUNT = 999  # three-digit carrier numbers keep name order == number order
# White first (the original tool's base), then a few that make a detector look at the shape.
DEFAULT_COLORS = ((255, 255, 255), (235, 235, 235), (125, 125, 125), (40, 40, 40), (250, 235, 200))
PRELABELS = ".prelabels.json"
JPEG_OPTIONS = {"format": "JPEG", "quality": 95, "subsampling": 0}  # 4:4:4 keeps small icons' edges
RANDOM_TRIES = 200
# Alpha below this (6%) is resampling fringe nobody can see; it is not pasted and not boxed.
ALPHA_MIN = 16
_ALPHA_LUT = [0] * ALPHA_MIN + list(range(ALPHA_MIN, 256))


# ---------------------------------------------------------------- deterministic randomness

class HashRandom:
    """A tiny random stream from sha256_bytes(key, counter): stable across machines and Python versions."""

    def __init__(self, *key):
        self._key = ":".join(str(k) for k in key).encode()
        self._n = 0

    def random(self) -> float:
        digest = hashlib.sha256(self._key + b"#%d" % self._n).digest()
        self._n += 1
        return int.from_bytes(digest[:7], "big") / float(1 << 56)

    def randint(self, lo: int, hi: int) -> int:
        """A whole number in [lo, hi], both included."""
        return lo + min(int(self.random() * (hi - lo + 1)), hi - lo)

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.random()

    def sample(self, items: list, k: int) -> list:
        items = list(items)
        for i in range(k):  # partial Fisher-Yates
            j = self.randint(i, len(items) - 1)
            items[i], items[j] = items[j], items[i]
        return items[:k]


# ---------------------------------------------------------------- configuration

@dataclass(frozen=True)
class ComposeConfig:
    count: int = DEFAULT_COUNT
    placement: str = "top-left"
    per_carrier: int = 1
    margin: int = 0
    scale: tuple[float, float] = (1.0, 1.0)
    colors: tuple[tuple[int, int, int], ...] = DEFAULT_COLORS
    images: Path | None = None


def _whole(where: str, value, lo: int, hi: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < lo or (hi is not None and value > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
        raise UserError(f"{where} must be a whole number {bound} (got {value!r}); fix project.yaml")
    return value


def read_config(project: Project) -> ComposeConfig:
    """project.yaml's ``compose:`` section, validated; every problem names the key and the fix."""
    where = f"{project.yaml_path}: compose"
    raw = project.config.get("compose") or {}
    if not isinstance(raw, dict):
        raise UserError(f"{where} must be a mapping; fix project.yaml")
    known = {"count", "placement", "per_carrier", "margin", "scale", "background"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UserError(f"{where}: unknown key {unknown[0]!r}; use {', '.join(sorted(known))}")
    count = _whole(f"{where}.count", raw.get("count", DEFAULT_COUNT), 1, MAX_COUNT)
    placement = raw.get("placement", "top-left")
    if placement not in PLACEMENTS:
        raise UserError(f"{where}.placement {placement!r} is not one of {', '.join(PLACEMENTS)}; fix project.yaml")
    per_carrier = _whole(f"{where}.per_carrier", raw.get("per_carrier", 1), 1)
    if placement in ("top-left", "top-right") and per_carrier != 1:
        raise UserError(f"{where}.per_carrier is {per_carrier}, but placement {placement} holds one source; "
                        f"use placement random or grid for several")
    margin = _whole(f"{where}.margin", raw.get("margin", 0), 0)
    scale = raw.get("scale", [1.0, 1.0])
    if (not isinstance(scale, list) or len(scale) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in scale)
            or not 0 < scale[0] <= scale[1] or not all(math.isfinite(v) for v in scale)):
        raise UserError(f"{where}.scale must be [lo, hi] with 0 < lo <= hi (got {scale!r}); fix project.yaml")
    background = raw.get("background") or {}
    if not isinstance(background, dict) or set(background) - {"colors", "images"}:
        raise UserError(f"{where}.background must be a mapping with colors: [[r, g, b], ...] or images: FOLDER")
    if "colors" in background and "images" in background:
        raise UserError(f"{where}.background: give colors or images, not both")
    colors, images = DEFAULT_COLORS, None
    if "colors" in background:
        colors = background["colors"]
        if (not isinstance(colors, list) or not colors or not all(
                isinstance(c, list) and len(c) == 3
                and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in c)
                for c in colors)):
            raise UserError(f"{where}.background.colors must be a list of [r, g, b] with 0..255 "
                            f"(got {colors!r}); fix project.yaml")
        colors = tuple(tuple(c) for c in colors)
    if "images" in background:
        images = _background_dir(project, background["images"], f"{where}.background.images")
    return ComposeConfig(count, placement, per_carrier, margin, (float(scale[0]), float(scale[1])),
                         colors, images)


def _background_dir(project: Project, value, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where} must be a folder relative to {project.dir}")
    base = project.dir.resolve()
    path = (project.dir / value).resolve()
    if path != base and base not in path.parents:
        raise UserError(f"{where} {value!r} leaves the project folder; keep background images under {project.dir}")
    if not path.is_dir() or not any(is_image(p) for p in path.iterdir()):
        raise UserError(f"{where}: {project.dir / value} has no images ({', '.join(IMAGE_EXTS)}); add some "
                        f"or use colors")
    return path


# ---------------------------------------------------------------- images

@dataclass
class _Source:
    path: Path
    label: str
    image: object  # PIL.Image, RGBA when the file has transparency, else RGB


def _load_sources(project: Project) -> list[_Source]:
    from PIL import Image, UnidentifiedImageError

    paths = project.sources()
    if not paths:
        raise UserError(f"{project.sources_dir}: no source images (jpg/png); copy some in or use "
                        f"inv dlimgmgr.import DIR --project {project.name}")
    sources = []
    for path in paths:
        label = project.source_class(path)
        try:
            with Image.open(path) as im:
                im.load()
                alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
                image = im.convert("RGBA" if alpha else "RGB")
        except (OSError, UnidentifiedImageError, ValueError) as exc:
            raise UserError(f"{path}: not a readable image ({exc}); replace or remove it") from None
        if alpha and _visible_alpha(image).getbbox() is None:
            raise UserError(f"{path}: the image is fully transparent; nothing to paste")
        sources.append(_Source(path, label, image))
    return sources


def _visible_alpha(image):
    return image.getchannel("A").point(_ALPHA_LUT)


def _scaled(image, factor: float):
    from PIL import Image

    if factor == 1.0:
        return image
    w, h = image.size
    # Pillow resizes RGBA with premultiplied alpha, so edges do not pick up dark fringes.
    return image.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.LANCZOS)


def _check_fits(sources: list[_Source], conf: ComposeConfig, size: tuple[int, int]) -> tuple[int, int]:
    """The largest pasted source (at scale hi); a source that cannot fit is a UserError."""
    width, height = size
    hi = conf.scale[1]
    big_w = big_h = 0
    for src in sources:
        w, h = src.image.size
        sw, sh = max(1, round(w * hi)), max(1, round(h * hi))
        if sw + 2 * conf.margin > width or sh + 2 * conf.margin > height:
            at = f" (at scale {hi:g}: {sw}x{sh})" if hi != 1.0 else ""
            raise UserError(f"{src.path}: {w}x{h}{at} plus margin {conf.margin} does not fit the {width}x{height} "
                            f"carrier; use a smaller source, scale or margin, or a bigger profile")
        big_w, big_h = max(big_w, sw), max(big_h, sh)
    return big_w, big_h


def _grid(conf: ComposeConfig, size: tuple[int, int], cell: tuple[int, int]) -> tuple[int, int, int, int]:
    """cols, rows, cell width, cell height: cells hold the largest source plus a margin between them."""
    width, height = size
    cols = (width - conf.margin) // (cell[0] + conf.margin)
    rows = (height - conf.margin) // (cell[1] + conf.margin)
    return cols, rows, (width - conf.margin) // max(cols, 1), (height - conf.margin) // max(rows, 1)


def _positions(rng: HashRandom, conf: ComposeConfig, size: tuple[int, int], dims: list[tuple[int, int]],
               grid: tuple[int, int, int, int], carrier: str) -> list[tuple[int, int]]:
    width, height = size
    m = conf.margin
    if conf.placement == "top-left":
        return [(m, m)]
    if conf.placement == "top-right":
        return [(width - m - dims[0][0], m)]
    if conf.placement == "grid":
        cols, rows, cw, ch = grid
        cells = rng.sample([(c, r) for r in range(rows) for c in range(cols)], len(dims))
        out = []
        for (c, r), (w, h) in zip(cells, dims):
            # Each cell is cw x ch; its last `margin` pixels stay free, so neighbours never touch.
            x0, y0 = m + c * cw, m + r * ch
            out.append((x0 + rng.randint(0, cw - m - w), y0 + rng.randint(0, ch - m - h)))
        return out
    placed: list[tuple[int, int, int, int]] = []
    for w, h in dims:  # random: rejection sampling, deterministic because the stream is
        for _ in range(RANDOM_TRIES):
            x, y = rng.randint(m, width - m - w), rng.randint(m, height - m - h)
            if all(x + w + m <= px or px + pw + m <= x or y + h + m <= py or py + ph + m <= y
                   for px, py, pw, ph in placed):
                placed.append((x, y, w, h))
                break
        else:
            raise UserError(f"{carrier}: cannot place {len(dims)} sources on a {width}x{height} carrier without "
                            f"overlap; lower compose.per_carrier, scale or margin, or use placement grid")
    return [(x, y) for x, y, _, _ in placed]


def _background(rng: HashRandom, conf: ComposeConfig, size: tuple[int, int], index: int, cache: dict):
    from PIL import Image, ImageOps

    if conf.images is None:
        return Image.new("RGB", size, conf.colors[index % len(conf.colors)])
    files = cache.setdefault("files", sorted(p for p in conf.images.iterdir() if is_image(p)))
    path = files[index % len(files)]
    if path not in cache:
        try:
            with Image.open(path) as im:
                cache[path] = im.convert("RGB")
        except (OSError, ValueError) as exc:
            raise UserError(f"{path}: not a readable background image ({exc}); replace or remove it") from None
    # Cover the carrier, cropping at a seeded spot so backgrounds vary between carriers.
    return ImageOps.fit(cache[path], size, Image.Resampling.LANCZOS, centering=(rng.random(), rng.random()))


def render(project: Project, sources: list[_Source], conf: ComposeConfig, size: tuple[int, int], index: int,
           grid, cache: dict) -> tuple[bytes, voc.Annotation]:
    """Carrier number ``index``: its JPEG bytes and its pre-label annotation."""
    stem = carrier_stem(project.name, index)
    rng = HashRandom("compose", project.name, project.seed, index)
    canvas = _background(rng, conf, size, index, cache)
    # Sources in turn, so every source appears about equally often.
    chosen = [sources[(index * conf.per_carrier + j) % len(sources)] for j in range(conf.per_carrier)]
    images = [_scaled(s.image, rng.uniform(*conf.scale) if conf.scale[0] != conf.scale[1] else conf.scale[0])
              for s in chosen]
    positions = _positions(rng, conf, size, [im.size for im in images], grid, f"{project.master / stem}.jpg")
    objects = []
    for src, im, (x, y) in zip(chosen, images, positions):
        if im.mode == "RGBA":
            alpha = _visible_alpha(im)
            canvas.paste(im.convert("RGB"), (x, y), mask=alpha)
            x0, y0, x1, y1 = alpha.getbbox()
        else:
            canvas.paste(im, (x, y))
            x0, y0, x1, y1 = 0, 0, im.width, im.height
        objects.append(voc.VocObject.from_edges(src.label, x + x0, y + y0, x + x1, y + y1))
    buf = io.BytesIO()
    canvas.save(buf, **JPEG_OPTIONS)
    ann = voc.Annotation(filename=f"{stem}.jpg", width=size[0], height=size[1], depth=3,
                         objects=objects, folder="master")
    return buf.getvalue(), ann


# ---------------------------------------------------------------- files

def carrier_stem(name: str, index: int) -> str:
    return f"{name}_c{index:03d}"


def prelabels_path(project: Project) -> Path:
    return project.master / PRELABELS


def read_prelabels(project: Project) -> dict[str, str]:
    """stem -> sha256 of the XML compose wrote; {} when there is no record."""
    path = prelabels_path(project)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path}: not valid JSON; restore it from git, or delete it (compose then keeps "
                        f"every existing XML as if a person had edited it)") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UserError(f"{path}: expected an object of stem -> sha256; restore it from git")
    return data


def write_prelabels(project: Project, record: dict[str, str]) -> None:
    data = (json.dumps(dict(sorted(record.items())), indent=2) + "\n").encode()
    path = prelabels_path(project)
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def is_prelabel(project: Project, xml_path: Path, record: dict[str, str] | None = None) -> bool:
    """True when the XML is still exactly what compose wrote (nobody has changed it)."""
    record = read_prelabels(project) if record is None else record
    xml_path = Path(xml_path)
    expected = record.get(xml_path.stem)
    return expected is not None and xml_path.is_file() and sha256_bytes(xml_path.read_bytes()) == expected


@dataclass
class ComposeResult:
    """Carrier images, by what compose did with them."""
    project: str
    size: tuple[int, int]
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)     # XML edited by a person: left alone
    removed: list[Path] = field(default_factory=list)  # unedited carriers beyond compose.count

    def summary(self) -> str:
        line = (f"{self.project}: {len(self.written) + len(self.unchanged) + len(self.kept)} carriers "
                f"{self.size[0]}x{self.size[1]}: {len(self.written)} written, {len(self.unchanged)} unchanged")
        if self.kept:
            line += f", {len(self.kept)} kept (edited by a person: {', '.join(p.name for p in self.kept)})"
        if self.removed:
            line += f", {len(self.removed)} removed (beyond compose.count)"
        return line


def compose(project: Project, size: tuple[int, int] = (400, 400)) -> ComposeResult:
    """Make the project's carriers and pre-labels in its master folder; only changed bytes are written."""
    size = (int(size[0]), int(size[1]))
    conf = read_config(project)
    sources = _load_sources(project)
    cell = _check_fits(sources, conf, size)
    grid = None
    if conf.placement == "grid":
        grid = _grid(conf, size, cell)
        if conf.per_carrier > grid[0] * grid[1]:
            raise UserError(f"{project.yaml_path}: compose.per_carrier {conf.per_carrier} is more than fit: a "
                            f"{size[0]}x{size[1]} carrier holds a {grid[0]}x{grid[1]} grid of {cell[0]}x{cell[1]} "
                            f"sources with margin {conf.margin}; lower per_carrier, scale or margin")
    record = read_prelabels(project)
    project.master.mkdir(parents=True, exist_ok=True)
    result = ComposeResult(project.name, size)
    cache: dict = {}
    for index in range(conf.count):
        stem = carrier_stem(project.name, index)
        image_path, xml_path = project.master / f"{stem}.jpg", project.master / f"{stem}.xml"
        jpeg, ann = render(project, sources, conf, size, index, grid, cache)
        xml = voc.dumps(ann)
        current = xml_path.read_bytes() if xml_path.is_file() else None
        if current is not None and current != xml and not (stem in record and sha256_bytes(current) == record[stem]):
            result.kept.append(image_path)  # a person's labels: neither the XML nor its image is touched
            continue
        changed = False
        if not image_path.is_file() or image_path.read_bytes() != jpeg:
            atomic_write(image_path, jpeg)
            changed = True
        if current != xml:
            atomic_write(xml_path, xml)
            changed = True
        record[stem] = sha256_bytes(xml)
        (result.written if changed else result.unchanged).append(image_path)
    _remove_extra(project, conf.count, record, result)
    write_prelabels(project, record)
    return result


def _remove_extra(project: Project, count: int, record: dict[str, str], result: ComposeResult) -> None:
    """Carriers numbered past compose.count that nobody edited are stale generated files."""
    pattern = re.compile(rf"{re.escape(project.name)}_c(\d{{3}})")
    for stem in sorted(record):
        match = pattern.fullmatch(stem)
        if not match or int(match.group(1)) < count:
            continue
        xml_path = project.master / f"{stem}.xml"
        if xml_path.is_file() and not is_prelabel(project, xml_path, record):
            continue  # edited by a person: theirs to delete
        image_path = project.master / f"{stem}.jpg"
        image_path.unlink(missing_ok=True)
        xml_path.unlink(missing_ok=True)
        del record[stem]
        result.removed.append(image_path)
