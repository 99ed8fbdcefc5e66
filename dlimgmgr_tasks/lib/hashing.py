"""sha256 of bytes and of files: the content identity every record, sync and check in dlimgmgr uses.

(lib/hostside/unpack_members.py keeps its own copy: it runs alone on the pytorch host, standard library only.)
"""
from __future__ import annotations

import hashlib


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
