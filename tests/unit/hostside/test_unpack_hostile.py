"""lib/hostside/unpack.py (runs alone on the pytorch host) against crafted archives, under this Python and
under one whose tarfile has no "data" filter (as Debian's 3.11.2): every escape is refused
before anything is written, with one `error:` line and no traceback."""
from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import tarfile
import time
import zlib
from pathlib import Path

import pytest

from tests.helpers import unpacker
from tests.helpers.tmpfs import tmpfs

# A Python without tarfile's data filter: the unpacker then takes the path older Pythons take.
NO_FILTER = "import tarfile; del tarfile.data_filter"
DEEP = 12   # deeper than any temp folder the tests unpack in: '..' from there reaches '/'


@pytest.fixture(scope="module")
def shipped_unpacker(tmp_path_factory) -> Path:
    return unpacker.shipped(tmp_path_factory.mktemp("unpacker"))


@pytest.fixture(params=["with the data filter", "without the data filter"])
def python(request, shipped_unpacker) -> list[str]:
    return unpacker.command(shipped_unpacker, "" if request.param.startswith("with ") else NO_FILTER)


def tar_gz(path: Path, entries) -> str:
    """Write a .tar.gz of (name, kind, extra) entries: kind file/dir/sym/hard; return its sha256."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
        for name, kind, extra in entries:
            info = tarfile.TarInfo(name)
            info.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
                         "hard": tarfile.LNKTYPE}[kind]
            info.mode = extra.get("mode", 0o755 if kind == "dir" else 0o644)
            data = extra.get("data", b"x") if kind == "file" else b""
            info.size = len(data)
            info.linkname = extra.get("to", "")
            tar.addfile(info, io.BytesIO(data) if data else None)
    path.write_bytes(buf.getvalue())
    return hashlib.sha256(buf.getvalue()).hexdigest()


def install(python, archive: Path, sha: str, dataset: Path, top: str = "ds") -> subprocess.CompletedProcess:
    return subprocess.run([*python, "install", "--archive", str(archive), "--sha256", sha, f"--top={top}",
                           f"--dataset-dir={dataset}"], capture_output=True, text=True, timeout=120)


def refused(proc) -> str:
    """The one `error:` line of a refused unpack (exit 1, no traceback)."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


def nothing_written(datasets: Path) -> bool:
    return not datasets.exists() or [p.name for p in datasets.iterdir() if not p.name.startswith(".ds.lock")] == []


def chain_to_root(pwned: Path):
    """A link that stays inside lexically (it leads back to ds/), then one through it whose '..'s
    the kernel applies after that link: up to '/'; then a file written through it."""
    deep = "/".join(f"d{i}" for i in range(DEEP))
    return [("ds/", "dir", {}), (f"ds/{deep}/", "dir", {}),
            (f"ds/{deep}/back", "sym", {"to": "/".join([".."] * DEEP)}),
            ("ds/root", "sym", {"to": f"{deep}/back/" + "/".join([".."] * (DEEP - 1))}),
            (f"ds/root{pwned}", "file", {"data": b"pwned"})]


def test_a_symlink_chain_to_the_root_is_refused_before_anything_is_written(python, tmp_path):
    pwned = tmp_path / "pwned.txt"
    sha = tar_gz(tmp_path / "a.tar.gz", chain_to_root(pwned))
    line = refused(install(python, tmp_path / "a.tar.gz", sha, tmp_path / "datasets" / "ds"))
    assert "'ds/root' points outside ds/" in line and "nothing was written" in line
    assert not pwned.exists() and nothing_written(tmp_path / "datasets")


def test_a_link_re_routed_out_by_a_later_link_is_refused(python, tmp_path):
    # ds/a -> x/.. is ds/ while x does not exist; once ds/x -> . exists it is ds/.. (outside).
    sha = tar_gz(tmp_path / "a.tar.gz", [("ds/", "dir", {}), ("ds/a", "sym", {"to": "x/.."}),
                                         ("ds/x", "sym", {"to": "."})])
    line = refused(install(python, tmp_path / "a.tar.gz", sha, tmp_path / "datasets" / "ds"))
    assert "'ds/a' points outside ds/ through the links after it" in line
    assert nothing_written(tmp_path / "datasets")


