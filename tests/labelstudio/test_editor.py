"""After a push, Label Studio's editor (headless Chromium, logged in) shows the task with its pre-label.

The screenshot is kept as labelstudio-editor.png in the test's tmp folder for a person to look at.
"""
from __future__ import annotations

import pytest
from PIL import Image, ImageStat

from tests.helpers import chromium
from tests.helpers.cdp import Browser
from tests.helpers.labelstudio import Person, studio_repo

# The first test to use the server waits for its start (a minute or more on 2 busy cores).
pytestmark = pytest.mark.timeout(900)

NAME = "lsshot"


@pytest.mark.skipif(chromium.missing() is not None, reason=str(chromium.missing()))
def test_the_editor_shows_the_pushed_carrier_with_its_pre_label(label_studio, tmp_path):
    repo = studio_repo(label_studio, tmp_path, NAME, sample="close")
    repo.inv("imglabeling.push", NAME, check=True)
    person = Person(label_studio, NAME)
    task = person.task("close_c000")
    browser = Browser(tmp_path / "profile")
    try:
        shot = browser.screenshot(person.remote.page(task["id"]), label_studio.cookies(), tmp_path / "labelstudio-editor.png",
                                  until="document.querySelector('canvas') && document.body.innerText.includes('Regions')")
        text = browser.call("Runtime.evaluate", expression="document.body.innerText", returnByValue=True)
    finally:
        browser.close()
    shown = text["result"]["value"]
    assert f"dlimgmgr {NAME}" in shown and "close" in shown.split("Regions", 1)[1], shown[-500:]
    with Image.open(shot) as im:
        assert im.size[0] >= 1000 and max(ImageStat.Stat(im.convert("L")).stddev) > 20   # not a blank page
