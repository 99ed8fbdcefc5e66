"""`inv build` on this machine: deterministic across --jobs, incremental, nothing lost.

Each test makes its own small projects in a repo copy (tests/helpers/buildkit.py). Geometry,
clipping and pass-through are in tests/cli/dlimgmgr/test_build_outputs.py; the build over SSH hosts in
tests/ssh/test_remote_build.py.
"""
from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers.buildkit import add_tiny_profiles, build, built, edit_yaml, make_project, snapshot
from tests.helpers.repo import make_repo
from dlimgmgr_tasks.lib import voc


@pytest.fixture
def tiny(repo):
    return add_tiny_profiles(repo)


@pytest.fixture(scope="module")
def by_jobs(tmp_path_factory):
    """`icons` (3 carriers x count 5) built with one job, then forced with two: both snapshots."""
    repo = add_tiny_profiles(make_repo(tmp_path_factory.mktemp("jobs")))
    pdir = make_project(repo, "icons", count=5)
    build(repo, "icons", "--jobs", "1", "--force")
    one = snapshot(pdir / "build")
    repo.inv("dlimgmgr.build", "--project", "icons", "--jobs", "2", "--force", "--profile", "tiny", check=True)
    return pdir / "build", one, snapshot(pdir / "build")


@pytest.fixture
def two_projects(tiny):
    """`icons` and `other`, both built."""
    make_project(tiny, "icons", count=3)
    make_project(tiny, "other", count=2, seed=3)
    tiny.inv("build", "--profile", "tiny", "--jobs", "2", check=True)
    return tiny


def builds(repo, *names, mtimes=True):
    return {n: snapshot(repo.project(n) / "build", mtimes=mtimes) for n in names}


def test_outputs_are_numbered_in_carrier_order(by_jobs):
    folder, _, _ = by_jobs
    assert built(folder) == [f"icons_{n:06d}.jpg" for n in range(1, 16)]


def test_an_annotation_names_its_image_size_and_class(by_jobs):
    folder, _, _ = by_jobs
    ann = voc.read(folder / "icons_000001.xml")
    assert (ann.filename, ann.width, ann.height, ann.labels) == ("icons_000001.jpg", 96, 96, ["close"])


def test_coordinates_are_written_as_integers(by_jobs):
    folder, _, _ = by_jobs
    text = (folder / "icons_000001.xml").read_text()
    for tag in ("xmin", "ymin", "xmax", "ymax"):  # integers, as the trainers' int() needs
        assert text.split(f"<{tag}>")[1].split("<")[0].isdigit(), text


def test_every_output_differs(by_jobs):
    _, one, _ = by_jobs
    assert len({one[n] for n in one if n.endswith(".jpg")}) == 15


def test_two_jobs_give_the_bytes_of_one(by_jobs):
    _, one, two = by_jobs
    assert two == one


def test_a_build_removes_what_a_killed_run_left(tiny):
    make_project(tiny, "icons", count=1)
    litter = tiny.project("icons") / ".build.tmp-999"
    litter.mkdir()
    (litter / "icons_000001.jpg").write_bytes(b"partial")
    build(tiny, "icons")
    assert not litter.exists()


def test_an_unchanged_project_is_skipped_and_left_untouched(two_projects):
    before = builds(two_projects, "icons", "other")
    proc = two_projects.inv("build", "--profile", "tiny", check=True)
    assert "icons: up to date (9 images), skipped" in proc.stdout
    assert "other: up to date (6 images), skipped" in proc.stdout
    assert builds(two_projects, "icons", "other") == before


def test_a_changed_annotation_rebuilds_only_its_project(two_projects):
    before = builds(two_projects, "icons", "other")
    xml = two_projects.project("other") / "master" / "other_c000.xml"
    ann = voc.read(xml)
    ann.objects[0] = voc.VocObject("close", 36, 36, 61, 61)
    voc.write(xml, ann)
    proc = two_projects.inv("build", "--profile", "tiny", check=True)
    assert "icons: up to date" in proc.stdout and "other: built 6 images" in proc.stdout
    assert builds(two_projects, "icons") == {"icons": before["icons"]}
    assert builds(two_projects, "other", mtimes=False)["other"] != {k: v[0] for k, v in before["other"].items()}


def _mark_prelabel(repo):
    xml = repo.project("other") / "master" / "other_c000.xml"
    digest = hashlib.sha256(xml.read_bytes()).hexdigest()
    (xml.parent / ".prelabels.json").write_text(json.dumps({"other_c000": digest}))


