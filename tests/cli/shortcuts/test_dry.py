"""`inv --dry TASK`: every task that changes something prints its plan and changes no byte.

The fingerprint covers the repository copy and every role's home (all under tmp_path), so a
task that wrote anywhere, locally or on a role's folder, fails the test.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml
from tests.helpers.repo import make_repo


def tree_digest(top: Path) -> str:
    """sha256 over every path, file mode and file content under top (links by their target)."""
    h = hashlib.sha256()
    for dirpath, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(dirpath, name)
            h.update(str(path.relative_to(top)).encode() + b"\0")
            if path.is_symlink():
                h.update(os.readlink(path).encode())
            elif path.is_file():
                h.update(oct(path.stat().st_mode).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A repo copy with builds, a mix and a deployed dataset: every dry task has real work to plan.
    Shared by the module's tests: a dry run changes nothing, and each test proves it."""
    repo = make_repo(tmp_path_factory.mktemp("dry"))
    repo.inv("all", check=True)
    repo.inv("mix", "--name", "second", check=True)
    return repo


def dry_leaves_every_byte(repo, *args) -> str:
    top = repo.path.parent
    before = tree_digest(top)
    proc = repo.inv("--dry", *args, check=True)
    assert tree_digest(top) == before, f"inv --dry {' '.join(args)} changed files"
    assert "would" in proc.stdout, proc.stdout
    return proc.stdout


@pytest.mark.parametrize("args", [
    ("dataaug.compose", "close"),
    ("build", "--force"),
    ("imglabeling.push", "close"),
    ("imglabeling.pull", "close"),
    ("mix", "--name", "dryrun"),
    ("deploy", "--name", "second"),
    ("pytorch.rollback",),
    ("dlimgmgr.distribute-config",),
    ("dataaug.prepare",),
    ("dlimgmgr.new", "drynew"),
], ids=lambda a: a[0])
def test_dry_run_of_a_changing_task_changes_no_byte(built, args):
    dry_leaves_every_byte(built, *args)


def test_dry_train_names_the_command_and_does_not_run_it(built):
    marker = built.path.parent / "trained"
    hosts = built.path / "hosts.yaml"
    original = hosts.read_bytes()
    roles = yaml.safe_load(original)["roles"]
    roles["pytorch"]["train_command"] = f"touch {marker}"
    built.write_hosts(roles)
    try:
        out = dry_leaves_every_byte(built, "pytorch.train")
    finally:
        hosts.write_bytes(original)
    assert f"touch {marker}" in out and not marker.exists()


def test_dry_import_lists_candidates_and_adds_none(built, tmp_path):
    harvest = tmp_path / "harvest"   # outside the fingerprinted tree
    harvest.mkdir()
    (harvest / "new.png").write_bytes((built.project("close") / "master" / "sources" / "close.png").read_bytes())
    out = dry_leaves_every_byte(built, "dlimgmgr.import", str(harvest), "--project", "close")
    assert "1 candidate" in out


def test_dry_all_plans_build_mix_and_deploy(built):
    out = dry_leaves_every_byte(built, "all")
    assert "up to date" in out and "would mix" in out and "would upload" in out


@pytest.mark.parametrize("args", [
    ("dlimgmgr.report",),
    ("dlimgmgr.report", "--project", "close"),
    ("dataaug.preview", "close"),
    ("dataaug.preview", "--build", "--coverage"),
    ("dlimgmgr.trust", "127.0.0.1", "--port", "9", "--yes"),
], ids=lambda a: " ".join(a))
def test_dry_run_of_a_writing_or_connecting_task_changes_no_byte(built, args):
    out = dry_leaves_every_byte(built, *args)
    assert "would" in out


def test_dry_mix_the_real_mix_refuses_fails_with_the_same_line(built):
    # A profile switch: every built image is 400x400 where resnet34 wants 64x64.
    top = built.path.parent
    real = built.inv("mix", "--name", "refused", "--profile", "resnet34", check=False)
    before = tree_digest(top)   # after the real run, which leaves its lock file
    dry = built.inv("--dry", "mix", "--name", "refused", "--profile", "resnet34", check=False)
    assert tree_digest(top) == before
    assert dry.stderr.splitlines()[0] == real.stderr.splitlines()[0], (real.stderr, dry.stderr)
    assert "annotation problem" in real.stderr
    # One cause per project (its own rebuild): the line says the first once, with its count and fix.
    assert "of 2 cause(s)" in real.stderr and "but profile resnet34 is 64x64; build again" in real.stderr


def test_dry_mix_counts_what_the_mix_writes(built):
    dry = dry_leaves_every_byte(built, "mix", "--name", "counted", "--format", "voc,yolo,yolo")
    manifest = __import__("json").loads((built.path / "dist" / "second.manifest.json").read_text())
    assert f": {manifest['counts']['total_images']} images" in dry, dry
    assert "formats voc,yolo" in dry and "yolo,yolo" not in dry


def test_dry_rollback_and_train_follow_the_vocdevkit_record(built):
    hosts = built.path / "hosts.yaml"
    original = hosts.read_bytes()
    roles = yaml.safe_load(original)["roles"]
    home = built.path.parent / "pytorch-voc"
    roles["pytorch"] = {"host": "local", "target_home": str(home), "layout": "vocdevkit",
                        "dataset_dir": str(home / "data"), "train_command": "true"}
    built.write_hosts(roles)
    try:
        built.inv("deploy", "--name", "second", check=True)
        rollback = dry_leaves_every_byte(built, "pytorch.rollback")
        train = dry_leaves_every_byte(built, "pytorch.train")
    finally:
        hosts.write_bytes(original)
    folder = home / "data" / "VOCdevkit" / "VOC2012"
    assert f"would swap {folder.parent} and its .prev" in rollback, rollback   # VOCdevkit, year and all
    assert f"DLIMGMGR_DATASET_DIR={folder}" in train and f"DLIMGMGR_VOC_ROOT={home / 'data'}" in train, train
    assert "DLIMGMGR_VOC_YEAR=2012" in train


def test_dry_all_on_a_fresh_clone_plans_the_mix_of_builds_not_made_yet(repo):
    before = tree_digest(repo.path.parent)
    out = repo.inv("--dry", "all", check=True).stdout
    assert tree_digest(repo.path.parent) == before
    assert "would build" in out and "would mix the new builds" in out and "would upload that mix" in out, out
