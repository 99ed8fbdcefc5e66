"""The deterministic .tar.gz writer: archive members in, a byte-identical standard file out.

A standard single-member .tar.gz in GNU tar format (PAX adds ~1 KB per member), members in the
order given, mtime 0, uid/gid 0, no user names and a gzip header with mtime 0: the same members
give a byte-identical file. Memory holds no file data beyond a bounded chunk: files on disk are
streamed in CHUNK-sized reads.
"""
from __future__ import annotations

import hashlib
import os
import queue
import struct
import tarfile
import threading
import zlib
from dataclasses import dataclass
from typing import Iterable

from ..errors import UserError

MTIME = 0                      # fixed member mtime: a re-mix of the same builds is byte-identical
CHUNK = 1 << 20                # bounded reads keep memory flat whatever the file sizes
# JPEG payloads are already entropy-coded: deflate at level 1 runs at ~45 MB/s on them and saves
# ~1-2%, so they go in as deflate *stored* blocks (copied, CRC'd, no compression). Everything
# else (tar headers, padding, XML, ImageSets, labelmap) is ~90% redundant and is deflated at
# level 6; together that keeps nearly all of gzip's saving (~9% here) at close to `tar cf` speed.
TEXT_LEVEL = 6
STORED = 0


@dataclass(frozen=True)
class Member:
    """One archive member: a directory, small bytes held in memory, or a file streamed from disk.

    A file from disk (`path`) goes in stored, not deflated: the mix's are JPEGs, already compressed.
    """
    name: str
    data: bytes | None = None
    path: str | None = None
    link: str | None = None   # a hard link to this earlier member (the same image in another format)

    @classmethod
    def directory(cls, name: str) -> "Member":
        return cls(name.rstrip("/") + "/")

    @property
    def is_dir(self) -> bool:
        return self.data is None and self.path is None and self.link is None


class MixedDeflate:
    """One standard gzip member whose deflate stream switches level between stretches of data.

    Each stretch gets a fresh raw-deflate compressor that ends with Z_SYNC_FLUSH (byte-aligned,
    not final), so the stretches concatenate into one valid deflate stream (as zlib's gzjoin
    does); a fresh compressor never refers back into data it did not see. Any gunzip, `tar xzf`
    and Python's streaming `tarfile` mode read it: it is a single member, not concatenated ones.
    """

    def __init__(self, raw):
        self.sha256 = hashlib.sha256()
        self.crc = 0
        self.isize = 0
        self.written = 0
        self.offset = 0            # uncompressed bytes so far (the tar offset)
        self._co = None
        self._level = None
        self.closed = False
        self._buf = []
        self._buffered = 0
        # Hashing and writing the output run in a thread (both release the GIL), so they use the
        # second core while this one reads, checksums and frames the next files.
        self._queue = queue.Queue(maxsize=8)
        self._error = None
        self._thread = threading.Thread(target=self._drain, args=(raw,), daemon=True)
        self._thread.start()
        # gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS 255 (unknown),
        # as gzip.compress(mtime=0) writes it.
        self._out(b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x00\xff")

    def _drain(self, raw) -> None:
        while True:
            block = self._queue.get()
            if block is None:
                return
            if self._error is None:
                try:
                    self.sha256.update(block)
                    raw.write(block)
                except BaseException as exc:  # handed to the main thread in close()
                    self._error = exc

    def _out(self, data: bytes) -> None:
        if data:
            self._buf.append(data)
            self._buffered += len(data)
            self.written += len(data)
            if self._buffered >= CHUNK:
                self._hand_off()

    def _hand_off(self) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(b"".join(self._buf))
        self._buf, self._buffered = [], 0

    def write(self, data, level: int = TEXT_LEVEL) -> None:
        if not data:
            return
        if level != self._level:
            if self._co is not None:
                self._out(self._co.flush(zlib.Z_SYNC_FLUSH))
            self._co = zlib.compressobj(level, zlib.DEFLATED, -15, 9 if level else 8)
            self._level = level
        self.crc = zlib.crc32(data, self.crc)
        self.isize += len(data)
        self.offset += len(data)
        self._out(self._co.compress(data))

    def close(self) -> None:
        co = self._co or zlib.compressobj(TEXT_LEVEL, zlib.DEFLATED, -15)
        self._out(co.flush(zlib.Z_FINISH))
        self._out(struct.pack("<II", self.crc & 0xFFFFFFFF, self.isize & 0xFFFFFFFF))
        self._hand_off()
        self.stop()
        if self._error is not None:
            raise self._error
        self.closed = True

    def stop(self) -> None:
        """End the writer thread (also on an error path, so it never outlives the file)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class TarWriter:
    """GNU-format tar members written through `MixedDeflate`, headers made by `tarfile` itself."""

    def __init__(self, gz: MixedDeflate):
        self.gz = gz

    @staticmethod
    def _info(name: str, size: int = 0, directory: bool = False) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
        info.mode = 0o755 if directory else 0o644
        info.size = 0 if directory else size
        info.mtime = MTIME
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    def _header(self, info: tarfile.TarInfo) -> None:
        self.gz.write(info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape"))

    def _pad(self, size: int) -> None:
        rest = size % tarfile.BLOCKSIZE
        if rest:
            self.gz.write(tarfile.NUL * (tarfile.BLOCKSIZE - rest))

    def add_dir(self, name: str) -> None:
        self._header(self._info(name.rstrip("/") + "/", directory=True))

    def add_bytes(self, name: str, data: bytes) -> None:
        self._header(self._info(name, len(data)))
        self.gz.write(data)
        self._pad(len(data))

    def add_file(self, name: str, path, level: int) -> None:
        """Stream a file from disk in bounded chunks (no copy of the dataset anywhere)."""
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            self._header(self._info(name, size))
            left = size
            while left:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    raise UserError(f"{path}: the file shrank while it was being packed; run the mix again")
                self.gz.write(chunk, level)
                left -= len(chunk)
        self._pad(size)

    def add_link(self, name: str, target: str) -> None:
        info = self._info(name)
        info.type, info.linkname = tarfile.LNKTYPE, target
        self._header(info)

    def add(self, member: Member) -> None:
        if member.is_dir:
            self.add_dir(member.name)
        elif member.link is not None:
            self.add_link(member.name, member.link)
        elif member.path is not None:
            self.add_file(member.name, member.path, STORED)
        else:
            self.add_bytes(member.name, member.data)

    def close(self) -> None:
        # Two zero blocks end the archive; pad to tar's 10 KiB record as tar and tarfile do.
        self.gz.write(tarfile.NUL * (2 * tarfile.BLOCKSIZE))
        rest = self.gz.offset % tarfile.RECORDSIZE
        if rest:
            self.gz.write(tarfile.NUL * (tarfile.RECORDSIZE - rest))
        self.gz.close()


def write_tar_gz(path, members: Iterable[Member]) -> tuple[str, int]:
    """Write the members, in order, as a .tar.gz at `path` (fsynced); return (sha256, bytes).

    An error while the members are produced propagates and leaves a file the caller must not use
    (write to a temporary name, rename on success).
    """
    with open(path, "wb") as raw:
        gz = MixedDeflate(raw)
        try:
            tar = TarWriter(gz)
            for member in members:
                tar.add(member)
            tar.close()
        finally:
            gz.stop()
        if not gz.closed:
            raise RuntimeError("the archive was not finished")  # never rename a truncated file
        raw.flush()
        os.fsync(raw.fileno())
    return gz.sha256.hexdigest(), gz.written
