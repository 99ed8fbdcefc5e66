"""`inv dataaug.preview` in a copy of the repository: the sheet's path, --limit, --build, --coverage, bad input.

The sheets themselves (lib/preview.py, lib/coverage.py) are in tests/unit/test_preview.py and test_coverage.py."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from dlimgmgr_tasks.lib import preview


def test_preview_task_writes_the_png_and_prints_its_path(repo):
    proc = repo.inv("dataaug.preview", "kanji", check=True)
    path = Path(proc.stdout.strip())
    assert path == repo.path / "build" / "previews" / "kanji-master.png"
    with Image.open(path) as im:
        assert im.format == "PNG" and im.width > 3 * preview.THUMB


def test_preview_task_limit_caps_the_thumbnails(repo):
    proc = repo.inv("dataaug.preview", "close", "--limit", "3", check=True)
    with Image.open(proc.stdout.strip()) as im:
        assert im.size[0] == preview.PAD + 2 * (preview.THUMB + preview.PAD)  # 3 thumbnails: 2 columns


def test_preview_of_a_project_without_build_names_the_build_command(repo):
    proc = repo.inv("dataaug.preview", "close", "--build", check=False)
    assert "no built images yet" in proc.stderr and "inv build --project close" in proc.stderr


def test_preview_build_draws_the_built_images(repo):
    build = repo.project("close") / "build"
    build.mkdir()
    for n, image in enumerate(sorted((repo.project("close") / "master").glob("*.jpg"))[:2]):
        shutil.copy(image, build / f"close_{n:06d}.jpg")
        shutil.copy(image.with_suffix(".xml"), build / f"close_{n:06d}.xml")
    proc = repo.inv("dataaug.preview", "close", "--build", check=True)
    assert proc.stdout.strip().endswith("build/previews/close-build.png")
    assert Path(proc.stdout.strip()).is_file()


@pytest.mark.parametrize("args, fragment", [
    (("nope",), "project 'nope' not found"),
    (("close", "--limit", "abc"), "--limit must be a whole number"),
    (("close", "--limit", "0"), "--limit must be 1 or more"),
])
def test_preview_refuses_bad_input_in_one_line(repo, args, fragment):
    proc = repo.inv("dataaug.preview", *args, check=False)
    assert fragment in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (repo.path / "build" / "previews").exists()


def test_preview_coverage_prints_the_png_path_and_a_summary_line(repo):
    proc = repo.inv("dataaug.preview", "close", "--coverage", check=True)
    path, line = proc.stdout.strip().splitlines()
    assert path.endswith("build/previews/close-master-coverage.png") and (repo.path / path).is_file()
    match = re.fullmatch(r"close: centres in (\d+) of 16 cells, sizes \d+-\d+ px, (\d+)% negatives", line)
    assert match and int(match.group(1)) >= 12 and int(match.group(2)) > 0


def test_sample_close_build_centres_fall_in_at_least_12_of_16_cells(repo):
    repo.inv("build", "--project", "close", check=True)
    line = repo.inv("dataaug.preview", "close", "--build", "--coverage", check=True).stdout.strip().splitlines()[-1]
    assert int(re.search(r"centres in (\d+) of 16", line).group(1)) >= 12, line
