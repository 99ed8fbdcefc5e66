"""The grouped split (issue 22): a real build of 23 carriers mixed with several seeds and ratios
puts every image of one carrier in that carrier's split, meets the ratios in whole carriers, keeps
identical bytes in one split, and leaves a project's split alone when another project is added."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml

from tests.helpers.buildkit import add_tiny_profiles, make_project
from tests.helpers.repo import make_repo
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.mix import leakage, mix
from dlimgmgr_tasks.lib.report import sources
from dlimgmgr_tasks.lib.workspace import Workspace

CARRIERS = 23
RATIOS = [(0.8, 0.2, 0.0), (0.7, 0.2, 0.1), (0.5, 0.5, 0.0), (0.6, 0.1, 0.3)]
SEEDS = [0, 1, 7]


def _carriers(n: int, shift: int = 0) -> list:
    return [[("close", ((7 * i + shift) % 70, (11 * i + shift) % 70))] for i in range(n)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """`scenes` (23 carriers x 3) and `other` (5 carriers x 2), built for real at the tiny profile."""
    repo = add_tiny_profiles(make_repo(tmp_path_factory.mktemp("grouped")))
    make_project(repo, "scenes", count=3, carriers=_carriers(CARRIERS))
    make_project(repo, "other", count=2, seed=3, carriers=_carriers(5, shift=5))
    repo.inv("build", "--profile", "tiny", "--jobs", "2", check=True)
    return repo


def _ws(repo) -> Workspace:
    conf = yaml.safe_load((repo.path / "invoke.yaml").read_text())["dlimgmgr"]
    return Workspace.at(repo.path, {"profiles": conf["profiles"]}, profile="tiny")


def _mixed(repo, name: str, projects, ratios, seed: int):
    mix(_ws(repo), name, projects, *ratios, seed=seed, jobs=1)
    source = sources.read_mix(repo.path / "dist", name)
    manifest = json.loads((repo.path / "dist" / f"{name}.manifest.json").read_text())
    return source, manifest


def test_every_built_xml_names_its_master_carrier(built):
    build = built.project("scenes") / "build"
    masters = {p.name for p in (built.project("scenes") / "master").glob("*.jpg")}
    named = [voc.read(x).source_image for x in sorted(build.glob("*.xml"))]
    assert len(named) == 3 * CARRIERS and set(named) == masters
    assert named == sorted(named)   # outputs are numbered in carrier order


@pytest.mark.parametrize("ratios", RATIOS)
def test_no_carrier_in_two_splits_and_shares_within_one_carrier(built, ratios):
    for seed in SEEDS:
        source, manifest = _mixed(built, "g", ["scenes"], ratios, seed)
        split_of = {}
        for entry in source.entries:
            assert split_of.setdefault(entry.annotation.source_image, entry.split) == entry.split, entry.stem
        assert len(split_of) == CARRIERS
        listed = manifest["split"]["carriers"]["scenes"]
        assert {c: s for s, cs in listed.items() for c in cs} == split_of
        for s, ratio in zip(("train", "val", "test"), ratios):
            got = sum(v == s for v in split_of.values())
            assert abs(got - ratio * CARRIERS) < 1, (seed, ratios, s, got)
            assert manifest["counts"]["images"].get(s, 0) == 3 * got   # every sibling came along


def test_seeds_give_different_splits(built):
    seen = {json.dumps(_mixed(built, "g", ["scenes"], RATIOS[0], seed)[1]["split"]["carriers"]) for seed in SEEDS}
    assert len(seen) == len(SEEDS)


def test_adding_a_project_leaves_the_others_split_alone(built):
    for seed in SEEDS:
        alone = _mixed(built, "a", ["scenes"], RATIOS[1], seed)[1]["split"]["carriers"]
        other = _mixed(built, "o", ["other"], RATIOS[1], seed)[1]["split"]["carriers"]
        both = _mixed(built, "b", ["scenes", "other"], RATIOS[1], seed)[1]["split"]["carriers"]
        assert both == {**alone, **other}


def test_the_mix_prints_carrier_and_image_shares_and_warns_on_too_few_carriers(built):
    out = built.inv("mix", "--profile", "tiny", "--name", "p", "--projects", "scenes,other",
                    "--train", "0.8", "--val", "0.2", check=True).stdout
    assert "scenes: carriers train 18, val 5; built images train 54 (78%), val 15 (22%)" in out
    warning = [line for line in out.splitlines() if line.startswith("warning: other")]
    assert warning == ["warning: other has too few carriers for the ratios asked (train 4, val 1 carrier(s)); "
                       "compose more: raise compose.count in projects/other/project.yaml, then "
                       "inv dataaug.compose other"]
    report = built.inv("dlimgmgr.check", "--mix", "p", check=True).stdout
    assert "0 carrier(s) in two splits, 0 identical image(s) in two splits" in report


def test_identical_bytes_in_two_projects_land_in_one_split(built, tmp_path):
    repo = make_repo(tmp_path)
    for name in ("scenes", "other"):
        shutil.copytree(built.project(name), repo.project(name))
    add_tiny_profiles(repo)
    src = repo.project("scenes") / "build"
    copies = repo.project("other") / "build"
    for stem in ("scenes_000001", "scenes_000031", "scenes_000061"):   # three carriers of scenes
        n = 100 + int(stem[-3:])
        shutil.copy(src / f"{stem}.jpg", copies / f"other_{n:06d}.jpg")
        ann = voc.read(src / f"{stem}.xml")
        ann.filename, ann.source_image = f"other_{n:06d}.jpg", f"other_x{n}.jpg"
        voc.write(copies / f"other_{n:06d}.xml", ann)
    for seed in SEEDS:
        source, _ = _mixed(repo, "d", ["scenes", "other"], RATIOS[2], seed)
        split_of = {e.stem: e.split for e in source.entries}
        for stem in ("scenes_000001", "scenes_000031", "scenes_000061"):
            assert split_of[f"other_{100 + int(stem[-3:]):06d}"] == split_of[stem]
        assert leakage.check(_ws(repo), "d").leaks == 0


def test_a_build_naming_no_carriers_is_split_by_image_with_a_warning(tmp_path):
    from tests.helpers.mixdata import make_build
    repo = make_repo(tmp_path)
    make_build(repo.path, "old", ["cat"], 10, per_carrier=0)   # as a build from before issue 22
    make_build(repo.path, "new", ["cat"], 12, per_carrier=4)
    out = repo.inv("mix", "--profile", "resnet34", "--projects", "old,new", "--train", "0.5", "--val", "0.5",
                   check=True).stdout
    assert ("warning: 10 image(s) of projects/old/build name no master carrier (<source><image>), so each is "
            "split on its own and its siblings can leak into val; build again: inv build --project old --force") in out
    assert "  old: carriers train 5, val 5; built images train 5 (50%), val 5 (50%)" in out
    assert "  new: carriers train 2, val 1; built images train 8 (67%), val 4 (33%)" in out
