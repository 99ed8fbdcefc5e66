"""`layout: vocdevkit` on the pytorch role: the dataset lands as torchvision's VOCDetection reads
it (dataset_dir/VOCdevkit/VOC2012, VOC2007 when the mix has a test split); plain stays the default."""
from __future__ import annotations

import yaml

from tests.helpers.mixdata import PROFILE, make_builds


def with_layout(repo, **pytorch):
    roles = yaml.safe_load((repo.path / "hosts.yaml").read_text())["roles"]
    roles["pytorch"].update(pytorch)
    repo.write_hosts(roles)
    return repo.path.parent / "pytorch"


def voc_detection_finds(root, year: str, image_set: str) -> list[str]:
    """What torchvision.datasets.VOCDetection(root, year, image_set) opens, by its own path rules."""
    voc_root = root / "VOCdevkit" / f"VOC{year}"
    ids = (voc_root / "ImageSets" / "Main" / f"{image_set}.txt").read_text().split()
    for i in ids:
        assert (voc_root / "JPEGImages" / f"{i}.jpg").is_file() and (voc_root / "Annotations" / f"{i}.xml").is_file()
    return ids


def test_a_vocdevkit_deploy_without_test_split_is_voc2012_under_the_dataset_dir(repo):
    home = with_layout(repo, layout="vocdevkit")
    make_builds(repo.path)
    repo.inv("mix", *PROFILE, "--projects", "alpha,beta", check=True)
    out = repo.inv("deploy", check=True).stdout
    root = home / "datasets" / "voc"
    assert "VOCdevkit/VOC2012" in out
    assert len(voc_detection_finds(root, "2012", "train")) > 0 and voc_detection_finds(root, "2012", "val")


def test_a_vocdevkit_deploy_with_a_test_split_is_voc2007(repo):
    home = with_layout(repo, layout="vocdevkit")
    make_builds(repo.path)
    repo.inv("mix", *PROFILE, "--projects", "alpha,beta,gamma", check=True)
    repo.inv("deploy", check=True)
    assert voc_detection_finds(home / "datasets" / "voc", "2007", "test")


def test_an_explicit_dataset_dir_still_wins_and_rollback_finds_the_previous(repo, tmp_path):
    target = tmp_path / "trainer" / "data"
    with_layout(repo, layout="vocdevkit", dataset_dir=str(target))
    make_builds(repo.path)
    repo.inv("mix", *PROFILE, "--projects", "alpha,beta", check=True)
    repo.inv("deploy", check=True)
    first = voc_detection_finds(target, "2012", "trainval")
    repo.inv("mix", *PROFILE, "--projects", "alpha", check=True)
    repo.inv("deploy", check=True)
    assert voc_detection_finds(target, "2012", "trainval") != first
    repo.inv("pytorch.rollback", check=True)
    assert voc_detection_finds(target, "2012", "trainval") == first


def test_an_unknown_layout_is_one_line_naming_the_hosts_file(repo):
    with_layout(repo, layout="coco")
    proc = repo.inv("dlimgmgr.hosts", check=False)
    assert "layout 'coco' is not one of plain, vocdevkit" in proc.stderr


def test_adding_a_test_split_leaves_no_old_voc2012_and_rollback_brings_the_year_back(repo, tmp_path):
    target = tmp_path / "trainer" / "data"
    with_layout(repo, layout="vocdevkit", dataset_dir=str(target), train_command="env")
    make_builds(repo.path)
    repo.inv("mix", *PROFILE, "--projects", "alpha,beta", check=True)
    repo.inv("deploy", check=True)
    first = voc_detection_finds(target, "2012", "trainval")
    repo.inv("mix", *PROFILE, "--projects", "alpha,beta,gamma", check=True)      # gamma: a test split
    out = repo.inv("deploy", check=True).stdout
    assert "VOCdevkit/VOC2007" in out
    assert voc_detection_finds(target, "2007", "test")
    assert not (target / "VOCdevkit" / "VOC2012").exists()      # the old mix is not left to be read
    env = repo.inv("pytorch.train", check=True).stdout
    assert f"DLIMGMGR_DATASET_DIR={target / 'VOCdevkit' / 'VOC2007'}" in env and "DLIMGMGR_VOC_YEAR=2007" in env
    assert f"DLIMGMGR_VOC_ROOT={target}" in env

    repo.inv("pytorch.rollback", check=True)
    assert voc_detection_finds(target, "2012", "trainval") == first
    assert not (target / "VOCdevkit" / "VOC2007").exists()
    assert "DLIMGMGR_VOC_YEAR=2012" in repo.inv("pytorch.train", check=True).stdout
    repo.inv("pytorch.rollback", check=True)                  # and back again
    assert voc_detection_finds(target, "2007", "test") and not (target / "VOCdevkit" / "VOC2012").exists()
