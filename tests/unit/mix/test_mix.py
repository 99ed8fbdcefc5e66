"""lib/mix called as a library (a Workspace, a list of projects, a remap dict), its parts (split,
archive, inspect) and the mix task's flag parsing."""
from __future__ import annotations

import io
import tarfile
import zlib

import pytest

from dlimgmgr_tasks.dlimgmgr import parse_names, parse_number, parse_remap
from dlimgmgr_tasks.lib import checks, mix
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.mix import archive, inspect, split
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.mixdata import make_build


def workspace(root) -> Workspace:
    return Workspace.at(root, profile="resnet34")


@pytest.fixture
def ws(tmp_path):
    make_build(tmp_path, "alpha", ["cat"], 12)
    make_build(tmp_path, "beta", ["dog"], 9)
    return workspace(tmp_path)


def test_the_library_mix_takes_a_list_of_projects_and_a_remap_dict(ws):
    result = mix.mix(ws, "ds", ["alpha", "beta"], 0.5, 0.5, 0.0, 3, {"cat": "feline"})
    assert result.classes == ["dog", "feline"] and result.counts["total_images"] == 21


def test_the_archive_lands_in_the_workspaces_dist(ws):
    result = mix.mix(ws, "ds", ["alpha"], 0.5, 0.5, 0.0, 3, {})
    assert result.archive == ws.dist_dir / "ds.tar.gz" and result.manifest.is_file()


def test_an_unknown_output_format_is_refused(ws):
    with pytest.raises(UserError, match="unknown dataset format pascal"):
        mix.mix(ws, "ds", ["alpha"], 0.5, 0.5, 0.0, 3, {}, formats=("pascal",))


def test_a_png_in_a_build_is_refused_as_not_a_jpeg(ws):
    build = ws.projects_dir / "alpha" / "build"
    (build / "alpha_000001.jpg").rename(build / "alpha_000001.png")
    with pytest.raises(UserError, match="alpha_000001.png: is not a JPEG"):
        mix.mix(ws, "ds", ["alpha"], 0.5, 0.5, 0.0, 3, {})


def test_checking_in_worker_processes_gives_the_same_archive_as_inline(tmp_path):
    make_build(tmp_path, "big", ["cat", "dog"], 2 * inspect.INSPECT_CHUNK + 50, size=(16, 16))
    ws = Workspace.at(tmp_path, settings={"profiles": {"tiny": {"size": [16, 16]}}}, profile="tiny")
    inline = mix.mix(ws, "one", ["big"], 0.8, 0.2, 0.0, 0, {}, jobs=1)
    pooled = mix.mix(ws, "two", ["big"], 0.8, 0.2, 0.0, 0, {}, jobs=2)
    assert pooled.counts == inline.counts
    assert read_members(pooled.archive, "two") == read_members(inline.archive, "one")


def read_members(path, top: str) -> list[tuple[str, bytes]]:
    with tarfile.open(path, "r:gz") as tar:
        return [(m.name.removeprefix(top), tar.extractfile(m).read() if m.isfile() else b"") for m in tar]


# --- the one check inside the mix ---------------------------------------------------------------

def inspected(ws, stem: str):
    project = ws.project("alpha")
    ctx = inspect.Context("alpha", checks.project_rules(project, ws.root, build=True), "projects/alpha/build",
                          {}, "ds", (64, 64), "resnet34")
    build = project.build_dir
    return inspect.inspect(ctx, inspect.Row("alpha", stem, str(build / f"{stem}.jpg"), str(build / f"{stem}.xml")))


def test_a_damaged_build_xml_has_the_same_code_in_the_mix_as_in_the_check(ws):
    xml = ws.projects_dir / "alpha" / "build" / "alpha_000002.xml"
    xml.write_text(xml.read_text()[:60])
    item, problems = inspected(ws, "alpha_000002")
    report = checks.check_projects(ws, ["alpha"])
    assert item is None and [p.code for p in problems] == [p.code for p in report.problems] == ["malformed-xml"]


def test_a_build_image_of_another_size_than_the_profile_is_a_profile_size_problem(tmp_path):
    make_build(tmp_path, "alpha", ["cat"], 2, size=(32, 32))
    _, problems = inspected(workspace(tmp_path), "alpha_000001")
    assert [p.code for p in problems] == ["profile-size"]


