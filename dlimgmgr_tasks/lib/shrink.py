"""Objects a profile switch shrinks below a useful size.

A build whose profile size differs from its carriers' resizes every output, boxes with it
(`--profile resnet34`: 400x400 carriers become 64x64, a 32 px icon about 5 px). No error, and the
detector learns nothing from such an object: the build warns, naming the project and the profile,
and suggests composing at that profile. The threshold is invoke.yaml dlimgmgr.build.min_object_px
(default 8 pixels on the shorter side of the box).
"""
from __future__ import annotations

from . import voc
from .errors import UserError

MIN_OBJECT_PX = 8


def min_object_px(ws) -> float:
    value = (ws.settings.get("build") or {}).get("min_object_px", MIN_OBJECT_PX)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise UserError(f"invoke.yaml: dlimgmgr.build.min_object_px must be a number >= 0 (got {value!r})")
    return float(value)


def shrink_warning(project, carriers) -> str | None:
    """One warning line when the profile's resize leaves objects of the carriers (image, xml)
    pairs smaller than min_object_px on a side; None when it does not (or nothing is resized)."""
    ws = project.workspace
    limit, (width, height) = min_object_px(ws), ws.profile.size
    small = total = 0
    smallest, sizes = None, set()
    for _, xml in carriers:
        try:
            ann = voc.read(xml)
        except voc.VocError:
            continue   # the build's own check names it
        if (ann.width, ann.height) == (width, height) or ann.width < 1 or ann.height < 1:
            continue
        sizes.add(f"{ann.width}x{ann.height}")
        sx, sy = width / ann.width, height / ann.height
        for obj in ann.objects:
            side = min((obj.xmax - obj.xmin + 1) * sx, (obj.ymax - obj.ymin + 1) * sy)
            total += 1
            if side < limit:
                small += 1
                smallest = side if smallest is None else min(smallest, side)
    if not small:
        return None
    return (f"{project.name}: profile {ws.profile.name} ({width}x{height}) resizes the {', '.join(sorted(sizes))} "
            f"carriers so that {small} of {total} object(s) are below {limit:g} px (the smallest {smallest:.1f} px), "
            f"too small to learn from; compose at that profile: inv dataaug.compose {project.name} --profile "
            f"{ws.profile.name} (threshold: invoke.yaml dlimgmgr.build.min_object_px)")
