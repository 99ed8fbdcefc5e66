"""lib/records.py: JSON records beside the masters, stable bytes, one-line refusals."""
import pytest

from dlimgmgr_tasks.lib import records
from dlimgmgr_tasks.lib.errors import UserError


def test_missing_record_reads_empty(tmp_path):
    assert records.read_record(tmp_path / "r.json", lambda d: True, "fix") == {}


def test_write_sorts_keys_and_ends_with_a_newline(tmp_path):
    path = tmp_path / "r.json"
    records.write_record(path, {"b": {"z": 1, "a": 2}, "a": "x"}, indent=1)
    assert path.read_text() == '{\n "a": "x",\n "b": {\n  "a": 2,\n  "z": 1\n }\n}\n'
    assert records.read_record(path, lambda d: True, "fix") == {"a": "x", "b": {"a": 2, "z": 1}}


def test_unchanged_record_is_not_rewritten(tmp_path):
    path = tmp_path / "r.json"
    records.write_record(path, {"a": 1}, indent=2)
    inode = path.stat().st_ino
    records.write_record(path, {"a": 1}, indent=2)
    assert path.stat().st_ino == inode        # same file: no rename happened
    records.write_record(path, {"a": 2}, indent=2)
    assert path.stat().st_ino != inode        # changed bytes land by rename


@pytest.mark.parametrize("text, what", [("{not json", "not valid JSON"), ("[1, 2]", "not a valid record"),
                                        ('{"a": 1}', "not a valid record")])
def test_bad_records_are_refused_in_one_line(tmp_path, text, what):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(UserError) as err:
        records.read_record(path, lambda d: all(isinstance(v, str) for v in d.values()), "restore it from git")
    msg = str(err.value)
    assert str(path) in msg and what in msg and msg.endswith("restore it from git") and "\n" not in msg
