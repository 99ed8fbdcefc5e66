"""migrate.keras: a legacy daug.py read with `ast` (never run), its steps mapped through the one
table; README.md's table is rendered from it. (Moved from tests/cli/dlimgmgr/test_migrate.py: in-process.)"""
from __future__ import annotations

import re
from pathlib import Path

from dlimgmgr_tasks.lib import augment
from dlimgmgr_tasks.lib.migrate import keras
from tests.helpers.repo import ROOT


def test_readme_table_is_the_code_table():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- migrate-table[^\n]*-->\n(.*?)<!-- /migrate-table -->", text, re.S)
    assert block and block.group(1) == keras.table_markdown()
    for name in keras.STEPS:
        assert f"`gen.{name}()`" in block.group(1)


def test_every_mapped_step_is_a_valid_recipe():
    """Each table row's recipe step, filled in, is a step the build accepts."""
    steps = [keras.recipe_step(leaf, 125, (32, 32), 0.5) for leaf in keras.STEPS if not keras.STEPS[leaf].calls]
    recipe = augment.parse_recipe({"steps": [{"OneOf": {"p": 1.0, "steps": steps}}]}, "test")
    assert recipe is not None
    assert keras.expand("suite") == ["height", "zoom", "brightness"] + ["mix"] * 6


def test_daug_is_read_never_run(tmp_path):
    daug = tmp_path / "daug.py"
    daug.write_text("open('PWNED', 'w').write('x')\nimport os\nos.system('touch PWNED2')\n"
                    "g = DataAugmentationGenerator(image_file_path=p, cval=255, mode='ru', fancy=1, "
                    "base_img_size=(64, 64))\n"
                    "g.suite()\ng.mix(3)\ng.warp()\nparser.add_argument('x')\n")
    mapped = keras.read_daug(daug, "p/daug.py")
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED2").exists()
    assert (mapped.cval, mapped.mode, mapped.calls) == (255, "ru", [(5, "suite")])
    assert mapped.images == 9 * 99
    assert mapped.unmapped == [
        "p/daug.py:4: DataAugmentationGenerator(fancy=1): not in the mapping table; left out",
        "p/daug.py:6: g.mix(3): takes arguments the table does not know; left out",
        "p/daug.py:7: g.warp(): not in the mapping table; left out"]
    assert any("base_img_size" in n and "profile decides" in n for n in mapped.notes)
    broken = tmp_path / "broken.py"
    broken.write_text("gen = (\n")
    assert "not valid Python" in keras.read_daug(broken, "b.py").unmapped[0]


def test_a_missing_daug_is_a_note_and_recipe_steps_fill_their_placeholders(tmp_path):
    mapped = keras.read_daug(None, "p/daug.py")
    assert mapped.notes == ["p/daug.py: missing; nothing to map"] and mapped.images == 0
    assert keras.recipe_step("mix", 200, (40, 21), 3)["Affine"]["translate_px"] == {"x": [-4, 4], "y": [-2, 2]}
    assert keras.recipe_step("rotation", 200, (40, 21), 3) == {"Affine": {"rotate": [-5, 5], "fill": 200, "p": 3}}
    daug = tmp_path / "daug.py"
    daug.write_text("x = 1\n")
    assert keras.read_daug(daug, "d.py").unmapped == [
        "d.py:1: no DataAugmentationGenerator(...) assigned to a name; nothing mapped"]
