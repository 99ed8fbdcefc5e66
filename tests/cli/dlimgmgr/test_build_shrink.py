"""A profile switch that shrinks objects below a useful size warns at build, naming the project
and the profile and suggesting compose at that profile (threshold: dlimgmgr.build.min_object_px)."""
from __future__ import annotations

import yaml


def shrink_lines(proc) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if "too small to learn from" in ln]


def test_resnet34_on_400px_carriers_warns_once_naming_project_and_profile(repo):
    proc = repo.inv("build", "--project", "close", "--profile", "resnet34", check=True)
    (line,) = shrink_lines(proc)
    assert line.startswith("warning: close: profile resnet34 (64x64) resizes the 400x400 carriers"), line
    assert "inv dataaug.compose close --profile resnet34" in line and "below 8 px" in line


def test_no_warning_at_the_carriers_own_size_or_under_a_lower_threshold(repo):
    assert not shrink_lines(repo.inv("build", "--project", "close", check=True))
    path = repo.path / "invoke.yaml"
    data = yaml.safe_load(path.read_text())
    data["dlimgmgr"]["build"]["min_object_px"] = 2
    path.write_text(yaml.safe_dump(data))
    assert not shrink_lines(repo.inv("build", "--project", "close", "--profile", "resnet34", check=True))


def test_a_threshold_that_is_not_a_number_is_one_line(repo):
    path = repo.path / "invoke.yaml"
    data = yaml.safe_load(path.read_text())
    data["dlimgmgr"]["build"]["min_object_px"] = "small"
    path.write_text(yaml.safe_dump(data))
    proc = repo.inv("build", "--project", "close", "--profile", "resnet34", check=False)
    assert "dlimgmgr.build.min_object_px must be a number" in proc.stderr
