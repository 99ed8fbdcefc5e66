"""lib/compose/distractors.py: images and shapes pasted without a box."""
import pytest

from dlimgmgr_tasks.lib.compose import distractors
from dlimgmgr_tasks.lib.compose.rand import HashRandom
from dlimgmgr_tasks.lib.errors import UserError


def test_config(make_project, png):
    project = make_project()
    assert distractors.read_config(project, "d", None) is None and distractors.read_config(project, "d", False) is None
    assert distractors.read_config(project, "d", True) == distractors.DistractorConfig()
    png(project.master / "distractors" / "x.png")
    conf = distractors.read_config(project, "d", {"count": [1, 3], "shapes": False})
    assert conf.count == (1, 3) and [p.name for p in conf.images] == ["x.png"] and not conf.shapes
    with pytest.raises(UserError, match="d.shapes must be true or false"):
        distractors.read_config(project, "d", {"shapes": "yes"})


def test_no_images_and_no_shapes_is_refused(make_project):
    with pytest.raises(UserError, match="no distractor images found and shapes is false"):
        distractors.read_config(make_project(), "d", {"shapes": False})


def test_other_projects_sources_only_when_their_classes_differ(make_project, png):
    mine = make_project("close", classes=["close"])
    png(make_project("kanji", classes=["ka"]).sources_dir / "ka.png")
    png(make_project("close2", classes=["close"]).sources_dir / "close.png")
    conf = distractors.read_config(mine, "d", {"projects": True, "shapes": False})
    assert [p.parent.parent.parent.name for p in conf.images] == ["kanji"]


def test_draw_and_shape(tmp_path, png):
    conf = distractors.DistractorConfig(count=(3, 3), images=(png(tmp_path / "x.png", size=(9, 9)),), shapes=True)
    drawn = distractors.Distractors(conf).draw(HashRandom("d"))
    assert len(drawn) == 3 and all(im.mode == "RGBA" for im in drawn)
    assert distractors.Distractors(None).draw(HashRandom("d")) == []
    shape = distractors.shape(HashRandom("s"))
    lo, hi = distractors.SHAPE_SIDE
    assert shape.mode == "RGBA" and lo <= shape.size[0] == shape.size[1] <= hi
    assert shape.getchannel("A").getextrema() == (0, 255)
