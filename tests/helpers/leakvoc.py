"""VOC folders made by hand for the leakage check (tests/unit/mix/test_leakage.py,
tests/cli/dlimgmgr/test_check_leakage.py, the report's leak in test_report.py): carriers, splits
and JPEG bytes chosen per image."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from dlimgmgr_tasks.lib import voc


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
