"""The mix as one transaction: archive and manifest together or neither, one mix of a name at a
time, a killed run's temps removed by the next; and images with no object left out unless asked."""
from __future__ import annotations

import json
import os
import tarfile
from pathlib import Path

from tests.helpers.mixdata import PROFILE, make_build

from dlimgmgr_tasks.lib import files, voc


def negative_build(repo) -> Path:
    """alpha: 10 images with boxes plus 2 with no object."""
    build = make_build(repo.path, "alpha", ["cat"], 10)
    for stem in ("alpha_000011", "alpha_000012"):
        (build / f"{stem}.jpg").write_bytes((build / "alpha_000001.jpg").read_bytes())
        voc.write(build / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", 64, 64, 3, []))
    return build


def members(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def test_a_default_mix_leaves_images_without_objects_out_and_says_so(repo):
    negative_build(repo)
    proc = repo.inv("mix", *PROFILE, "--projects", "alpha", check=True)
    assert "left out 2 image(s) with no object" in proc.stdout
    names = members(repo.path / "dist" / "voc.tar.gz")
    assert "voc/JPEGImages/alpha_000011.jpg" not in names and "voc/JPEGImages/alpha_000010.jpg" in names
    manifest = json.loads((repo.path / "dist" / "voc.manifest.json").read_text())
    assert manifest["counts"]["negatives_left_out"] == 2


def test_a_mix_with_negatives_keeps_them_in_the_splits_and_absent_from_every_class_file(repo, tmp_path):
    negative_build(repo)
    repo.inv("mix", *PROFILE, "--projects", "alpha", "--negatives", check=True)
    with tarfile.open(repo.path / "dist" / "voc.tar.gz") as tar:
        trainval = tar.extractfile("voc/ImageSets/Main/trainval.txt").read().decode().split()
        cat = tar.extractfile("voc/ImageSets/Main/cat_trainval.txt").read().decode().splitlines()
    assert {"alpha_000011", "alpha_000012"} <= set(trainval)
    assert "alpha_000011 -1" in cat and "alpha_000012 -1" in cat


def test_a_second_mix_of_the_same_name_is_refused_while_one_runs(repo):
    make_build(repo.path, "alpha", ["cat"], 4)
    dist = repo.path / "dist"
    dist.mkdir()
    with files.locked(dist / ".voc.lock", "mix"):
        proc = repo.inv("mix", *PROFILE, "--projects", "alpha", check=False)
    assert "another mix of 'voc' is running" in proc.stderr
    assert not (dist / "voc.tar.gz").exists()


def test_the_next_mix_removes_the_temps_a_killed_mix_left(repo):
    make_build(repo.path, "alpha", ["cat"], 4)
    dist = repo.path / "dist"
    dist.mkdir()
    stale = [dist / ".voc.tar.gz.tmp-99999", dist / ".voc.manifest.json.tmp-99999"]
    for path in stale:
        path.write_bytes(b"half")
    repo.inv("mix", *PROFILE, "--projects", "alpha", check=True)
    assert not any(p.exists() for p in stale)
    assert sorted(p.name for p in dist.iterdir()) == [".voc.lock", "voc.manifest.json", "voc.tar.gz"]


def test_a_failed_mix_leaves_the_previous_archive_and_manifest_as_they_were(repo):
    build = make_build(repo.path, "alpha", ["cat"], 4)
    repo.inv("mix", *PROFILE, "--projects", "alpha", check=True)
    dist = repo.path / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    (build / "alpha_000002.xml").write_text("<annotation><object>")
    repo.inv("mix", *PROFILE, "--projects", "alpha", "--seed", "7", check=False)
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    assert not [n for n in os.listdir(dist) if ".tmp-" in n]


def test_two_real_mixes_of_one_name_at_once_leave_an_archive_its_manifest_describes(repo):
    import hashlib
    import subprocess
    import sys
    make_build(repo.path, "alpha", ["cat"], 300)
    dist = repo.path / "dist"
    for trial in range(4):
        procs = [subprocess.Popen([sys.executable, "-m", "invoke", "mix", *PROFILE, "--projects", "alpha",
                                   "--name", "race", "--seed", str(seed)], cwd=repo.path, env=repo.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
                 for seed in (2 * trial, 2 * trial + 1)]
        outs = [(p.wait(120), p.communicate()) for p in procs]
        for code, (_, err) in outs:   # each either mixed or was told the other one runs
            assert code == 0 or "another mix of 'race' is running" in err, err
        manifest = json.loads((dist / "race.manifest.json").read_text())
        assert hashlib.sha256((dist / "race.tar.gz").read_bytes()).hexdigest() == manifest["sha256"]
