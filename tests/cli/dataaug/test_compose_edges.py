"""Compose's edges: a 16-bit greyscale source or background is scaled to 8 bits (not clipped to
white; the loader itself is in tests/unit/test_images.py), `distractors: {count: 0, shapes:
false}` asks for none and is accepted, and an error the host side found reaches the user once, as
one line naming the host."""
from __future__ import annotations

import numpy as np
import yaml
from PIL import Image


def set_compose(repo, **compose):
    path = repo.project("close") / "project.yaml"
    data = yaml.safe_load(path.read_text())
    data["compose"].update(compose)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_compose_on_a_16_bit_background_keeps_its_grey(repo):
    folder = repo.project("close") / "master" / "bg16"
    folder.mkdir()
    Image.fromarray(np.full((300, 300), 32896, np.uint16)).save(folder / "grey16.png")   # 128 in 8 bits
    set_compose(repo, background={"images": "master/bg16"}, distractors={"count": 0, "shapes": False},
                negatives=0, blend="none")
    repo.inv("dataaug.compose", "close", check=True)
    carrier = np.asarray(Image.open(repo.project("close") / "master" / "close_c000.jpg").convert("L"))
    values, counts = np.unique(carrier, return_counts=True)
    assert abs(int(values[counts.argmax()]) - 128) <= 2, values[counts.argmax()]


def test_compose_with_a_16_bit_source_pastes_grey(repo):
    sources = repo.project("close") / "master" / "sources"
    for p in sources.iterdir():
        p.unlink()
    Image.fromarray(np.full((32, 32), 16448, np.uint16)).save(sources / "close.png")     # 64 in 8 bits
    set_compose(repo, background={"colors": [[255, 255, 255]]}, distractors={"count": 0, "shapes": False},
                negatives=0, blend="none", rotate=0)
    repo.inv("dataaug.compose", "close", check=True)
    carrier = np.asarray(Image.open(repo.project("close") / "master" / "close_c000.jpg").convert("L"))
    dark = carrier[carrier < 200]
    assert dark.size and abs(int(np.median(dark)) - 64) <= 3, np.median(dark)


def test_no_distractors_and_no_shapes_is_accepted_with_a_count_of_0(repo):
    (repo.project("close") / "master" / "distractors").rename(repo.path.parent / "moved-away")
    set_compose(repo, distractors={"count": 0, "shapes": False})
    assert "close: 8 carriers" in repo.inv("dataaug.compose", "close", check=True).stdout


def test_a_host_side_compose_error_is_one_line_naming_the_host_once(repo):
    (repo.project("close") / "master" / "distractors").rename(repo.path.parent / "moved-away")
    set_compose(repo, distractors={"count": [1, 2], "shapes": False})
    proc = repo.inv("dataaug.compose", "close", check=False)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("error: role dataaug host local: ") and line.count("error:") == 1, line
    assert "failed (exit" not in line and "no distractor images found" in line
