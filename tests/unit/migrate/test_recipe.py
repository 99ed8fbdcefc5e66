"""lib/migrate/recipe.py: a planned project's project.yaml, from its mapped daug.py calls."""
import yaml

from dlimgmgr_tasks.lib.migrate import recipe
from dlimgmgr_tasks.lib.migrate.legacy import read_repo
from dlimgmgr_tasks.lib.migrate.plan import Options, make_plan


def test_one_oneof_weighted_by_the_images_each_step_wrote(ws, legacy):
    close, moji = make_plan(ws, read_repo(legacy), Options())
    steps = recipe.recipe_steps(close)
    (oneof,) = steps
    branches = oneof["OneOf"]["steps"]
    assert len(branches) == 3 and oneof["OneOf"]["p"] == 1.0
    assert [round(next(iter(b.values()))["p"], 3) for b in branches] == [0.333, 0.333, 0.333]
    (single,) = recipe.recipe_steps(moji)
    assert "Affine" in single and single["Affine"]["p"] == 1.0            # one call: no OneOf


def test_yaml_text_is_valid_and_commented(ws, legacy):
    close, _ = make_plan(ws, read_repo(legacy), Options())
    text = recipe.yaml_text(close, Options())
    data = yaml.safe_load(text)
    assert data["classes"] == ["close"] and data["count"] == close.count
    assert data["compose"]["placement"] == {"top-left": 0.667, "top-right": 0.333}
    assert data["compose"]["background"] == {"colors": [recipe.WHITE]}
    assert "# height()" in text and text.startswith("# Project close, migrated from dl_image_manager")
    # --modernize: busy generated backgrounds instead of the original's white base.
    assert recipe.compose_settings(close, Options(modernize=True))["background"] == {"generated": 0.6}
    assert recipe.compose_settings(close, Options(carriers=3))["count"] == 3
