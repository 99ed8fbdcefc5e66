"""lib/mix/icons.py: near-duplicate source icons in two projects are a warning, naming both files."""
from __future__ import annotations

import shutil

from dlimgmgr_tasks.lib.mix import icons, leakage
from dlimgmgr_tasks.lib.workspace import Workspace


def test_the_same_icon_in_two_projects_is_a_warning(repo):
    twin = repo.project("closetwin") / "master" / "sources"
    twin.mkdir(parents=True)
    shutil.copy(repo.project("close") / "master" / "sources" / "close.png", twin / "close.png")
    (repo.project("closetwin") / "project.yaml").write_text("classes: [close]\ncount: 1\nseed: 1\n")
    ws = Workspace.at(repo.path)
    lines = icons.near_duplicates(ws, ["close", "kanji", "closetwin"], leakage.NEAR)
    assert len(lines) == 1 and lines[0].startswith(
        "warning: projects/close/master/sources/close.png and projects/closetwin/master/sources/close.png look like one icon (0 of 64")
    assert icons.near_duplicates(ws, ["close", "kanji"], leakage.NEAR) == []   # 山 川 日 木 and an X differ
