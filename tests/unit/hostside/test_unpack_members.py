"""lib/hostside/unpack_members.py: every archive member checked before anything is written."""
import io
import os
import tarfile

import pytest

from dlimgmgr_tasks.lib.hashing import sha256_bytes
from dlimgmgr_tasks.lib.hostside import unpack_members as um


def _tar(path, *members):
    """members: (name, kind, data or link target); kind: file, dir, sym, hard, fifo."""
    with tarfile.open(path, "w:gz") as tar:
        for name, kind, extra in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(extra)
                info.mode = 0o4777
                tar.addfile(info, io.BytesIO(extra))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE,
                         "fifo": tarfile.FIFOTYPE}[kind]
            info.linkname = extra or ""
            tar.addfile(info)
    return str(path)


def test_sha256_and_beat(tmp_path):
    (tmp_path / "f").write_bytes(b"x" * (um.CHUNK + 5))
    beats = []
    assert um.sha256_file(str(tmp_path / "f"), lambda: beats.append(1)) == sha256_bytes(b"x" * (um.CHUNK + 5))
    assert len(beats) == 2


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "-x", "a\\b", "a\nb"])
def test_check_name_refuses_anything_but_a_plain_name(name):
    with pytest.raises(um.UnpackError, match="is not a plain folder name"):
        um.check_name(name)


def test_a_good_archive_passes_with_safe_modes(tmp_path):
    archive = _tar(tmp_path / "ok.tar.gz", ("voc", "dir", None), ("voc/a.jpg", "file", b"jpeg"),
                   ("voc/images", "dir", None), ("voc/images/a.jpg", "hard", "voc/a.jpg"),
                   ("voc/latest", "sym", "a.jpg"))
    members = um.check_archive(archive, "voc", room=str(tmp_path))
    assert [m.name for m in members] == ["voc", "voc/a.jpg", "voc/images", "voc/images/a.jpg", "voc/latest"]
    jpg = members[1]
    assert jpg.mode == 0o755 & 0o4777 | 0o600 and jpg.uid == os.getuid() and jpg.uname == ""


@pytest.mark.parametrize("members, why", [
    ([("/etc/x", "file", b"")], "has an absolute path"),
    ([("voc/../x", "file", b"")], "climbs out with '..'"),
    ([("other/x", "file", b"")], "outside the single top folder voc/"),
    ([("voc/l", "sym", "/etc/passwd")], "points to an absolute path"),
    ([("voc/f", "fifo", None)], "is a FIFO"),
    ([("voc", "dir", None), ("voc/l", "sym", "../../x")], "voc/l"),
])
def test_bad_members_refuse_the_whole_archive(tmp_path, members, why):
    archive = _tar(tmp_path / "bad.tar.gz", *members)
    with pytest.raises(um.UnpackError) as err:
        um.check_archive(archive, "voc")
    assert why in str(err.value) and archive in str(err.value)


def test_empty_and_unreadable_archives(tmp_path):
    with pytest.raises(um.UnpackError, match="the archive is empty"):
        um.check_archive(_tar(tmp_path / "e.tar.gz"), "voc")
    (tmp_path / "junk.tar.gz").write_bytes(b"not gzip")
    with pytest.raises(um.UnpackError, match="not a readable .tar.gz"):
        um.check_archive(str(tmp_path / "junk.tar.gz"), "voc")


def test_declared_sizes_must_fit_the_free_space(tmp_path, monkeypatch):
    archive = _tar(tmp_path / "big.tar.gz", ("voc/a", "file", b"x" * 5000))
    monkeypatch.setattr(um, "_free_space", lambda folder: (1000, 100))   # a nearly full disk
    with pytest.raises(um.UnpackError, match="more than the 1000 bytes / 100 files free"):
        um.check_archive(archive, "voc", room=str(tmp_path))
