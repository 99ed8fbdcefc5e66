#!/usr/bin/env python3
"""Open a deployed dataset with the trainers' own readers, each in its own virtual environment.

    python3 scripts/check_trainers.py [--venvs DIR]

Mixes the sample projects with every format (`inv all` first when there is no build), deploys
them twice into a temporary pytorch home, once `layout: vocdevkit` and once plain, then runs:
- torchvision's `VOCDetection(root, year, image_set)` over every split of the vocdevkit layout
  (venv DIR/torchvision: benchmarks/requirements-trainers-torchvision.txt);
- Ultralytics' `check_det_dataset` and `YOLODataset` over the plain layout's data.yaml
  (venv DIR/ultralytics: benchmarks/requirements-trainers-ultralytics.txt).
Each prints what it loaded; a reader that fails exits non-zero. Not part of the tests: both pull
in torch (several GB). The venvs default to .venv-trainers/ (git-ignored).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
INV = [str(ROOT / ".venv" / "bin" / "python"), "-m", "invoke"]

TORCHVISION = r'''
import json, sys
from torchvision.datasets import VOCDetection
root, year, sets = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
out = {}
for image_set in sets:
    ds = VOCDetection(root, year=year, image_set=image_set)
    boxes = sum(len(ds[i][1]["annotation"]["object"]) for i in range(len(ds)))
    out[image_set] = {"images": len(ds), "boxes": boxes}
print(json.dumps(out))
'''

ULTRALYTICS = r'''
import json, sys
from ultralytics.data.utils import check_det_dataset
from ultralytics.data.dataset import YOLODataset
data = check_det_dataset(sys.argv[1])
out = {"names": data["names"]}
for split in ("train", "val", "test"):
    if data.get(split):
        ds = YOLODataset(img_path=data[split], data=data, task="detect", augment=False)
        labels = ds.get_labels()
        out[split] = {"images": len(labels), "boxes": int(sum(len(l["cls"]) for l in labels))}
print(json.dumps(out))
'''


def venv(base: Path, name: str) -> Path:
    """DIR/name with the pinned requirements of that reader, made once."""
    path, req = base / name, ROOT / "benchmarks" / f"requirements-trainers-{name}.txt"
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(req)], check=True)
    return python


def deploy(tmp: Path, layout: str, env: dict) -> Path:
    hosts = tmp / f"hosts-{layout}.yaml"
    home = tmp / layout
    hosts.write_text(yaml.safe_dump({"roles": {"dataaug": {"host": "local"},
                                               "pytorch": {"host": "local", "target_home": str(home),
                                                           "layout": layout}}}))
    subprocess.run([*INV, "deploy", "--name", "trainers"], cwd=ROOT, check=True,
                   env={**env, "DLIMGMGR_HOSTS_FILE": str(hosts)})
    return home / "datasets" / "trainers"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venvs", default=str(ROOT / ".venv-trainers"))
    args = parser.parse_args()
    base = Path(args.venvs)
    env = dict(os.environ)
    subprocess.run([*INV, "build"], cwd=ROOT, check=True)
    subprocess.run([*INV, "mix", "--name", "trainers", "--format", "voc,yolo,coco",
                    "--train", "0.7", "--val", "0.2", "--test", "0.1"], cwd=ROOT, check=True)
    manifest = json.loads((ROOT / "dist" / "trainers.manifest.json").read_text())
    with tempfile.TemporaryDirectory(prefix="dlimgmgr-trainers.") as d:
        tmp = Path(d)
        voc_root = deploy(tmp, "vocdevkit", env)
        plain = deploy(tmp, "plain", env)
        tv = subprocess.run([str(venv(base, "torchvision")), "-c", TORCHVISION, str(voc_root), "2007",
                             "train,val,trainval,test"], check=True, capture_output=True, text=True)
        print("torchvision VOCDetection:", tv.stdout.strip())
        ul = subprocess.run([str(venv(base, "ultralytics")), "-c", ULTRALYTICS, str(plain / "data.yaml")],
                            check=True, capture_output=True, text=True, cwd=tmp)
        print("ultralytics check_det_dataset + YOLODataset:", ul.stdout.strip().splitlines()[-1])
    print("manifest:", json.dumps(manifest["counts"]["images"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
