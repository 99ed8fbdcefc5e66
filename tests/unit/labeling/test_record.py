"""lib/labeling/record.py: the push record master/.labeling.json."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hashing import sha256_bytes
from dlimgmgr_tasks.lib.labeling import record
from dlimgmgr_tasks.lib.prelabels import write_prelabels


def test_round_trip_is_tracked_bytes(make_project):
    project = make_project()
    assert record.read_record(project) == {}
    record.write_record(project, {"close_c001": {"xml": "b", "image": "a"}, "close_c000": {}})
    path = record.record_path(project)
    assert path == project.master / ".labeling.json"
    assert path.read_text() == '{\n "close_c000": {},\n "close_c001": {\n  "image": "a",\n  "xml": "b"\n }\n}\n'
    assert record.read_record(project)["close_c001"] == {"image": "a", "xml": "b"}


def test_a_damaged_record_is_refused(make_project):
    project = make_project()
    record.record_path(project).write_text('{"close_c000": "not a mapping"}')
    with pytest.raises(UserError, match=r"\.labeling\.json: not a valid record; restore it from git"):
        record.read_record(project)


def test_file_sha_and_conflicts(make_project, tmp_path):
    project = make_project()
    assert record.file_sha(tmp_path / "missing") is None
    (tmp_path / "f").write_bytes(b"abc")
    assert record.file_sha(tmp_path / "f") == sha256_bytes(b"abc")
    assert record.remote_copy(project, "close_c000") == project.master / "close_c000.remote.xml"
    assert not record.waiting_conflict(project, "close_c000", {"conflict": True})   # no copy waits
    record.remote_copy(project, "close_c000").write_text("<annotation/>")
    assert record.waiting_conflict(project, "close_c000", {"conflict": True})
    assert not record.waiting_conflict(project, "close_c000", {})


def test_prelabels_reads_composes_record_and_forgives_damage(make_project):
    project = make_project()
    write_prelabels(project, {"close_c000": "ab"})
    assert record.prelabels(project) == {"close_c000": "ab"}
    (project.master / ".prelabels.json").write_text("{broken")
    assert record.prelabels(project) == {}
