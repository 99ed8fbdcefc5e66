"""lib/dataaug/sampler.py: one process's carriers through the augmentation into temp-named files."""
import hashlib

import pytest

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.dataaug.sampler import Sampler
from dlimgmgr_tasks.lib.errors import UserError


@pytest.fixture
def labelled(make_project, jpeg, annotation):
    def make(count, size=(80, 60), name="close"):
        project = make_project(name, count=count)
        jpeg(project.master / f"{name}_c000.jpg", size=size)
        voc.write(project.master / f"{name}_c000.xml",
                  annotation(f"{name}_c000.jpg", size, ("close", 11, 11, 40, 30)))
        return project
    return make


def test_a_pass_through_copies_the_master_bytes(labelled, tmp_path):
    project = labelled(count=0)
    sampler = Sampler(project, (80, 60))
    (rec,) = sampler.write(0, 0, tmp_path)
    data = (tmp_path / rec["tmp"]).read_bytes()
    assert data == project.carrier_images()[0].read_bytes()      # the labelled master, untouched
    assert rec["key"] == [0, 0, 0] and rec["sha256"] == hashlib.sha256(data).hexdigest()
    xml = (tmp_path / rec["tmp_xml"]).read_bytes()
    assert rec["xml_sha256"] == hashlib.sha256(xml).hexdigest()
    ann = voc.parse(xml)
    assert [(o.name, o.xmin, o.ymin, o.xmax, o.ymax) for o in ann.objects] == [("close", 11, 11, 40, 30)]


def test_a_resize_moves_the_boxes_and_skips_digests(labelled, tmp_path):
    sampler = Sampler(labelled(count=0), (40, 30), digests=False)
    (rec,) = sampler.run([(0, 0)], tmp_path)
    assert "sha256" not in rec
    ann = voc.parse((tmp_path / rec["tmp_xml"]).read_bytes())
    assert (ann.width, ann.height) == (40, 30)
    (obj,) = ann.objects
    assert (obj.xmin, obj.ymin, obj.xmax, obj.ymax) == (6, 6, 20, 15)


def test_recipe_outputs_are_the_same_for_the_same_item(labelled, tmp_path):
    sampler = Sampler(labelled(count=3), (80, 60))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    first = sampler.write(0, 1, a)
    again = Sampler(sampler.project, (80, 60)).write(0, 1, b)
    assert [r["sha256"] for r in first] == [r["sha256"] for r in again] and first
    assert sampler.image(0).image.flags.writeable is False        # the cache is read-only


def test_a_broken_annotation_is_one_line(labelled):
    project = labelled(count=0)
    (project.master / "close_c000.xml").write_text("<annotation><size>")
    with pytest.raises(UserError, match="close_c000.xml.*fix it \\(inv dlimgmgr.check\\) or relabel it"):
        Sampler(project, (80, 60)).annotation(0)
