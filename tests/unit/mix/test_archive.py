"""lib/mix/archive.py: the streamed .tar.gz writer (moved from test_mix.py)."""
from __future__ import annotations

import io
import tarfile

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.mix import archive
from tests.helpers.mixdata import read_members


def test_the_archive_writer_round_trips_directories_bytes_and_files(tmp_path):
    (tmp_path / "f.bin").write_bytes(b"\xff" * 3000)
    members = [archive.Member.directory("d"), archive.Member("d/a.txt", b"hello"),
               archive.Member("d/f.bin", path=str(tmp_path / "f.bin"))]
    archive.write_tar_gz(tmp_path / "x.tar.gz", members)
    assert read_members(tmp_path / "x.tar.gz", "") == [("d", b""), ("d/a.txt", b"hello"), ("d/f.bin", b"\xff" * 3000)]


def test_the_archive_writer_returns_the_files_sha256_and_size(tmp_path):
    import hashlib

    sha256, size = archive.write_tar_gz(tmp_path / "x.tar.gz", [archive.Member("a.txt", b"a")])
    data = (tmp_path / "x.tar.gz").read_bytes()
    assert (sha256, size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_an_error_while_members_are_made_propagates_from_the_writer(tmp_path):
    def members():
        yield archive.Member("a.txt", b"a")
        raise UserError("stop")
    with pytest.raises(UserError, match="stop"):
        archive.write_tar_gz(tmp_path / "x.tar.gz", members())


def test_the_writer_output_is_a_plain_gzip_stream(tmp_path):
    import gzip

    archive.write_tar_gz(tmp_path / "x.tar.gz", [archive.Member("a.txt", b"a" * 100)])
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress((tmp_path / "x.tar.gz").read_bytes()))) as tar:
        assert tar.getnames() == ["a.txt"]
