"""A made-up dl_image_manager checkout, shaped like the original (none of its files are copied).

Five projects: `close` (height, zoom, mix6 and one unknown call; a 400x400 carrier whose XML says
32x32; a notebook with outputs), `ru_close` (close's icon bytes, mode ru: its twin), `adbutton`
(suite()), `closegb` (rotation and brightness, cval 255) and `moji`, found only in
projects_store/resnet34 (mix(), no XML object: its class comes from its name). projects_store lists
common = close + ru_close, ssd = adbutton, resnet34 = closegb + moji; config/ sizes per network;
lib/dl_image_manager_config.py merges closegb into close, as bin/merge_project.py did.
"""
from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

HEADER = '''#!/usr/bin/env python3
import sys
sys.path.append("./lib/")

from get_current_process_user_home_dir import *
from data_aug import *
from dl_image_manager_constants import *

import argparse

parser = argparse.ArgumentParser()
parser.add_argument("project_name", type=str)
args = parser.parse_args()

home_dir = get_current_process_user_home_dir()

project_name = args.project_name

image_file_path = home_dir + DL_IMAGE_MANAGER_PROJECTS_MASTER_IMAGE %(project_name)
save_file_path = home_dir + DL_IMAGE_MANAGER_PROJECTS_BUILD %(project_name)
'''
GEN = "gen = DataAugmentationGenerator(image_file_path=image_file_path, save_dir=save_file_path, " \
      "save_file_prefix=project_name{extra})\n\n"
# (legacy project, constructor keywords, the calls after it); close's gen.shear() is not in the table.
DAUG = {
    "close": (", base_img_size=(64,64),cval=125", "gen.height()\ngen.zoom()\ngen.mix6()\ngen.shear()\n"),
    "ru_close": (', mode="ru"', "#gen.suite()\ngen.mix()\n"),
    "adbutton": ("", "gen.suite()\n"),
    "closegb": (", cval=255", "gen.rotation()\ngen.brightness()\n"),
    "moji": (", cval=255", "gen.mix()\n"),
}
CLASSES = {"close": "close", "ru_close": "close", "adbutton": "adbutton", "closegb": "closegb", "moji": None}
ICONS = {"close": ((32, 32), "red"), "adbutton": ((60, 20), "blue"), "closegb": ((32, 32), "green"),
         "moji": ((24, 24), "black")}


def icon(size, color) -> Image.Image:
    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    w, h = size
    draw.rectangle([0, 0, w - 1, h - 1], outline=color, width=2)
    draw.line([3, 3, w - 4, h - 4], fill=color, width=3)
    draw.line([3, h - 4, w - 4, 3], fill=color, width=3)
    return im


def template_xml(name: str | None, size, depth=1) -> str:
    """image_extended.xml as the original's LabelImg template: <size> the icon's, the box the icon."""
    w, h = size
    obj = "" if name is None else (
        f"\t<object>\n\t\t<name>{name}</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>1</truncated>\n"
        f"\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>1</xmin>\n\t\t\t<ymin>1</ymin>\n"
        f"\t\t\t<xmax>{w}</xmax>\n\t\t\t<ymax>{h}</ymax>\n\t\t</bndbox>\n\t</object>\n")
    return (f"<annotation>\n\t<folder>master</folder>\n\t<filename>image_extended.jpg</filename>\n"
            f"\t<path>/home/a/dl_image_manager/projects/close/master/image_extended.jpg</path>\n"
            f"\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n\t<size>\n\t\t<width>{w}</width>\n"
            f"\t\t<height>{h}</height>\n\t\t<depth>{depth}</depth>\n\t</size>\n\t<segmented>0</segmented>\n"
            f"{obj}</annotation>\n")


def notebook_with_outputs() -> tuple[bytes, int]:
    """A notebook whose cell holds an executed count and a PNG output; returns (bytes, output bytes)."""
    buf = io.BytesIO()
    icon((200, 200), "red").save(buf, format="PNG")
    png = base64.b64encode(buf.getvalue()).decode()
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}},
          "cells": [
              {"cell_type": "markdown", "id": "a1", "metadata": {}, "source": ["# data augmentation trials"]},
              {"cell_type": "code", "id": "b2", "execution_count": 7, "metadata": {},
               "source": ["gen = DataAugmentationGenerator('image.jpg')\n", "gen.mix()"],
               "outputs": [{"output_type": "stream", "name": "stdout", "text": ["===show_and_save count=0\n"]},
                           {"output_type": "display_data", "metadata": {},
                            "data": {"image/png": png, "text/plain": ["<Figure size 1000x500>"]}}]}]}
    return json.dumps(nb, indent=1).encode(), len(png)


def write_project(folder: Path, name: str) -> None:
    master = folder / "master"
    master.mkdir(parents=True)
    size, color = ICONS["close" if name == "ru_close" else name]
    icon(size, color).save(master / "image.jpg", quality=95)
    if name == "ru_close":  # byte-identical twin, as in the original
        shutil.copyfile(folder.parent / "close" / "master" / "image.jpg", master / "image.jpg")
    (master / "image_extended.xml").write_text(template_xml(CLASSES[name], size))
    (folder / "data_augmentation").mkdir()
    extra, calls = DAUG[name]
    (folder / "data_augmentation" / "daug.py").write_text(HEADER + GEN.format(extra=extra) + calls)
    (folder / "README.md").write_text(f"# {name}\n\nicon of the {name} button\n")


def make_legacy(root: Path) -> Path:
    """Write the checkout under root; returns it."""
    for name in ("close", "ru_close", "adbutton", "closegb"):
        write_project(root / "projects" / name, name)
    write_project(root / "projects_store" / "resnet34" / "moji", "moji")
    close = root / "projects" / "close"
    carrier = Image.new("RGB", (400, 400), "white")
    carrier.paste(Image.open(close / "master" / "image.jpg"), (0, 0))
    carrier.save(close / "master" / "image_extended.jpg", quality=95)   # its XML says 32x32: wrong
    (close / "jupyer_notebook").mkdir()
    (close / "jupyer_notebook" / "data_augmentation.ipynb").write_bytes(notebook_with_outputs()[0])
    for store, names in (("common", ["close", "ru_close"]), ("ssd", ["adbutton"]), ("resnet34", ["closegb"])):
        for name in names:
            shutil.copytree(root / "projects" / name, root / "projects_store" / store / name)
    (root / "config").mkdir()
    for net, size in (("ssd", "(400,400)"), ("resnet34", "(-1,-1)"), ("yolo", "(320,320)")):
        (root / "config" / f"dl_image_manager_config_{net}.py").write_text(
            f"#{net}\nDL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE = {size}\n")
    (root / "projects_store" / "yolo").mkdir()   # an empty store: no profile to fill
    (root / "lib").mkdir()
    (root / "lib" / "data_aug.py").write_text("# the Keras steps (not needed by the migration)\n")
    (root / "lib" / "dl_image_manager_config.py").write_text(
        'DL_IMAGE_MANAGER_MERGE_CONFIG=(["closegb"], "close", "./projects")\n')
    return root
