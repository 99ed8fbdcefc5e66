"""The leakage check (issue 22): `inv dlimgmgr.check --mix` on a VOC folder made by hand finds a
carrier in two splits and identical bytes in two splits, one line each; near-duplicate source
icons in two projects are a warning."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

from PIL import Image

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.mix import icons, leakage
from dlimgmgr_tasks.lib.workspace import Workspace


def _jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (seed * 20 % 256, 90, 200)).save(out, "JPEG")   # one colour per seed
    return out.getvalue()


def voc_folder(root: Path, images: dict) -> Path:
    """images: {id: (split, carrier, jpeg bytes)} as Annotations/, JPEGImages/, ImageSets/Main/."""
    for sub in (voc.ANNOTATIONS, voc.JPEG_IMAGES, voc.IMAGE_SETS_MAIN):
        (root / sub).mkdir(parents=True, exist_ok=True)
    lists = {}
    for stem, (split, carrier, data) in images.items():
        (root / voc.JPEG_IMAGES / f"{stem}.jpg").write_bytes(data)
        voc.write(root / voc.ANNOTATIONS / f"{stem}.xml",
                  voc.Annotation(f"{stem}.jpg", 32, 32, 3, [voc.VocObject("close", 2, 2, 20, 20)], source_image=carrier))
        lists.setdefault(split, []).append(stem)
    for split, stems in lists.items():
        (root / voc.IMAGE_SETS_MAIN / f"{split}.txt").write_text("".join(f"{s}\n" for s in stems))
    return root


def clean(tmp_path) -> dict:
    """Four carriers, two images each, each carrier in one split; every image's bytes its own."""
    return {f"x_{i:06d}": ("train" if i < 6 else "val", f"x_c{i // 2:03d}.jpg", _jpeg(i)) for i in range(8)}


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


def test_one_id_listed_in_two_splits_is_identical_bytes(tmp_path):
    folder = voc_folder(tmp_path / "ds", clean(tmp_path))
    with open(folder / voc.IMAGE_SETS_MAIN / "val.txt", "a") as f:
        f.write("x_000000\n")
    found = leakage.check(Workspace.at(tmp_path), str(folder))
    assert len(found.bytes_lines) == 1 and len(found.carrier_lines) == 1 and found.leaks == 2


def test_images_naming_no_carrier_are_counted(tmp_path):
    images = {k: (s, "", d) for k, (s, c, d) in clean(tmp_path).items()}
    found = leakage.check(Workspace.at(tmp_path), str(voc_folder(tmp_path / "ds", images)))
    assert found.leaks == 0 and found.unnamed == 8 and "(8 image(s) name no carrier)" in found.summary()


def test_a_folder_that_is_not_voc_or_a_missing_mix_is_one_line(repo, tmp_path):
    proc = repo.inv("dlimgmgr.check", "--mix", str(tmp_path), check=False)
    assert "not a Pascal VOC folder" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = repo.inv("dlimgmgr.check", "--mix", "nosuchmix", check=False)
    assert "no such mix" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_the_same_icon_in_two_projects_is_a_warning(repo):
    twin = repo.project("closetwin") / "master" / "sources"
    twin.mkdir(parents=True)
    shutil.copy(repo.project("close") / "master" / "sources" / "close.png", twin / "close.png")
    (repo.project("closetwin") / "project.yaml").write_text("classes: [close]\ncount: 1\nseed: 1\n")
    ws = Workspace.at(repo.path)
    lines = icons.near_duplicates(ws, ["close", "kanji", "closetwin"], leakage.NEAR)
    assert len(lines) == 1 and lines[0].startswith(
        "warning: projects/close/master/sources/close.png and projects/closetwin/master/sources/close.png look like one icon (0 of 64")
    assert icons.near_duplicates(ws, ["close", "kanji"], leakage.NEAR) == []   # 山 川 日 木 and an X differ


def test_source_images_other_tools_write_are_no_carriers(tmp_path):
    """VOC2007 writes <image>flickr</image> and CVAT <image>Unknown</image> for every image: only
    our own <database> makes <image> a carrier."""
    folder = voc_folder(tmp_path / "ds", clean(tmp_path))
    for i, xml in enumerate(sorted((folder / voc.ANNOTATIONS).glob("*.xml"))):
        theirs = ("<source><database>The VOC2007 Database</database><annotation>PASCAL VOC2007</annotation>"
                  "<image>flickr</image></source>" if i % 2 else
                  "<source><database>Unknown</database><annotation>Unknown</annotation><image>Unknown</image></source>")
        text = xml.read_text()
        xml.write_text(text[:text.index("<source>")] + theirs + text[text.index("</source>") + 9:])
        assert voc.source_image(xml.read_bytes()) == voc.read(xml).source_image == ""
    found = leakage.check(Workspace.at(tmp_path), str(folder))
    assert found.leaks == 0 and found.unnamed == 8 and found.carriers == 0


def test_a_source_with_a_comment_is_read_in_full():
    data = voc.dumps(voc.Annotation("a.jpg", 8, 8, source_image="a_c001.jpg")).replace(
        b"<source>", b"<source><!-- made here -->")
    assert voc.source_image(data) == "a_c001.jpg"


def test_an_unpacked_mix_or_a_vocdevkit_layout_is_found_below_the_folder_named(tmp_path):
    images = clean(tmp_path)
    images["x_000005"] = ("val", "x_c002.jpg", images["x_000005"][2])
    voc_folder(tmp_path / "dataset" / "VOCdevkit" / "VOC2012", images)
    found = leakage.check(Workspace.at(tmp_path), str(tmp_path / "dataset"))
    assert found.images == 8 and len(found.carrier_lines) == 1
