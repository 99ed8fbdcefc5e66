"""The leakage check (issue 22) through `inv dlimgmgr.check --mix` on a VOC folder made by hand: a
carrier in two splits and identical bytes in two splits, one line each; a folder that is not VOC or
a missing mix, one line. The check itself is in tests/unit/mix/test_leakage.py."""
from __future__ import annotations

from tests.helpers.leakvoc import clean, voc_folder


def test_a_clean_folder_has_no_leak(repo, tmp_path):
    folder = voc_folder(tmp_path / "ds", clean(tmp_path))
    out = repo.inv("dlimgmgr.check", "--mix", str(folder), check=True).stdout
    assert out.strip().splitlines() == [f"{folder}: 8 images, 4 carriers: 0 carrier(s) in two splits, "
                                        f"0 identical image(s) in two splits"]


def test_a_carrier_in_two_splits_is_one_line(repo, tmp_path):
    images = clean(tmp_path)
    images["x_000005"] = ("val", "x_c002.jpg", images["x_000005"][2])   # x_c002's second image into val
    proc = repo.inv("dlimgmgr.check", "--mix", str(voc_folder(tmp_path / "ds", images)), check=False)
    lines = proc.stdout.strip().splitlines()
    leaks = [line for line in lines if "carrier" in line and " is in " in line]
    assert len(leaks) == 1 and "carrier x_c002.jpg is in train (1 image(s), e.g. x_000004) and val " \
                               "(1 image(s), e.g. x_000005)" in leaks[0]
    assert "1 carrier(s) in two splits, 0 identical image(s) in two splits" in lines[-1]
    assert proc.stderr.strip().startswith("error: 1 leak(s)") and len(proc.stderr.strip().splitlines()) == 1


def test_identical_bytes_in_two_splits_is_one_line(repo, tmp_path):
    images = clean(tmp_path)
    images["x_000007"] = ("val", "x_c003.jpg", images["x_000001"][2])   # another carrier's bytes
    proc = repo.inv("dlimgmgr.check", "--mix", str(voc_folder(tmp_path / "ds", images)), check=False)
    leaks = [line for line in proc.stdout.splitlines() if "identical bytes" in line]
    assert leaks == [f"{tmp_path / 'ds'}: identical bytes in two splits: JPEGImages/x_000001.jpg (train), "
                     f"JPEGImages/x_000007.jpg (val); keep one copy, or all in one split"]
    assert "0 carrier(s) in two splits, 1 identical image(s) in two splits" in proc.stdout


def test_a_folder_that_is_not_voc_or_a_missing_mix_is_one_line(repo, tmp_path):
    proc = repo.inv("dlimgmgr.check", "--mix", str(tmp_path), check=False)
    assert "not a Pascal VOC folder" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = repo.inv("dlimgmgr.check", "--mix", "nosuchmix", check=False)
    assert "no such mix" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
