"""hosts.streams: quoting, one-line failures, listings and their check, and copy_tree (the local
transfer LocalHost uses): merge or replace, a failed check changes nothing."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts import streams
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost


def test_qpath_keeps_home_expandable_and_quotes_the_rest():
    assert streams.qpath("~") == '"$HOME"'
    assert streams.qpath("~/a b") == "\"$HOME\"/'a b'"
    assert streams.qpath("/x/it's") == "'/x/it'\"'\"'s'"


def test_failed_names_the_host_and_tar_s_real_reason():
    text = "tar: x.jpg: Cannot write: No space left on device\ntar: Exiting with failure status due to previous errors\n"
    assert streams.tail(text) == "tar: x.jpg: Cannot write: No space left on device"
    assert streams.tail("") == "no message"
    assert streams.failed("role pytorch host local", "tar", 2, text) == \
        "role pytorch host local: tar failed (exit 2): tar: x.jpg: Cannot write: No space left on device"
    assert streams.failed("h", "unpack", 1, "error: x.tar.gz: not found; deploy again\n") == \
        "h: x.tar.gz: not found; deploy again"


def test_file_sizes_lists_regular_files_not_links(tmp_path):
    (tmp_path / "s/b").mkdir(parents=True)
    (tmp_path / "s/a.jpg").write_bytes(b"12345")
    (tmp_path / "s/b/c.xml").write_bytes(b"12")
    (tmp_path / "s/link").symlink_to(tmp_path / "s/a.jpg")
    assert streams.file_sizes(tmp_path / "s") == {"a.jpg": 5, "b/c.xml": 2}
    assert streams.file_sizes(tmp_path / "s", ["b"]) == {"b/c.xml": 2}
    with pytest.raises(UserError, match="nope: not found; nothing to send"):
        streams.file_sizes(tmp_path / "s", ["nope"])
    with pytest.raises(UserError, match="folder not found"):
        streams.file_sizes(tmp_path / "missing")
    (tmp_path / "s/bad\nname").write_bytes(b"")
    with pytest.raises(UserError, match="a file name with a line break cannot be sent; rename it"):
        streams.file_sizes(tmp_path / "s")


def test_listing_parse_and_check():
    assert streams._parse_listing("5\t./a.jpg\n2\tb/c.xml\n\n") == {"a.jpg": 5, "b/c.xml": 2}
    streams._check({"a": 1}, {"a": 1}, "d")
    for got, detail in (({}, "a missing"), ({"a": 2}, "a has 2 bytes, sent 1"), ({"a": 1, "z": 0}, "z unexpected")):
        with pytest.raises(UserError, match=f"d: transfer check failed \\({detail}\\); nothing was changed"):
            streams._check({"a": 1}, got, "d")


def _tree(root, files):
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def test_copy_tree_merges_or_replaces_and_leaves_no_temp(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "dest"
    _tree(src, {"a.jpg": b"new", "sub/b.xml": b"bb"})
    _tree(dest, {"a.jpg": b"old", "keep.txt": b"k"})
    assert streams.copy_tree(src, dest, None, replace=False) == {"a.jpg": 3, "sub/b.xml": 2}
    assert (dest / "a.jpg").read_bytes() == b"new" and (dest / "keep.txt").exists()
    streams.copy_tree(src, dest, ["sub"], replace=True)
    assert streams.file_sizes(dest) == {"sub/b.xml": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest", "src"]


def test_local_host_trees_go_through_copy_tree(tmp_path):
    host = LocalHost(HostConfig(role="dataaug", host="local", target_home=str(tmp_path / "home")))
    _tree(tmp_path / "src", {"x/1.jpg": b"1", "x/2.jpg": b"22"})
    host.push_tree(tmp_path / "src", str(tmp_path / "home/there"), paths=["x/2.jpg"])
    assert streams.file_sizes(tmp_path / "home/there") == {"x/2.jpg": 2}
    host.pull_tree(str(tmp_path / "home/there"), tmp_path / "back")
    assert (tmp_path / "back/x/2.jpg").read_bytes() == b"22"
