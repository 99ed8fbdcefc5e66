"""Hostile image files made from real ones: an EXIF-rotated JPEG, a JPEG cut short, one cut and
closed again with an end marker, and a PNG whose header claims 100000 x 100000 pixels."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

BOMB_SIDE = 100_000


def rotate_tag(path: Path, orientation: int = 6) -> None:
    """Re-save the JPEG with the same pixels and an EXIF Orientation tag (as a phone writes it)."""
    with Image.open(path) as im:
        pixels = im.convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = orientation
    pixels.save(path, "JPEG", quality=95, exif=exif.tobytes())


def cut_short(path: Path) -> None:
    """Keep the first half of the file (a copy that died half-way: no end marker)."""
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def cut_and_closed(path: Path) -> None:
    """The first half of the file with an end-of-image marker (FF D9) appended."""
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2] + b"\xff\xd9")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(path: Path, side: int = BOMB_SIDE) -> None:
    """A tiny PNG whose header claims side x side RGB pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
                     + _chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + _chunk(b"IEND", b""))
