"""lib/prelabels.py: the record of what compose wrote, so a person's edits are kept."""
import pytest

from dlimgmgr_tasks.lib import prelabels
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hashing import sha256_bytes


def test_round_trip_and_is_prelabel(make_project):
    project = make_project()
    xml = project.master / "close_c000.xml"
    xml.write_bytes(b"<annotation/>")
    assert prelabels.read_prelabels(project) == {}
    prelabels.write_prelabels(project, {"close_c000": sha256_bytes(b"<annotation/>")})
    assert prelabels.prelabels_path(project) == project.master / ".prelabels.json"
    assert prelabels.read_prelabels(project) == {"close_c000": sha256_bytes(b"<annotation/>")}
    assert prelabels.is_prelabel(project, xml)
    xml.write_bytes(b"<annotation><object/></annotation>")   # a person edited it
    assert not prelabels.is_prelabel(project, xml)
    assert not prelabels.is_prelabel(project, project.master / "close_c001.xml")   # no record
    xml.unlink()
    assert not prelabels.is_prelabel(project, xml, {"close_c000": sha256_bytes(b"<annotation/>")})


def test_a_damaged_record_names_the_file(make_project):
    project = make_project()
    prelabels.prelabels_path(project).write_text('{"close_c000": 3}')
    with pytest.raises(UserError, match=r"\.prelabels\.json: not a valid record; restore it from git"):
        prelabels.read_prelabels(project)
