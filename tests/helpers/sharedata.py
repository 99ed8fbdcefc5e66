"""A build share as the host-side CLI leaves it, for the tests of fetching shares (local and SSH)."""
from __future__ import annotations

import json


def make_share(tmp_path, tag: str, present: bool):
    """A share folder as the host-side CLI leaves it, one record, its JPEG there or not."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "i00000_000000_000000.xml").write_bytes(b"<annotation/>")
    if present:
        (share / "i00000_000000_000000.jpg").write_bytes(b"jpeg")
    (share / f".records-{tag}.jsonl").write_text(json.dumps(
        {"key": [0, 0, 0], "tmp": "i00000_000000_000000.jpg", "sha256": "0" * 64,
         "tmp_xml": "i00000_000000_000000.xml", "xml_sha256": "0" * 64, "xml_slot": 0}) + "\n")
    return share
