"""dl_image_manager's daug.py, read with `ast` (never run): its Keras steps mapped to compose and recipe settings.

A legacy daug.py builds one ``DataAugmentationGenerator(image_file_path=..., cval=125, mode="ru")``
and calls its steps (``gen.height()``, ``gen.mix6()``, ...). Each step ran Keras'
ImageDataGenerator on the hand-cut icon alone and wrote 99 images (``show_and_save``'s
``count_max=98``), each icon then pasted at the top-left (``lu``) or top-right (``ru``) of a white
base. Steps were alternatives, not a chain: each image came from exactly one step. So the recipe
is a ``OneOf`` over the steps, weighted by the images each wrote, and ``count`` keeps the total.

``STEPS`` is the one mapping table: README.md's table is rendered from it (``table_markdown``)
and a test holds the two equal.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

IMAGES_PER_CALL = 99        # show_and_save(count_max=98) stops after image index 98
DEFAULT_CVAL = 125          # DataAugmentationGenerator's cval default
CVAL, SHIFT_X, SHIFT_Y = "$cval", "$shift_x", "$shift_y"   # filled in per project (shift: 10% of the icon)
ZOOM = [0.77, 1.43]         # Keras zoom_range [0.7, 1.3] scales content by 1/z: 1/1.3 .. 1/0.7


@dataclass(frozen=True)
class Step:
    """One known DataAugmentationGenerator method: Keras' parameters and their nearest settings here."""
    keras: str
    recipe: dict | None = None       # one albumentations step (fill and shifts as placeholders)
    compose: dict = field(default_factory=dict)
    differences: str = ""
    calls: tuple[str, ...] = ()      # a composite step: the methods it calls, in order


STEPS: dict[str, Step] = {
    "rotation": Step(
        "rotation_range=5 (fill_mode nearest)",
        {"Affine": {"rotate": [-5, 5], "fill": CVAL}}, {"rotate": [-5, 5]},
        "Keras turned the icon inside its own square and filled the corners with the nearest pixels; compose "
        "turns the pasted icon (box = the turned pixels), the recipe turns the whole carrier, filled with cval"),
    "height": Step(
        "height_shift_range=5 (px), fill constant cval",
        {"Affine": {"translate_px": {"x": 0, "y": [-5, 5]}, "fill": CVAL}}, {},
        "Keras shifted the icon inside its own square (its edge cut off, the pasted corner and box unchanged); "
        "the recipe shifts the whole carrier and the box follows"),
    "zoom": Step(
        "zoom_range=[0.7, 1.3], fill constant cval",
        {"Affine": {"scale": {"x": ZOOM, "y": ZOOM}, "keep_ratio": False, "fill": CVAL}}, {"scale": ZOOM},
        "Keras zoomed x and y apart inside the icon's square (z < 1 enlarges: content scale 1/z), cropping or "
        "padding it; compose pastes the icon at 0.77-1.43 of its size, the recipe zooms the whole carrier "
        "about its centre, so a corner icon moves too, and above 1 partly out of the frame: such an output is "
        "drawn again (redraw_lost), after 10 tries left out"),
    "brightness": Step(
        "brightness_range=[0.1, 0.5] (pixel values x 0.1-0.5)",
        {"ColorJitter": {"brightness": [0.1, 0.5], "contrast": 0, "saturation": 0, "hue": 0}}, {},
        "the same factor, but Keras darkened the icon only (the white base stayed white); ColorJitter darkens "
        "the whole carrier"),
    "mix": Step(
        "rotation_range=0.5, width_shift_range=0.1, height_shift_range=0.1, zoom_range=[0.7, 1.3], fill cval",
        {"Affine": {"rotate": [-0.5, 0.5], "translate_px": {"x": SHIFT_X, "y": SHIFT_Y},
                    "scale": {"x": ZOOM, "y": ZOOM}, "keep_ratio": False, "fill": CVAL}},
        {"scale": ZOOM},
        "shifts were 10% of the icon's side; the recipe shifts the carrier by the same pixels; rotation and "
        "zoom as for zoom() and rotation()"),
    "mix6": Step("mix() six times", calls=("mix",) * 6),
    "suite": Step("height(), zoom(), brightness(), mix6()", calls=("height", "zoom", "brightness", "mix6")),
}
# DataAugmentationGenerator(...) keywords: mapped, ignored with a reason, or plumbing of the old layout.
CONSTRUCTOR = {
    "cval": "fill of every geometric step (the original's grey 125 by default)",
    "mode": "compose placement: lu = top-left, ru = top-right",
    "base_img_size": "ignored: the original overrode it with DL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE; "
                     "the profile decides the size",
    "base_img_color": "ignored: the original always pasted on white (255); compose background colors",
}
PLUMBING = {"image_file_path", "save_dir", "save_file_prefix", "show_image"}