def test_a_file_written_over_a_link_is_refused_as_a_second_copy(python, tmp_path):
    sha = tar_gz(tmp_path / "a.tar.gz", [("ds/", "dir", {}), ("ds/f", "sym", {"to": "g"}), ("ds/f", "file", {})])
    assert "'ds/f' appears twice" in refused(install(python, tmp_path / "a.tar.gz", sha, tmp_path / "d" / "ds"))


def test_setuid_setgid_sticky_and_world_write_are_stripped(python, tmp_path):
    sha = tar_gz(tmp_path / "a.tar.gz", [("ds/", "dir", {"mode": 0o1777}), ("ds/sub/", "dir", {"mode": 0o2777}),
                                         ("ds/sub/run", "file", {"mode": 0o4777}),
                                         ("ds/open.txt", "file", {"mode": 0o666})])
    dataset = tmp_path / "datasets" / "ds"
    proc = install(python, tmp_path / "a.tar.gz", sha, dataset)
    assert proc.returncode == 0, proc.stderr
    modes = {p.relative_to(dataset).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [dataset, *dataset.rglob("*")]}
    assert modes == {".": 0o755, "sub": 0o755, "sub/run": 0o755, "open.txt": 0o644}


@pytest.mark.parametrize("name", [".", "..", "a/b", "-rf", ""])
def test_a_dataset_name_that_is_not_a_plain_name_renames_nothing(python, tmp_path, name):
    datasets = tmp_path / "datasets"
    (datasets / "older").mkdir(parents=True)
    sha = tar_gz(tmp_path / "a.tar.gz", [(f"{name or 'x'}/", "dir", {}), (f"{name or 'x'}/f", "file", {})])
    line = refused(install(python, tmp_path / "a.tar.gz", sha, datasets / name, top=name))
    assert "is not a plain folder name" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tar.gz", "datasets"]
    assert [p.name for p in datasets.iterdir()] == ["older"]


def test_a_dataset_dir_that_is_a_link_is_refused(python, tmp_path):
    (tmp_path / "other_disk").mkdir()
    (tmp_path / "ds").symlink_to(tmp_path / "other_disk")
    sha = tar_gz(tmp_path / "a.tar.gz", [("ds/", "dir", {}), ("ds/f", "file", {})])
    line = refused(install(python, tmp_path / "a.tar.gz", sha, tmp_path / "ds"))
    assert "is a link" in line and (tmp_path / "ds").is_symlink()


def bomb(path: Path, declared: int, inflated: int = 8 << 20) -> str:
    """A gzip of one tar header declaring `declared` bytes, then `inflated` zeros and no end."""
    info = tarfile.TarInfo("ds/zeros")
    info.size = declared
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = gz.compress(tarfile.TarInfo("ds/").tobuf(tarfile.GNU_FORMAT) + info.tobuf(tarfile.GNU_FORMAT))
    data += gz.compress(bytes(inflated)) + gz.flush()
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def test_a_gzip_bomb_is_refused_at_its_first_header_naming_the_archive(python, tmp_path):
    archive = tmp_path / "bomb.tar.gz"
    st = os.statvfs(tmp_path)
    sha = bomb(archive, declared=st.f_bavail * st.f_frsize + (1 << 30))
    start = time.monotonic()
    line = refused(install(python, archive, sha, tmp_path / "datasets" / "ds"))
    assert time.monotonic() - start < 10
    assert str(archive) in line and "gzip bomb" in line and "more than the" in line
    assert nothing_written(tmp_path / "datasets")


def test_a_full_disk_during_unpack_is_one_line_naming_the_folder(python, tmp_path):
    with tmpfs(tmp_path / "small", "1m") as disk:
        # Declared bytes fit the free space; the 4 KiB blocks each file really takes do not.
        files = [(f"ds/f{i:03d}", "file", {"data": os.urandom(4097)}) for i in range(250)]
        sha = tar_gz(tmp_path / "a.tar.gz", [("ds/", "dir", {}), *files])
        line = refused(install(python, tmp_path / "a.tar.gz", sha, disk / "ds"))
        assert f"unpacking into {disk} failed: No space left on device" in line
        assert [p.name for p in disk.iterdir()] == [".ds.lock"]
