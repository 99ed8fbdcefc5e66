"""dlimgmgr_tasks/lib/mixes.py: the mixes in dist/, the newest one, a manifest read and checked."""
import json
import os

import pytest

from dlimgmgr_tasks.lib import mixes
from dlimgmgr_tasks.lib.errors import UserError


def _mix(ws, name, when, **extra):
    ws.dist_dir.mkdir(exist_ok=True)
    (ws.dist_dir / f"{name}.tar.gz").write_bytes(b"archive")
    path = mixes.manifest_path(ws, name)
    path.write_text(json.dumps({"name": name, "sha256": "ab" * 32, **extra}))
    os.utime(path, (when, when))
    return path


def test_no_mix_yet_is_none_and_one_line_when_asked_for(ws):
    assert mixes.newest(ws) is None and mixes.manifests(ws) == []
    with pytest.raises(UserError, match="no mixed dataset yet; run: inv mix"):
        mixes.find(ws)


def test_the_newest_is_the_last_written_and_a_name_picks_one(ws):
    old, new = _mix(ws, "voc", 1_000), _mix(ws, "ads", 2_000)
    assert mixes.manifests(ws) == [old, new] and mixes.newest(ws) == new and mixes.name_of(new) == "ads"
    assert mixes.find(ws) == new and mixes.find(ws, "voc") == old
    with pytest.raises(UserError, match=r"no mix named 'other' \(mixed: ads, voc\)"):
        mixes.find(ws, "other")


def test_read_checks_the_name_and_the_archive(ws):
    path = _mix(ws, "voc", 1_000)
    data = mixes.read(path)
    assert data["archive_path"] == ws.dist_dir / "voc.tar.gz" and data["sha256"] == "ab" * 32
    path.write_text(json.dumps({"name": "../elsewhere", "sha256": "ab"}))
    with pytest.raises(UserError, match="not a plain name"):
        mixes.read(path)
    path.write_text("{cut")
    with pytest.raises(UserError, match="unreadable manifest"):
        mixes.read(path)
    with pytest.raises(UserError, match="is not valid JSON"):
        mixes.load(path)
    path.write_text(json.dumps({"name": "gone", "sha256": "ab"}))
    with pytest.raises(UserError, match="gone.tar.gz: missing"):
        mixes.read(path)