def expand(method: str) -> list[str]:
    """A method's leaf steps, one per 99-image batch it wrote: mix6 -> six times mix."""
    step = STEPS[method]
    return [leaf for call in step.calls for leaf in expand(call)] if step.calls else [method]


@dataclass
class Mapped:
    """One project's daug.py, read: which steps ran (leaf names, with the line that called them)."""
    file: Path | None
    cval: int = DEFAULT_CVAL
    mode: str = "lu"
    calls: list[tuple[int, str]] = field(default_factory=list)     # (line, method) as written
    unmapped: list[str] = field(default_factory=list)              # "file:line: what; why"
    notes: list[str] = field(default_factory=list)

    @property
    def leaves(self) -> list[str]:
        return [leaf for _, method in self.calls for leaf in expand(method)]

    @property
    def images(self) -> int:
        return IMAGES_PER_CALL * len(self.leaves)


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ast.unparse(node)  # not a literal: shown as written, never evaluated


def read_daug(path: Path | None, shown: str) -> Mapped:
    """Map a daug.py (``shown``: how reports name it, e.g. projects/close/data_augmentation/daug.py)."""
    result = Mapped(path)
    if path is None or not path.is_file():
        result.notes.append(f"{shown}: missing; nothing to map")
        return result
    try:
        tree = ast.parse(path.read_bytes(), filename=shown)
    except (SyntaxError, ValueError) as exc:
        result.unmapped.append(f"{shown}:{getattr(exc, 'lineno', 0) or 0}: not valid Python ({exc.msg if hasattr(exc, 'msg') else exc}); nothing mapped")
        return result
    generators = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_generator(node.value):
            generators |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            _constructor(node.value, result, shown)
    if not generators:
        result.unmapped.append(f"{shown}:1: no DataAugmentationGenerator(...) assigned to a name; nothing mapped")
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset)):
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in generators):
            continue
        if func.attr in STEPS and not node.args and not node.keywords:
            result.calls.append((node.lineno, func.attr))
        else:
            why = "takes arguments the table does not know" if func.attr in STEPS else "not in the mapping table"
            result.unmapped.append(f"{shown}:{node.lineno}: {ast.unparse(node)}: {why}; left out")
    return result


def _is_generator(node) -> bool:
    return isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "DataAugmentationGenerator"
                                           or getattr(node.func, "attr", None) == "DataAugmentationGenerator")


def _constructor(call: ast.Call, result: Mapped, shown: str) -> None:
    for kw in call.keywords:
        value = _literal(kw.value)
        if kw.arg == "cval" and isinstance(value, int) and 0 <= value <= 255:
            result.cval = value
        elif kw.arg == "mode" and value in ("lu", "ru"):
            result.mode = value
        elif kw.arg in ("base_img_size", "base_img_color"):
            result.notes.append(f"{shown}:{kw.value.lineno}: {kw.arg}={ast.unparse(kw.value)} "
                                f"{CONSTRUCTOR[kw.arg]}")
        elif kw.arg not in PLUMBING:
            result.unmapped.append(f"{shown}:{kw.value.lineno}: DataAugmentationGenerator({kw.arg}="
                                   f"{ast.unparse(kw.value)}): not in the mapping table; left out")


def recipe_step(leaf: str, cval: int, icon: tuple[int, int], weight: int) -> dict:
    """The albumentations step of one leaf, its placeholders filled, `p` = its weight in the OneOf."""
    shift = {SHIFT_X: _shift(icon[0]), SHIFT_Y: _shift(icon[1]), CVAL: cval}

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return shift.get(value, value) if isinstance(value, str) else value

    (name, kwargs), = STEPS[leaf].recipe.items()
    return {name: {**fill(kwargs), "p": weight}}


def _shift(side: int) -> list[int]:
    px = max(1, round(0.1 * side))
    return [-px, px]


def table_markdown() -> str:
    """The README's mapping table, rendered from STEPS and CONSTRUCTOR."""
    import json

    def show(value) -> str:
        return json.dumps(value, ensure_ascii=False).replace('"', "") if value else "-"

    rows = ["| daug.py | Keras | compose | recipe (albumentations 2.0.8) | known differences |",
            "|---|---|---|---|---|"]
    for name, step in STEPS.items():
        if step.calls:
            rows.append(f"| `gen.{name}()` | {step.keras} | its steps' | its steps', each a OneOf branch | "
                        f"each call wrote 99 images: the branch weights |")
            continue
        recipe = show(step.recipe).replace(CVAL, "cval").replace(SHIFT_X, "±10% icon width") \
            .replace(SHIFT_Y, "±10% icon height")
        rows.append(f"| `gen.{name}()` | {step.keras} | {show(step.compose)} | {recipe} | {step.differences} |")
    for kw, what in CONSTRUCTOR.items():
        rows.append(f"| `DataAugmentationGenerator({kw}=...)` | - | - | - | {what} |")
    return "\n".join(rows) + "\n"
