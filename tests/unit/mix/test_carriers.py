"""lib/mix/carriers.py: telling carrier images apart (moved from test_mix.py)."""
from __future__ import annotations

from types import SimpleNamespace

from dlimgmgr_tasks.lib.mix import carriers


def test_images_whose_size_and_crc32_meet_are_told_apart_by_sha256(tmp_path):
    items = []
    for name, data, content in (("a", b"one", (3, 1)), ("b", b"two", (3, 1)), ("c", b"one", (3, 1)),
                                ("d", b"four", (4, 2))):   # as if a, b and c met on size and crc32
        (tmp_path / f"{name}.jpg").write_bytes(data)
        items.append(SimpleNamespace(image=str(tmp_path / f"{name}.jpg"), content=content))
    keys = carriers._exact(items)
    assert keys[0] == keys[2] != keys[1] and keys[3] == (4, 2)