def test_an_untouched_prelabel_is_a_warning_when_building(two_projects):
    _mark_prelabel(two_projects)
    proc = build(two_projects, "other", "--force")
    assert "untouched pre-label" in proc.stderr and "other_c000.xml" in proc.stderr


def test_a_skipped_project_does_not_warn_again(two_projects):
    _mark_prelabel(two_projects)
    build(two_projects, "other", "--force")
    assert "untouched" not in build(two_projects, "other").stderr


def _script_project(repo, name: str, count: int, prefix: str = ""):
    """A project built by augment.py (the template's, after `prefix`)."""
    pdir = make_project(repo, name, count=count, extra={"augment": "augment.py"})
    template = (repo.path / "projects" / "common" / "templates" / "augment.py").read_text()
    (pdir / "augment.py").write_text(prefix + template.replace("$name", name))
    return pdir


def test_an_augment_py_project_is_deterministic_across_jobs(tiny):
    pdir = _script_project(tiny, "scripted", 4)
    build(tiny, "scripted", "--jobs", "1")
    one = snapshot(pdir / "build")
    assert built(pdir / "build") == [f"scripted_{n:06d}.jpg" for n in range(1, 13)]
    build(tiny, "scripted", "--jobs", "2", "--force")
    assert snapshot(pdir / "build") == one


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_augment_py_that_fails_to_load_is_one_line_with_any_number_of_jobs(tiny, jobs):
    pdir = _script_project(tiny, "broken", 2, 'raise RuntimeError("boom")\n')
    proc = tiny.inv("build", "--project", "broken", "--profile", "tiny", "--jobs", jobs, check=False, timeout=120)
    assert f"{pdir / 'augment.py'}: failed to load (RuntimeError: boom); fix the script" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (pdir / "build").exists() and not list(pdir.glob(".build.tmp-*"))


def test_an_augment_py_that_fails_only_in_the_workers_ends_the_build_instead_of_hanging_it(tiny):
    # The orchestrator's own check passes; the pool's workers fail as they start (a Pool would
    # start new ones forever).
    pdir = _script_project(tiny, "workers", 2, "import multiprocessing\nif multiprocessing.parent_process():\n"
                                            "    raise RuntimeError('only in a worker')\n")
    proc = tiny.inv("build", "--project", "workers", "--profile", "tiny", "--jobs", "2", check=False, timeout=120)
    assert "augment.py: failed to load (RuntimeError: only in a worker)" in proc.stderr, proc.stderr
    assert "the previous build is untouched" in proc.stderr
    assert not (pdir / "build").exists() and not list(pdir.glob(".build.tmp-*"))


@pytest.mark.parametrize("step, message", [
    ({"Rotato": {"limit": 5}}, "recipe step 1: 'Rotato' is not an albumentations"),
    ({"Affine": {"rotate": "lots"}}, "recipe step 1 (Affine): rotate"),
    ({"Affine": {"rotat": [-5, 5]}}, "recipe step 1 (Affine): Argument(s) 'rotat' are not valid"),
    ({"OneOf": {"steps": [{"GaussianBlur": {"sigma": 1}}]}}, "recipe step 1.1 (GaussianBlur)"),
])
def test_a_bad_recipe_is_one_line_naming_the_step(tiny, step, message):
    pdir = make_project(tiny, "bad", count=1, recipe={"steps": [step]})
    proc = build(tiny, "bad", check=False)
    assert f"{pdir / 'project.yaml'}: {message}" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (pdir / "build").exists() and not list(pdir.glob(".build.tmp-*"))


def _interrupt_once_writing(repo, pdir) -> subprocess.Popen:
    """Start a long build and send SIGINT once 20 outputs are in a staging or share folder."""
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "build", "--project", "icons", "--profile", "tiny",
                             "--jobs", "2"], cwd=repo.path, env=repo.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum(1 for folder in pdir.glob(".build.tmp-*") for _ in folder.glob("*.jpg")) >= 20:
            proc.send_signal(signal.SIGINT)
            return proc
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the build never started writing")


def test_sigint_leaves_the_previous_build_byte_identical(tiny):
    pdir = make_project(tiny, "icons", count=2)
    build(tiny, "icons", "--jobs", "2")
    before = snapshot(pdir / "build", mtimes=True)
    edit_yaml(pdir, lambda conf: conf.update(count=4000))  # long enough to interrupt
    proc = _interrupt_once_writing(tiny, pdir)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err and "Traceback" not in err, err
    assert snapshot(pdir / "build", mtimes=True) == before
    assert not list(pdir.glob(".build.tmp-*")) and not list(pdir.glob(".build.old-*"))
