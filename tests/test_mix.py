"""`inv mix`: the tar.gz checked as an independent consumer would, byte-identical re-mix, remaps,
errors, config defaults, and a maintained third-party VOC reader (supervision) on the result."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mixdata import make_build
from voc_consumer import check_dataset, read_lines

PROFILE = ("--profile", "resnet34")   # 64x64, the size mixdata writes


@pytest.fixture
def builds(repo):
    make_build(repo.path, "alpha", ["cat"], 40)
    make_build(repo.path, "beta", ["dog", "owl"], 31)
    make_build(repo.path, "gamma", ["cat", "owl"], 6, test_only=True)
    return repo


def mix(repo, *args, check=True):
    return repo.inv("mix", *PROFILE, "--projects", "alpha,beta,gamma", *args, check=check)


def unpack(archive: Path, dest: Path) -> Path:
    dest.mkdir()
    subprocess.run(["tar", "xzf", str(archive), "-C", str(dest)], check=True)
    return dest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_mix_is_a_valid_voc_dataset(builds, tmp_path):
    proc = mix(builds, "--name", "ds", "--seed", "7", "--train", "0.8", "--val", "0.2", "--test", "0")
    assert "mixed ds: 77 images" in proc.stdout
    archive = builds.path / "dist" / "ds.tar.gz"
    manifest = json.loads((builds.path / "dist" / "ds.manifest.json").read_text())
    out = unpack(archive, tmp_path / "out")
    assert [p.name for p in out.iterdir()] == ["ds"], "one top folder"
    ds = out / "ds"
    seen = check_dataset(ds)
    splits, objects = seen["splits"], seen["objects"]
    jpgs = set(objects)
    assert len(jpgs) == 77
    # The test-only project is test, whole; each project's train share is within one image of the ratio.
    assert set(splits["test"]) == {i for i in jpgs if i.startswith("gamma_")}
    for project, n in (("alpha", 40), ("beta", 31)):
        n_train = sum(i.startswith(project + "_") for i in splits["train"])
        assert abs(n_train - 0.8 * n) <= 1, (project, n_train)
    classes = ["cat", "dog", "owl"]
    assert seen["classes"] == classes

    assert manifest["sha256"] == sha256(archive)
    assert manifest["classes"] == classes
    assert manifest["counts"]["images"] == {s: len(splits[s]) for s in ("train", "val", "test")}
    assert manifest["counts"]["projects"]["gamma"] == {"train": 0, "val": 0, "test": 6}
    n_objects = sum(len(v) for v in objects.values())
    assert sum(n for per in manifest["counts"]["objects"].values() for n in per.values()) == n_objects
    prov = manifest["provenance"]
    assert set(prov["projects"]) == {"alpha", "beta", "gamma"}
    assert prov["profile"] == {"name": "resnet34", "size": [64, 64]}
    assert re.fullmatch(r"[0-9a-f]{64}", prov["projects"]["alpha"]["recipe"]["project.yaml"])
    assert prov["tool"].startswith("dlimgmgr ")
    assert manifest["split"]["seed"] == 7


def test_archive_is_deterministic_standard_and_compact(builds):
    mix(builds, "--name", "ds")
    archive = builds.path / "dist" / "ds.tar.gz"
    first = archive.read_bytes()
    mix(builds, "--name", "ds")
    assert archive.read_bytes() == first, "same builds and settings: byte-identical archive"
    assert subprocess.run(["gzip", "-t", str(archive)]).returncode == 0
    with tarfile.open(archive, "r|gz") as tar:   # streaming reader: one gzip member, GNU format
        members = list(tar)
    assert all(m.mtime == 0 and m.uid == m.gid == 0 and m.uname == m.gname == "" for m in members)
    names = [m.name for m in members]
    assert names == sorted(names, key=lambda n: n.split("/"))
    assert first[4:8] == b"\0\0\0\0", "gzip header mtime 0"
    # GNU format: no PAX headers (~1 KB each); the tar is about the files' size plus 512 B headers.
    assert not any(m.pax_headers for m in members)
    mix(builds, "--name", "ds", "--seed", "1")
    assert archive.read_bytes() != first, "another seed gives another split"


def test_remap_renames_classes_inside_the_archive(builds, tmp_path):
    proc = mix(builds, "--name", "ds", "--remap", "cat=feline,nosuch=x")
    assert "note: remap nosuch=x matched no class" in proc.stdout
    ds = unpack(builds.path / "dist" / "ds.tar.gz", tmp_path / "out") / "ds"
    names = {o.findtext("name") for p in (ds / "Annotations").iterdir() for o in ET.parse(p).iter("object")}
    assert names == {"feline", "dog", "owl"}
    assert read_lines(ds / "labelmap.txt")[1:] == ["dog:::", "feline:::", "owl:::"]
    assert (ds / "ImageSets" / "Main" / "feline_train.txt").is_file()
    assert not (ds / "ImageSets" / "Main" / "cat_train.txt").exists()
    manifest = json.loads((builds.path / "dist" / "ds.manifest.json").read_text())
    assert manifest["classes"] == ["dog", "feline", "owl"] and manifest["remap"] == {"cat": "feline", "nosuch": "x"}
    # Renamed in the archive only: the build stays as built.
    assert "<name>cat</name>" in (builds.path / "projects/alpha/build/alpha_000001.xml").read_text()


def one_line_error(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_errors_exit_1_with_one_line_and_keep_the_previous_mix(builds):
    mix(builds, "--name", "ds")
    archive = builds.path / "dist" / "ds.tar.gz"
    before = archive.read_bytes()

    assert "not 1" in one_line_error(mix(builds, "--name", "ds", "--train", "0.5", "--val", "0.2", check=False))
    assert "not found" in one_line_error(builds.inv("mix", *PROFILE, "--projects", "alpha,nope", check=False))
    (builds.path / "projects" / "empty").mkdir()
    (builds.path / "projects" / "empty" / "project.yaml").write_text("classes: [cat]\n")
    line = one_line_error(builds.inv("mix", *PROFILE, "--projects", "alpha,empty", check=False))
    assert "inv build --project empty" in line

    # An id that two projects share.
    clash = builds.path / "projects" / "beta" / "build"
    for ext in (".jpg", ".xml"):
        (clash / f"alpha_000001{ext}").write_bytes((builds.path / "projects/alpha/build" / f"alpha_000001{ext}").read_bytes())
    assert "alpha_000001" in one_line_error(mix(builds, "--name", "ds", check=False))
    for ext in (".jpg", ".xml"):
        (clash / f"alpha_000001{ext}").unlink()

    # An invalid annotation (a box outside the image) is refused, naming the file.
    bad = builds.path / "projects" / "beta" / "build" / "beta_000004.xml"
    bad.write_text(bad.read_text().replace("<xmax>", "<xmax>9", 1))
    line = one_line_error(mix(builds, "--name", "ds", check=False))
    assert "projects/beta/build/beta_000004.xml" in line and "outside" in line

    assert archive.read_bytes() == before, "a failed mix leaves the last one in place"
    assert sorted(p.name for p in archive.parent.iterdir()) == ["ds.manifest.json", "ds.tar.gz"], "no temp files"


def test_config_defaults_profile_projects_and_cli_precedence(builds):
    conf = builds.path / "invoke.yaml"
    conf.write_text(conf.read_text()
                    .replace("name: voc", "name: fromconfig")
                    .replace("train: 0.8", "train: 0.5").replace("val: 0.2", "val: 0.5")
                    .replace("size: [64, 64]", "size: [64, 64]\n      projects: [alpha]"))
    builds.inv("mix", *PROFILE, check=True)
    manifest = json.loads((builds.path / "dist" / "fromconfig.manifest.json").read_text())
    assert list(manifest["provenance"]["projects"]) == ["alpha"], "the profile's projects"
    assert manifest["counts"]["images"] == {"train": 20, "val": 20}
    builds.inv("mix", *PROFILE, "--train", "0.75", "--val", "0.25", check=True)
    manifest = json.loads((builds.path / "dist" / "fromconfig.manifest.json").read_text())
    assert manifest["counts"]["images"] == {"train": 30, "val": 10}, "CLI beats config"


def test_a_third_party_voc_reader_finds_every_image_box_and_class(builds, tmp_path):
    import supervision as sv
    mix(builds, "--name", "ds")
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
