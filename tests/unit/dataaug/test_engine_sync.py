"""The build engine's parts on their own: items on the wire, shares by weight, sync, the skip path.
A share fetched over SSH is in tests/ssh/test_shares.py."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers.buildkit import SIZE, add_profiles, build, make_project
from tests.helpers.sharedata import make_share
from dlimgmgr_tasks.lib.dataaug import plan, sync
from dlimgmgr_tasks.lib.workspace import Workspace


def test_items_survive_their_wire_encoding():
    items = [(0, 0), (0, 1), (0, 2), (1, 0), (3, -1), (4, -1), (5, 7), (5, 8)]
    assert plan.decode_items(plan.encode_items(items)) == items


def test_runs_of_items_travel_as_one_word():
    assert plan.encode_items([(2, k) for k in range(500)]) == "2:0-499"


def test_split_gives_contiguous_slices_by_weight():
    assert plan.split(list(range(12)), [2, 1, 1]) == [list(range(6)), [6, 7, 8], [9, 10, 11]]


@pytest.fixture
def checkout(repo):
    """A repo copy with `icons` built once, and the litter a checkout gathers (caches, a lock)."""
    add_profiles(repo, tiny=(SIZE, SIZE))
    pdir = make_project(repo, "icons", count=1)
    build(repo, "icons")
    (pdir / "master" / ".prelabels.json").write_text("{}")
    for cache in (repo.path / "dlimgmgr_tasks" / "__pycache__", pdir / ".ipynb_checkpoints"):
        cache.mkdir(exist_ok=True)
        (cache / "x.pyc").write_bytes(b"cache")
    return Workspace.at(repo.path)


def _local_host(ws, home):
    from dlimgmgr_tasks.lib.hosts import open_host
    from dlimgmgr_tasks.lib.hosts.config import HostConfig
    return open_host(HostConfig(role="dataaug", host="local", target_home=str(home)), ws.hosts)


def test_sync_to_a_host_whose_home_is_this_checkout_sends_and_removes_nothing(checkout):
    with checkout.host("dataaug") as host:
        assert sync.sync(host, checkout, ["icons"]).__dict__ == {"sent": 0, "removed": 0}


def test_a_host_whose_home_is_this_checkout_is_not_even_listed(checkout):
    with checkout.host("dataaug") as host:
        ran = []
        host.run = lambda command, **kw: ran.append(command) or ""
        assert sync.sync(host, checkout, ["icons"]).__dict__ == {"sent": 0, "removed": 0}
    assert ran == []


def test_a_host_reaching_this_checkout_through_a_link_is_the_same_tree(checkout, tmp_path):
    (tmp_path / "link").symlink_to(checkout.root)
    with _local_host(checkout, tmp_path / "link") as host:
        assert host.same_tree(checkout.root)
    with _local_host(checkout, tmp_path / "elsewhere") as host:
        assert not host.same_tree(checkout.root)




def test_a_share_made_on_this_machine_is_moved_in_without_rehashing(checkout, tmp_path):
    from dlimgmgr_tasks.lib.dataaug import shares
    (tmp_path / "staging").mkdir()
    with _local_host(checkout, tmp_path) as host:
        records, images = shares.fetch(host, str(make_share(tmp_path, "t", True)), tmp_path / "staging", "t")
    # the record's sha256 is all zeros: a re-hash would have refused it
    assert images == 1 and records == tmp_path / "staging" / "share" / ".records-t.jsonl"
    assert (records.parent / "i00000_000000_000000.jpg").read_bytes() == b"jpeg"
    assert not (tmp_path / "share").exists(), "the share folder was copied, not moved"


def _host_side_records(checkout, out, *flags) -> list[dict]:
    """The records the host-side CLI writes for the first item of `icons`."""
    import json
    proc = subprocess.run([sys.executable, "-m", "dlimgmgr_tasks.lib.hostside.dataaug", "items", "icons",
                           f"{SIZE}x{SIZE}", str(out), "--tag", "t", *flags], input="0:0-0", text=True,
                          cwd=checkout.root, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in (out / ".records-t.jsonl").read_text().splitlines()]


def test_the_host_side_records_the_sha256_a_share_sent_over_a_link_is_checked_by(checkout, tmp_path):
    import hashlib
    [rec] = _host_side_records(checkout, tmp_path / "out")
    assert rec["sha256"] == hashlib.sha256((tmp_path / "out" / rec["tmp"]).read_bytes()).hexdigest()
    assert rec["xml_sha256"] == hashlib.sha256((tmp_path / "out" / rec["tmp_xml"]).read_bytes()).hexdigest()


def test_a_share_never_sent_gets_no_sha256_and_the_same_files(checkout, tmp_path):
    [hashed] = _host_side_records(checkout, tmp_path / "hashed")
    [plain] = _host_side_records(checkout, tmp_path / "plain", "--no-digests")
    assert "sha256" not in plain and "xml_sha256" not in plain
    assert plain == {k: v for k, v in hashed.items() if not k.endswith("sha256")}
    for name in (plain["tmp"], plain["tmp_xml"]):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "hashed" / name).read_bytes()


def test_a_share_missing_a_recorded_jpeg_fails_in_one_line_naming_it(checkout, tmp_path):
    from dlimgmgr_tasks.lib.dataaug import shares
    from dlimgmgr_tasks.lib.errors import UserError
    (tmp_path / "staging").mkdir()
    with _local_host(checkout, tmp_path) as host, pytest.raises(UserError) as err:
        shares.fetch(host, str(make_share(tmp_path, "t", False)), tmp_path / "staging", "t")
    assert "i00000_000000_000000.jpg arrived damaged or not at all" in str(err.value)


def test_a_share_whose_record_names_a_file_outside_its_folder_is_refused(checkout, tmp_path):
    from dlimgmgr_tasks.lib.dataaug import shares
    from dlimgmgr_tasks.lib.errors import UserError
    (tmp_path / "staging").mkdir()
    (tmp_path / "outside.jpg").write_bytes(b"mine")
    share = make_share(tmp_path, "t", True)
    records = share / ".records-t.jsonl"
    records.write_text(records.read_text().replace('"tmp": "i00000_000000_000000.jpg"', '"tmp": "../../outside.jpg"'))
    with _local_host(checkout, tmp_path) as host, pytest.raises(UserError) as err:
        shares.fetch(host, str(share), tmp_path / "staging", "t")
    assert "../../outside.jpg arrived damaged or not at all" in str(err.value)
    assert (tmp_path / "outside.jpg").read_bytes() == b"mine"


def test_a_local_share_whose_jpeg_is_a_link_is_refused(checkout, tmp_path):
    from dlimgmgr_tasks.lib.dataaug import shares
    from dlimgmgr_tasks.lib.errors import UserError
    (tmp_path / "staging").mkdir()
    (tmp_path / "outside.jpg").write_bytes(b"mine")
    share = make_share(tmp_path, "t", False)
    (share / "i00000_000000_000000.jpg").symlink_to(tmp_path / "outside.jpg")
    with _local_host(checkout, tmp_path) as host, pytest.raises(UserError) as err:
        shares.fetch(host, str(share), tmp_path / "staging", "t")
    assert "i00000_000000_000000.jpg arrived damaged or not at all" in str(err.value)




def test_sync_sends_the_masters_dot_files_but_no_build_or_cache(checkout, tmp_path):
    with _local_host(checkout, tmp_path / "elsewhere") as host:
        sync.sync(host, checkout, ["icons"])
    there = tmp_path / "elsewhere" / ".dlimgmgr" / "tree"   # the tool's tree, beside the person's files
    assert (there / "projects" / "icons" / "master" / ".prelabels.json").is_file()
    assert not (there / "projects" / "icons" / "build").exists()
    assert not (there / "dlimgmgr_tasks" / "__pycache__").exists()


def test_sync_removes_there_what_was_removed_here(checkout, tmp_path):
    with _local_host(checkout, tmp_path / "elsewhere") as host:
        sync.sync(host, checkout, ["icons"])
        tree = tmp_path / "elsewhere" / ".dlimgmgr" / "tree"
        assert (tree / "projects" / "icons" / "master" / "icons_c002.xml").is_file()
        (checkout.root / "projects" / "icons" / "master" / "icons_c002.xml").unlink()
        assert sync.sync(host, checkout, ["icons"]).__dict__ == {"sent": 0, "removed": 1}
    assert not (tree / "projects" / "icons" / "master" / "icons_c002.xml").exists()


SKIP_PROBE = """
import sys
from dlimgmgr_tasks.lib.dataaug import build_projects
from dlimgmgr_tasks.lib.workspace import Workspace
ws = Workspace.at(sys.argv[1], {"profiles": {"tiny": {"size": [96, 96]}}}, profile="tiny")
(result,) = build_projects(ws, ["icons"])
heavy = sorted(m for m in ("cv2", "numpy", "albumentations", "paramiko", "fabric", "tqdm") if m in sys.modules)
print(result.status, heavy)
"""


def test_an_unchanged_build_is_skipped_without_heavy_imports(checkout):
    proc = subprocess.run([sys.executable, "-c", SKIP_PROBE, str(checkout.root)], cwd=checkout.root,
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["skipped", "[]"], proc.stderr


FORCED_PROBE = """
import sys
from dlimgmgr_tasks.lib.dataaug import build_projects
from dlimgmgr_tasks.lib.workspace import Workspace
ws = Workspace.at(sys.argv[1], {"profiles": {"tiny": {"size": [96, 96]}}}, profile="tiny")
(result,) = build_projects(ws, ["icons"], force=True)
print(result.status, "albumentations" in sys.modules, "cv2" in sys.modules)
"""


def _forced_build(checkout) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", FORCED_PROBE, str(checkout.root)], cwd=checkout.root,
                          capture_output=True, text=True, timeout=120)
    return proc.stdout.split() or [proc.stderr]


def test_a_forced_rebuild_of_what_built_before_leaves_albumentations_and_opencv_to_the_workers(checkout):
    assert _forced_build(checkout) == ["built", "False", "False"]


def test_a_recipe_changed_since_the_last_build_is_checked_again_by_the_orchestrator(checkout):
    yaml_path = checkout.root / "projects" / "icons" / "project.yaml"
    yaml_path.write_text(yaml_path.read_text() + "\n# edited\n")
    assert _forced_build(checkout) == ["built", "True", "True"]


def test_a_master_changed_since_the_last_build_is_checked_again_by_the_orchestrator(checkout):
    xml = checkout.root / "projects" / "icons" / "master" / "icons_c000.xml"
    xml.write_text(xml.read_text() + "\n")
    assert _forced_build(checkout) == ["built", "False", "True"]   # the masters' check decodes with OpenCV


def _numbered(tmp_path, n: int) -> bytes:
    from dlimgmgr_tasks.lib.dataaug import staging
    data, slot = staging.numbered_xml("icons", "icons_c003.jpg", 96, 96, [["close", 4, 5, 30, 31, "Unspecified", 0, 0]])
    path = tmp_path / "x.xml"
    path.write_bytes(data)
    staging._number_xml(path, slot, n)
    return path.read_bytes()


def _written(name: str) -> bytes:
    from dlimgmgr_tasks.lib import voc
    return voc.dumps(voc.Annotation(name, 96, 96, 3, [voc.VocObject.from_edges("close", 4, 5, 30, 31)], folder="icons",
                                     source_image="icons_c003.jpg"))


def test_a_workers_xml_numbered_at_the_finish_is_the_xml_of_that_image(tmp_path):
    assert _numbered(tmp_path, 42) == _written("icons_000042.jpg")


def test_a_number_past_six_digits_gets_the_longer_name(tmp_path):
    assert _numbered(tmp_path, 1_000_001) == _written("icons_1000001.jpg")
