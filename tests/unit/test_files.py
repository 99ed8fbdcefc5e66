"""files: atomic writes, Ctrl-C held across renames, the per-run lock, a killed run's temps."""
from __future__ import annotations

import os
import signal
import stat

import pytest

from dlimgmgr_tasks.lib import files
from dlimgmgr_tasks.lib.errors import UserError


def test_atomic_write_replaces_the_file_with_exactly_the_mode_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.xml"
    target.write_bytes(b"old")
    old_umask = os.umask(0o077)  # the mode must not depend on the umask
    try:
        files.atomic_write(target, b"new bytes", mode=0o640)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"new bytes"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.xml"]


def test_a_failed_atomic_write_keeps_the_old_file_and_removes_its_temp(tmp_path):
    target = tmp_path / "a.xml"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        files.atomic_write(target, "not bytes")  # the write fails after the temp exists
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xml"]


def test_held_interrupt_records_ctrl_c_and_restores_the_handler():
    before = signal.getsignal(signal.SIGINT)
    with files.held_interrupt() as got:
        os.kill(os.getpid(), signal.SIGINT)
        assert got, "the Ctrl-C was recorded, not raised"
    assert signal.getsignal(signal.SIGINT) is before


def test_no_interrupt_delivers_a_held_ctrl_c_after_the_block():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with files.no_interrupt():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("the block ran to its end")
    assert done == ["the block ran to its end"]
    with files.no_interrupt():  # no Ctrl-C: nothing raised
        pass


def test_a_second_run_is_refused_while_the_lock_is_held_and_admitted_after(tmp_path):
    lock = tmp_path / ".deploy.lock"
    with files.locked(lock, "deploy"):
        assert lock.exists()
        with pytest.raises(UserError, match=r"\.deploy\.lock: another deploy is running"):
            with files.locked(lock, "deploy"):
                pass
    with files.locked(lock, "deploy"):
        pass


def test_remove_stale_removes_matching_files_and_folders_only(tmp_path):
    (tmp_path / ".a.jpg.1-0.tmp").write_bytes(b"x")
    (tmp_path / ".dir.tmp").mkdir()
    (tmp_path / ".dir.tmp" / "inner").write_bytes(b"y")
    (tmp_path / "keep.jpg").write_bytes(b"z")
    removed = files.remove_stale(tmp_path, ".*.tmp")
    assert sorted(p.name for p in removed) == [".a.jpg.1-0.tmp", ".dir.tmp"]
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jpg"]
