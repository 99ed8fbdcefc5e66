"""lib/compose/config.py: project.yaml's compose: section read into a ComposeConfig."""
import pytest

from dlimgmgr_tasks.lib.compose import config
from dlimgmgr_tasks.lib.errors import UserError


def test_no_compose_section_gives_the_defaults(make_project):
    conf = config.read_config(make_project())
    assert conf == config.ComposeConfig()
    assert conf.carriers == config.DEFAULT_COUNT and conf.placement == {"top-left": 1.0}
    assert conf.distractors is None and conf.background.generated == 1.0


def test_every_key_is_read(make_project, jpeg):
    project = make_project(classes=["close", "open"], compose={
        "count": 5, "placement": {"anywhere": 0.5, "edge": 0.5}, "per_carrier": [1, 3], "margin": 2,
        "scale": {"px": [16, 32]}, "rotate": [-10, 10], "flip": {"horizontal": ["close"], "vertical": ["close"]},
        "overlap": 0.3, "max_hidden": 0.4, "min_visible": 0.6, "blend": ["none", "poisson"],
        "background": {"colors": [[1, 2, 3]]}, "distractors": {"count": 1, "shapes": True}, "negatives": 0.1})
    conf = config.read_config(project)
    assert conf.count == 5 and conf.carriers == 10 and conf.blends == ("none", "poisson")
    assert conf.scale == (16.0, 32.0) and conf.scale_px and conf.rotate == (-10.0, 10.0)
    assert conf.flips == {"close": ("horizontal", "vertical")} and conf.per_carrier == (1, 3)
    assert conf.background.colors == ((1, 2, 3),) and conf.background.generated == 0.0
    assert conf.distractors.count == (1, 1) and conf.negatives == 0.1
    weighted = config.read_config(make_project("w", compose={"blend": {"none": 1, "gaussian": 2}}))
    assert weighted.blends == ("none",) and weighted.blend_weights == {"none": 1.0, "gaussian": 2.0}


@pytest.mark.parametrize("compose, message", [
    ({"colour": 1}, "unknown key 'colour'"),
    ({"count": 0}, "compose.count must be a whole number between 1 and 999"),
    ({"placement": "top-left", "per_carrier": 2}, "placement top-left holds one source"),
    ({"blend": ["none", "none"]}, "compose.blend must be one of none, gaussian, motion, poisson"),
    ({"count": 500, "blend": ["none", "gaussian"]}, "passes 999 carriers"),
    ({"scale": {"px": [1, 2], "relative": [1, 2]}}, "compose.scale must be"),
    ({"flip": {"horizontal": ["nope"]}}, "compose.flip.horizontal must list classes of this project (close)"),
    ({"flip": {"diagonal": ["close"]}}, "compose.flip must map horizontal/vertical"),
    ([1], "compose must be a mapping"),
])
def test_refusals_name_the_key(make_project, compose, message):
    project = make_project(compose={})
    project.config["compose"] = compose
    with pytest.raises(UserError) as err:
        config.read_config(project)
    assert message in str(err.value) and str(project.yaml_path) in str(err.value)
