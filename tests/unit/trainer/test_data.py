"""trainer.data without torch: split ids, annotated ids, and VOC boxes as continuous pixel edges.
(image() and target() need torch: the trainer venv's run, tests/ssh/test_fitness.py.)"""
from __future__ import annotations

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.trainer import data
from dlimgmgr_tasks.trainer.ap import Truth


def _voc(root, stem, *objects):
    """Annotations/STEM.xml with objects (name, xmin, ymin, xmax, ymax, difficult)."""
    (root / "Annotations").mkdir(parents=True, exist_ok=True)
    objs = [voc.VocObject(*o[:5], difficult=o[5]) for o in objects]
    voc.write(root / "Annotations" / f"{stem}.xml", voc.Annotation(f"{stem}.jpg", 64, 48, objects=objs))


def test_split_ids_reads_the_list_and_a_missing_split_is_empty(tmp_path):
    (tmp_path / "ImageSets/Main").mkdir(parents=True)
    (tmp_path / "ImageSets/Main/val.txt").write_text("a_1\n\nb_2 1\n")
    assert data.split_ids(str(tmp_path), "val") == ["a_1", "b_2"]
    assert data.split_ids(str(tmp_path), "test") == []


def test_truths_are_zero_based_edges_with_difficult_kept_apart(tmp_path):
    _voc(tmp_path, "b", ("close", 1, 2, 10, 20, 0), ("far", 5, 5, 9, 9, 1))
    _voc(tmp_path, "a")
    assert data.all_ids(str(tmp_path)) == ["a", "b"]
    assert data.truths(str(tmp_path), "b") == [Truth((0.0, 1.0, 10.0, 20.0), "close", False),
                                               Truth((4.0, 4.0, 9.0, 9.0), "far", True)]
    split = data.Split("heldout", str(tmp_path), ["a", "b"])
    assert len(split) == 2 and split.truths["a"] == [] and len(split.truths["b"]) == 2
