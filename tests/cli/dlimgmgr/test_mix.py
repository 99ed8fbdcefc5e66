"""`inv mix`: the tar.gz checked as an independent consumer would, byte-identical re-mix, remaps,
config defaults, and a maintained third-party VOC reader (supervision) on the result."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers.mixdata import PROFILE, make_builds, run_mix, unpack
from tests.helpers.voc_consumer import check_dataset, read_lines


@pytest.fixture
def builds(repo):
    make_builds(repo.path)
    return repo


@pytest.fixture
def mixed(builds, tmp_path):
    """The three builds mixed as `ds` (seed 7, 0.8/0.2/0), unpacked: (repo, dataset folder, manifest)."""
    proc = run_mix(builds, "--name", "ds", "--seed", "7", "--train", "0.8", "--val", "0.2", "--test", "0")
    assert "mixed ds: 77 images" in proc.stdout
    out = unpack(builds.path / "dist" / "ds.tar.gz", tmp_path / "out")
    manifest = json.loads((builds.path / "dist" / "ds.manifest.json").read_text())
    return builds, out, manifest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_archive_has_one_top_folder_named_after_the_dataset(mixed):
    _, out, _ = mixed
    assert [p.name for p in out.iterdir()] == ["ds"]


def test_the_mix_is_a_consistent_voc_dataset_of_every_built_image(mixed):
    _, out, _ = mixed
    seen = check_dataset(out / "ds")
    assert len(seen["objects"]) == 77 and seen["classes"] == ["cat", "dog", "owl"]


def test_a_test_only_project_goes_to_test_whole(mixed):
    seen = check_dataset(mixed[1] / "ds")
    assert set(seen["splits"]["test"]) == {i for i in seen["objects"] if i.startswith("gamma_")}


def test_each_project_is_split_by_the_ratio_on_its_own(mixed):
    splits = check_dataset(mixed[1] / "ds")["splits"]
    for project, n in (("alpha", 40), ("beta", 31)):
        n_train = sum(i.startswith(project + "_") for i in splits["train"])
        assert abs(n_train - 0.8 * n) <= 1, (project, n_train)


def test_the_manifest_records_the_archives_sha256_classes_and_seed(mixed):
    repo, _, manifest = mixed
    assert manifest["sha256"] == sha256(repo.path / "dist" / "ds.tar.gz")
    assert manifest["classes"] == ["cat", "dog", "owl"] and manifest["split"]["seed"] == 7


def test_the_manifest_counts_images_per_split_and_project(mixed):
    _, out, manifest = mixed
    splits = check_dataset(out / "ds")["splits"]
    assert manifest["counts"]["images"] == {s: len(splits[s]) for s in ("train", "val", "test")}
    assert manifest["counts"]["projects"]["gamma"] == {"train": 0, "val": 0, "test": 6}


def test_the_manifest_counts_every_object(mixed):
    _, out, manifest = mixed
    objects = check_dataset(out / "ds")["objects"]
    total = sum(n for per in manifest["counts"]["objects"].values() for n in per.values())
    assert total == sum(len(v) for v in objects.values())


def test_the_manifest_records_provenance(mixed):
    prov = mixed[2]["provenance"]
    assert set(prov["projects"]) == {"alpha", "beta", "gamma"}
    assert prov["profile"] == {"name": "resnet34", "size": [64, 64]}
    assert re.fullmatch(r"[0-9a-f]{64}", prov["projects"]["alpha"]["recipe"]["project.yaml"])
    assert prov["tool"].startswith("dlimgmgr ")


# --- the archive itself -------------------------------------------------------------------------

@pytest.fixture
def archive(builds):
    run_mix(builds, "--name", "ds")
    return builds.path / "dist" / "ds.tar.gz"


def test_a_second_mix_of_the_same_builds_is_byte_identical(builds, archive):
    first = archive.read_bytes()
    run_mix(builds, "--name", "ds")
    assert archive.read_bytes() == first


def test_another_seed_gives_another_archive(builds, archive):
    first = archive.read_bytes()
    run_mix(builds, "--name", "ds", "--seed", "1")
    assert archive.read_bytes() != first


def test_the_archive_is_one_gzip_member_a_streaming_reader_reads(archive):
    assert subprocess.run(["gzip", "-t", str(archive)]).returncode == 0
    with tarfile.open(archive, "r|gz") as tar:
        assert len(list(tar)) > 77


def test_members_have_zero_times_and_owners_and_no_user_names(archive):
    with tarfile.open(archive, "r|gz") as tar:
        members = list(tar)
    assert all(m.mtime == 0 and m.uid == m.gid == 0 and m.uname == m.gname == "" for m in members)


def test_members_are_sorted_by_path(archive):
    with tarfile.open(archive, "r|gz") as tar:
        names = [m.name for m in tar]
    assert names == sorted(names, key=lambda n: n.split("/"))


def test_the_gzip_header_has_mtime_zero(archive):
    assert archive.read_bytes()[4:8] == b"\0\0\0\0"


def test_members_are_gnu_format_without_pax_headers(archive):
    # GNU format: no PAX headers (~1 KB each); the tar is about the files' size plus 512 B headers.
    with tarfile.open(archive, "r|gz") as tar:
        assert not any(m.pax_headers for m in tar)


# --- remaps -------------------------------------------------------------------------------------

@pytest.fixture
def remapped(builds, tmp_path):
    proc = run_mix(builds, "--name", "ds", "--remap", "cat=feline,nosuch=x")
    ds = unpack(builds.path / "dist" / "ds.tar.gz", tmp_path / "out") / "ds"
    return builds, proc, ds


def test_remap_renames_classes_in_the_annotations(remapped):
    ds = remapped[2]
    names = {o.findtext("name") for p in (ds / "Annotations").iterdir() for o in ET.parse(p).iter("object")}
    assert names == {"feline", "dog", "owl"}


def test_remap_renames_the_labelmap_and_the_per_class_image_sets(remapped):
    ds = remapped[2]
    assert read_lines(ds / "labelmap.txt")[1:] == ["dog:::", "feline:::", "owl:::"]
    assert (ds / "ImageSets" / "Main" / "feline_train.txt").is_file()
    assert not (ds / "ImageSets" / "Main" / "cat_train.txt").exists()


def test_remap_is_recorded_in_the_manifest(remapped):
    manifest = json.loads((remapped[0].path / "dist" / "ds.manifest.json").read_text())
    assert manifest["classes"] == ["dog", "feline", "owl"] and manifest["remap"] == {"cat": "feline", "nosuch": "x"}


def test_a_remap_that_matches_no_class_is_noted(remapped):
    assert "note: remap nosuch=x matched no class" in remapped[1].stdout


def test_remap_leaves_the_build_as_built(remapped):
    assert "<name>cat</name>" in (remapped[0].path / "projects/alpha/build/alpha_000001.xml").read_text()


# --- configuration ------------------------------------------------------------------------------

@pytest.fixture
def configured(builds):
    conf = builds.path / "invoke.yaml"
    conf.write_text(conf.read_text()
                    .replace("name: voc", "name: fromconfig")
                    .replace("train: 0.8", "train: 0.5").replace("val: 0.2", "val: 0.5")
                    .replace("size: [64, 64]", "size: [64, 64]\n      projects: [alpha]"))
    return builds


def manifest_of(repo, name="fromconfig") -> dict:
    return json.loads((repo.path / "dist" / f"{name}.manifest.json").read_text())


def test_config_names_the_dataset_and_the_profile_its_projects(configured):
    configured.inv("mix", *PROFILE, check=True)
    manifest = manifest_of(configured)
    assert list(manifest["provenance"]["projects"]) == ["alpha"]
    assert manifest["counts"]["images"] == {"train": 20, "val": 20}


def test_cli_ratios_beat_the_configs(configured):
    configured.inv("mix", *PROFILE, "--train", "0.75", "--val", "0.25", check=True)
    assert manifest_of(configured)["counts"]["images"] == {"train": 30, "val": 10}


def test_a_third_party_voc_reader_finds_every_image_box_and_class(builds, tmp_path):
    import supervision as sv
    run_mix(builds, "--name", "ds")
    ds = unpack(builds.path / "dist" / "ds.tar.gz", tmp_path / "out") / "ds"
    dataset = sv.DetectionDataset.from_pascal_voc(images_directory_path=str(ds / "JPEGImages"),
                                                  annotations_directory_path=str(ds / "Annotations"))
    assert len(dataset) == 77
    assert sorted(dataset.classes) == ["cat", "dog", "owl"]
    total = 0
    for path, _image, detections in dataset:
        root = ET.parse(ds / "Annotations" / f"{Path(path).stem}.xml").getroot()
        boxes = [[int(o.findtext(f"bndbox/{k}")) for k in ("xmin", "ymin", "xmax", "ymax")] for o in root.iter("object")]
        labels = [o.findtext("name") for o in root.iter("object")]
        assert [dataset.classes[i] for i in detections.class_id] == labels
        # supervision reads VOC's 1-based inclusive pixels as 0-based edges: xmin - 1, xmax.
        assert detections.xyxy.tolist() == [[x0 - 1, y0 - 1, x1, y1] for x0, y0, x1, y1 in boxes]
        total += len(detections)
    manifest = json.loads((builds.path / "dist" / "ds.manifest.json").read_text())
    assert total == sum(n for per in manifest["counts"]["objects"].values() for n in per.values())
