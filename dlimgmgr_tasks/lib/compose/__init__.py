"""Compose master carriers: paste a project's sources onto backgrounds, with exact pre-labels.

``compose(project, size)`` makes the carriers ``<name>_cNNN.jpg`` in ``projects/NAME/master/``,
each with a Pascal VOC XML beside it (none objects for a negative carrier). Because compose knows
what it pasted, every box is the bbox of the object's visible pasted pixels (alpha >= ALPHA_MIN),
after frame truncation and occlusion by later objects, in every blend mode.

Modules, one concept each: ``config`` (project.yaml's compose: section), ``values`` (its
validators), ``rand`` (the seeded stream), ``transform`` (sources, scale/flip/rotate, the mask),
``placement`` (modes and overlap), ``blending`` (none/gaussian/motion/poisson), ``backgrounds``,
``distractors`` (and negatives), ``scene`` (plan once, render per blend mode, boxes),
and ``verb`` (compose itself); the record of what compose wrote is ``lib.prelabels`` (labeling
and the build read it without importing compose).
"""
from .config import BLENDS, PLACEMENTS, ComposeConfig, read_config
from ..prelabels import PRELABELS, is_prelabel, prelabels_path, read_prelabels, write_prelabels
from .rand import HashRandom
from .scene import JPEG_OPTIONS, Composer, Rendered, carrier_stem
from .transform import ALPHA_MIN
from .verb import ComposeResult, compose, composer

__all__ = ["ALPHA_MIN", "BLENDS", "JPEG_OPTIONS", "PLACEMENTS", "PRELABELS", "ComposeConfig", "ComposeResult",
           "Composer", "HashRandom", "Rendered", "carrier_stem", "compose", "composer", "is_prelabel",
           "prelabels_path", "read_config", "read_prelabels", "write_prelabels"]
