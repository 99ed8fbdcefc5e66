"""project.yaml's ``compose:`` section, read into a ComposeConfig (every key is optional).

::

    compose:
      count: 8                   # scenes (carriers = count x the blend list's length)
      placement: {top-right: 0.4, anywhere: 0.4, edge: 0.2}   # or one mode name
      per_carrier: [1, 3]        # objects per carrier: n, or [lo, hi]
      margin: 0                  # pixels kept free at the edges (and between objects when overlap is 0)
      scale: [0.5, 3.0]          # log-uniform factor on the source; or {px: [24, 96]}: longer side in pixels
      rotate: [-15, 15]          # degrees, uniform
      flip: {horizontal: [close]}  # classes that may be mirrored (p 0.5 each way listed)
      overlap: 0.3               # at most this share of the smaller box may be covered (0: never touch)
      max_hidden: 0.5            # an object hidden beyond this share of its pixels gets difficult 1
      min_visible: 0.5           # edge: at least this share of the object stays in the frame
      blend: none                # none | gaussian | motion | poisson; a list renders each scene once per mode;
                                 # weights ({none: 1, gaussian: 2}) pick one mode per object
      background: {images: master/backgrounds, generated: 0.3}   # or colors: [[r, g, b], ...]
      distractors: {count: [0, 2], folder: master/distractors, projects: true, shapes: true}
      negatives: 0.08            # share of carriers with no object at all
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UserError
from ..projects import Project
from . import backgrounds, distractors
from .values import known_keys, number_range, share, weights, whole, whole_range

PLACEMENTS = ("top-left", "top-right", "random", "grid", "anywhere", "edge")
CORNERS = ("top-left", "top-right")
BLENDS = ("none", "gaussian", "motion", "poisson")
FLIPS = ("horizontal", "vertical")
DEFAULT_COUNT = 8
MAX_COUNT = 999  # three-digit carrier numbers keep name order == number order
KEYS = {"count", "placement", "per_carrier", "margin", "scale", "rotate", "flip", "overlap", "max_hidden",
        "min_visible", "blend", "background", "distractors", "negatives"}


@dataclass(frozen=True)
class ComposeConfig:
    count: int = DEFAULT_COUNT
    placement: dict = field(default_factory=lambda: {"top-left": 1.0})
    per_carrier: tuple[int, int] = (1, 1)
    margin: int = 0
    scale: tuple[float, float] = (1.0, 1.0)
    scale_px: bool = False
    rotate: tuple[float, float] = (0.0, 0.0)
    flips: dict = field(default_factory=dict)          # class -> ("horizontal", ...)
    overlap: float = 0.0
    max_hidden: float = 0.5
    min_visible: float = 0.5
    blends: tuple[str, ...] = ("none",)                # one scene rendered once per mode
    blend_weights: dict | None = None                  # or: one mode per object, by weight
    background: backgrounds.BackgroundConfig = field(default_factory=backgrounds.BackgroundConfig)
    distractors: distractors.DistractorConfig | None = None
    negatives: float = 0.0

    @property
    def carriers(self) -> int:
        return self.count * len(self.blends)


def _blend(where: str, value) -> tuple[tuple[str, ...], dict | None]:
    if isinstance(value, dict):
        return ("none",), weights(where, value, BLENDS)
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or any(n not in BLENDS for n in names) or len(set(names)) < len(names):
        raise UserError(f"{where} must be one of {', '.join(BLENDS)}, a list of them (each once) or weights "
                        f"(got {value!r}); fix project.yaml")
    return tuple(names), None


def _flips(project: Project, where: str, value) -> dict:
    if not isinstance(value, dict) or set(value) - set(FLIPS):
        raise UserError(f"{where} must map horizontal/vertical to a list of classes (got {value!r}); fix project.yaml")
    flips: dict[str, tuple[str, ...]] = {}
    for axis, classes in value.items():
        if not isinstance(classes, list) or any(c not in project.classes for c in classes):
            raise UserError(f"{where}.{axis} must list classes of this project ({', '.join(project.classes)}); "
                            f"fix project.yaml")
        for name in classes:
            flips[name] = flips.get(name, ()) + (axis,)
    return flips


def _scale(where: str, value) -> tuple[tuple[float, float], bool]:
    if isinstance(value, dict):
        if set(value) not in ({"px"}, {"relative"}):
            raise UserError(f"{where} must be [lo, hi], {{relative: [lo, hi]}} or {{px: [lo, hi]}}; fix project.yaml")
        (kind, rng), = value.items()
        return number_range(f"{where}.{kind}", rng), kind == "px"
    return number_range(where, value), False


def read_config(project: Project) -> ComposeConfig:
    """project.yaml's ``compose:`` section, validated; every problem names the key and the fix."""
    where = f"{project.yaml_path}: compose"
    raw = project.config.get("compose") or {}
    if not isinstance(raw, dict):
        raise UserError(f"{where} must be a mapping; fix project.yaml")
    known_keys(where, raw, KEYS)
    count = whole(f"{where}.count", raw.get("count", DEFAULT_COUNT), 1, MAX_COUNT)
    placement = weights(f"{where}.placement", raw.get("placement", "top-left"), PLACEMENTS)
    per_carrier = whole_range(f"{where}.per_carrier", raw.get("per_carrier", 1), 1)
    if set(placement) <= set(CORNERS) and len(placement) == 1 and per_carrier != (1, 1):
        raise UserError(f"{where}.per_carrier is {raw.get('per_carrier')}, but placement {next(iter(placement))} "
                        f"holds one source; use placement random, grid or anywhere for several (project.yaml)")
    scale, scale_px = _scale(f"{where}.scale", raw.get("scale", [1.0, 1.0]))
    blends, blend_weights = _blend(f"{where}.blend", raw.get("blend", "none"))
    if count * len(blends) > MAX_COUNT:
        raise UserError(f"{where}: count {count} x {len(blends)} blend modes passes {MAX_COUNT} carriers; "
                        f"lower count (project.yaml)")
    return ComposeConfig(
        count=count, placement=placement, per_carrier=per_carrier,
        margin=whole(f"{where}.margin", raw.get("margin", 0), 0),
        scale=scale, scale_px=scale_px,
        rotate=number_range(f"{where}.rotate", raw.get("rotate", [0, 0]), positive=False),
        flips=_flips(project, f"{where}.flip", raw.get("flip") or {}),
        overlap=share(f"{where}.overlap", raw.get("overlap"), 0.0),
        max_hidden=share(f"{where}.max_hidden", raw.get("max_hidden"), 0.5),
        min_visible=share(f"{where}.min_visible", raw.get("min_visible"), 0.5),
        blends=blends, blend_weights=blend_weights,
        background=backgrounds.read_config(project, f"{where}.background", raw.get("background")),
        distractors=distractors.read_config(project, f"{where}.distractors", raw.get("distractors")),
        negatives=share(f"{where}.negatives", raw.get("negatives"), 0.0))