def test_a_clean_pair_becomes_an_item_with_the_files_own_bytes(ws):
    item, problems = inspected(ws, "alpha_000001")
    xml = ws.projects_dir / "alpha" / "build" / "alpha_000001.xml"
    image = (ws.projects_dir / "alpha" / "build" / "alpha_000001.jpg").read_bytes()
    assert problems == [] and item.xml == xml.read_bytes() and item.split == ""   # split once all are read
    assert item.carrier == "alpha_c000.jpg" and item.content == (len(image), zlib.crc32(image))


# --- split and archive --------------------------------------------------------------------------

def test_allocate_gives_whole_numbers_adding_up_to_n():
    assert split.allocate(7, (0.8, 0.2, 0.0)) == [6, 1, 0]


def test_a_test_only_project_is_assigned_to_test_whole():
    assert set(split.assign("p", ["a", "b", "c"], (0.8, 0.2, 0.0), 0, test_only=True).values()) == {"test"}


def test_a_split_depends_on_the_seed_and_the_project_only():
    ids = [f"p_{i:03d}" for i in range(20)]
    assert split.assign("p", ids, (0.5, 0.5, 0.0), 1) == split.assign("p", list(ids), (0.5, 0.5, 0.0), 1)


def test_a_group_of_carriers_goes_to_one_split_and_the_counts_stay_whole():
    groups = [("c00", "c01", "c02")] + [(f"c{i:02d}",) for i in range(3, 20)]
    for seed in range(10):
        got = split.assign_groups("p", groups, (0.7, 0.3, 0.0), seed)
        assert len({got[c] for c in groups[0]}) == 1
        assert sorted(got.values()).count("val") in (5, 6, 7)   # 6 asked; a group of 3 may overshoot by its size


def test_a_pinned_group_goes_where_it_is_pinned_and_the_rest_fill_the_ratio():
    groups = [(f"c{i:02d}",) for i in range(10)]
    got = split.assign_groups("p", groups, (0.8, 0.2, 0.0), 3, pinned={("c04",): "val", ("c07",): "val"})
    assert got["c04"] == got["c07"] == "val" and list(got.values()).count("val") == 2


def test_too_few_carriers_is_one_warning_with_the_counts_and_the_fix():
    assert split.few_carriers_warning("p", (0.8, 0.2, 0.0), {"train": 6, "val": 2}) is None
    line = split.few_carriers_warning("p", (0.8, 0.2, 0.0), {"train": 3, "val": 0})
    assert line == ("warning: p has too few carriers for the ratios asked (train 3, val 0 carrier(s)); compose "
                    "more: raise compose.count in projects/p/project.yaml, then inv dataaug.compose p")


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


# --- the mix task's flags -----------------------------------------------------------------------

def test_a_remap_flag_becomes_a_dict():
    assert parse_remap("closebcow=close, closegb = close") == {"closebcow": "close", "closegb": "close"}


def test_a_config_remap_mapping_is_taken_as_it_is():
    assert parse_remap({"a": "b"}) == {"a": "b"}


def test_a_remap_flag_mapping_one_class_twice_is_refused():
    with pytest.raises(UserError, match="remap maps 'a' twice"):
        parse_remap("a=b,a=c")


def test_a_projects_flag_becomes_a_list():
    assert parse_names("alpha, beta,,") == ["alpha", "beta"]


def test_a_seed_that_is_not_a_whole_number_is_refused():
    with pytest.raises(UserError, match="--seed must be a whole number"):
        parse_number("--seed", "x", int)


def test_images_whose_size_and_crc32_meet_are_told_apart_by_sha256(tmp_path):
    from types import SimpleNamespace

    from dlimgmgr_tasks.lib.mix import carriers

    items = []
    for name, data, content in (("a", b"one", (3, 1)), ("b", b"two", (3, 1)), ("c", b"one", (3, 1)),
                                ("d", b"four", (4, 2))):   # as if a, b and c met on size and crc32
        (tmp_path / f"{name}.jpg").write_bytes(data)
        items.append(SimpleNamespace(image=str(tmp_path / f"{name}.jpg"), content=content))
    keys = carriers._exact(items)
    assert keys[0] == keys[2] != keys[1] and keys[3] == (4, 2)
