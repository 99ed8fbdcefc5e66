"""`inv mix` refusing what it cannot mix: exit 1, one line naming the cause, the last mix kept."""
from __future__ import annotations

import pytest

from tests.helpers.mixdata import PROFILE, make_builds, run_mix


@pytest.fixture
def mixed_once(repo):
    """The three builds, mixed once as `ds`: returns (repo, that archive's bytes)."""
    make_builds(repo.path)
    run_mix(repo, "--name", "ds")
    return repo, (repo.path / "dist" / "ds.tar.gz").read_bytes()


def one_line_error(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def copy_into_beta(repo, stem: str) -> None:
    clash = repo.path / "projects" / "beta" / "build"
    for ext in (".jpg", ".xml"):
        (clash / f"{stem}{ext}").write_bytes((repo.path / "projects/alpha/build" / f"{stem}{ext}").read_bytes())


def break_a_box(repo) -> None:
    bad = repo.path / "projects" / "beta" / "build" / "beta_000004.xml"
    bad.write_text(bad.read_text().replace("<xmax>", "<xmax>9", 1))


def test_ratios_that_do_not_add_up_to_1_are_refused(mixed_once):
    proc = run_mix(mixed_once[0], "--name", "ds", "--train", "0.5", "--val", "0.2", check=False)
    assert "not 1" in one_line_error(proc)


def test_an_unknown_project_is_refused(mixed_once):
    proc = mixed_once[0].inv("mix", *PROFILE, "--projects", "alpha,nope", check=False)
    assert "not found" in one_line_error(proc)


def test_a_project_without_a_build_is_refused_naming_the_build_command(mixed_once):
    repo = mixed_once[0]
    (repo.path / "projects" / "empty").mkdir()
    (repo.path / "projects" / "empty" / "project.yaml").write_text("classes: [cat]\n")
    proc = repo.inv("mix", *PROFILE, "--projects", "alpha,empty", check=False)
    assert "inv build --project empty" in one_line_error(proc)


def test_an_id_two_projects_share_is_refused(mixed_once):
    copy_into_beta(mixed_once[0], "alpha_000001")
    assert "alpha_000001" in one_line_error(run_mix(mixed_once[0], "--name", "ds", check=False))


def test_an_invalid_annotation_is_refused_naming_the_file(mixed_once):
    break_a_box(mixed_once[0])
    line = one_line_error(run_mix(mixed_once[0], "--name", "ds", check=False))
    assert "projects/beta/build/beta_000004.xml" in line and "outside" in line


def test_a_remap_that_is_not_old_new_is_refused(mixed_once):
    line = one_line_error(run_mix(mixed_once[0], "--name", "ds", "--remap", "cat", check=False))
    assert "--remap 'cat' is not old=new" in line


def test_a_failed_mix_keeps_the_previous_archive(mixed_once):
    repo, before = mixed_once
    break_a_box(repo)
    run_mix(repo, "--name", "ds", check=False)
    assert (repo.path / "dist" / "ds.tar.gz").read_bytes() == before


def test_a_failed_mix_leaves_no_temporary_files(mixed_once):
    repo = mixed_once[0]
    break_a_box(repo)
    run_mix(repo, "--name", "ds", check=False)
    left = sorted(p.name for p in (repo.path / "dist").iterdir())
    assert left == [".ds.lock", "ds.manifest.json", "ds.tar.gz"]  # the per-name lock stays, empty


def test_a_split_asked_for_that_gets_no_image_is_warned_about(repo):
    from tests.helpers.mixdata import make_build
    make_build(repo.path, "solo", ["cat"], 1)
    out = repo.inv("mix", *PROFILE, "--projects", "solo", "--name", "one", check=True).stdout
    warning = next(ln for ln in out.splitlines() if ln.startswith("warning: val"))
    assert "0.2 of 1 image(s) rounds to none" in warning and "--val 0" in warning


def test_a_mix_whose_splits_all_got_images_has_no_split_warning(mixed_once):
    repo, _ = mixed_once
    assert "has no image" not in run_mix(repo, "--name", "ds").stdout
