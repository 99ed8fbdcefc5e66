"""A small made-up dl_image_manager checkout (none of the original's files): `close` (height and
zoom calls, a LabelImg template), `ru_close` (close's icon bytes, mode ru: its top-right twin),
`moji` only in projects_store/resnet34 (no template: its class is its name); sizes per network."""
import shutil

import pytest
from PIL import Image, ImageDraw

HEAD = ("import sys\nsys.path.append('./lib/')\nfrom data_aug import *\n"
        "gen = DataAugmentationGenerator(image_file_path=image_file_path, save_dir=save_file_path, "
        "save_file_prefix=project_name{extra})\n")
TEMPLATE = ("<annotation><folder>master</folder><filename>image_extended.jpg</filename>"
            "<size><width>32</width><height>32</height><depth>1</depth></size>"
            "<object><name>close</name><pose>Unspecified</pose><truncated>1</truncated><difficult>0</difficult>"
            "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>32</xmax><ymax>32</ymax></bndbox></object></annotation>")


def _legacy_project(folder, icon_bytes, calls, extra="", xml=True):
    (folder / "master").mkdir(parents=True)
    (folder / "master" / "image.jpg").write_bytes(icon_bytes)
    if xml:
        (folder / "master" / "image_extended.xml").write_text(TEMPLATE)
    (folder / "data_augmentation").mkdir()
    (folder / "data_augmentation" / "daug.py").write_text(HEAD.format(extra=extra) + calls)


@pytest.fixture
def legacy(tmp_path):
    root = tmp_path / "dl_image_manager"
    icon = Image.new("RGB", (32, 32), "white")
    ImageDraw.Draw(icon).line([3, 3, 28, 28], fill="red", width=3)
    path = tmp_path / "icon.jpg"
    icon.save(path, "JPEG")
    data = path.read_bytes()
    _legacy_project(root / "projects" / "close", data, "gen.height()\ngen.zoom()\n", ", cval=125")
    _legacy_project(root / "projects" / "ru_close", data, "gen.mix()\n", ', mode="ru"')
    store = root / "projects_store"
    for name in ("close", "ru_close"):
        shutil.copytree(root / "projects" / name, store / "common" / name)
    other = Image.new("RGB", (24, 24), "black")
    other.save(tmp_path / "moji.jpg", "JPEG")
    _legacy_project(store / "resnet34" / "moji", (tmp_path / "moji.jpg").read_bytes(), "gen.mix()\n", xml=False)
    (root / "config").mkdir()
    (root / "config" / "dl_image_manager_config_ssd.py").write_text(
        "DL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE = (300, 300)\n")
    (root / "config" / "dl_image_manager_config_resnet34.py").write_text(
        "DL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE = (64, 64)\n")
    return root


@pytest.fixture
def target(ws):
    """The workspace migrated into, with the repository's projects/common/ (its templates)."""
    from pathlib import Path

    import dlimgmgr_tasks

    shutil.copytree(Path(dlimgmgr_tasks.__file__).resolve().parent.parent / "projects" / "common", ws.common_dir)
    return ws
