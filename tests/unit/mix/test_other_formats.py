"""lib/mix/other_formats.py: YOLO/COCO members beside VOC, images linked rather than stored twice."""
import json

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.mix import other_formats, voc_layout
from dlimgmgr_tasks.lib.mix.items import Dataset, Item, Items


def _dataset(tmp_path, jpeg):
    def item(id_, split, *objects):
        ann = voc.Annotation(f"{id_}.jpg", 64, 48, 3, [voc.VocObject(*o) for o in objects])
        return Item(id_, "p", split, str(jpeg(tmp_path / f"{id_}.jpg")), ann, voc.dumps(ann))
    return Dataset("m", ["close"], Items([item("a", "train", ("close", 1, 1, 32, 24)), item("n", "val")]))


def test_yolo_images_link_to_voc_and_negatives_are_stored(tmp_path, jpeg):
    ds = _dataset(tmp_path, jpeg)
    packed = [it for it in ds.items if not it.negative]       # the VOC part left the negative out
    out = list(other_formats.members(ds, ["voc", "yolo"], packed, extra=[voc_layout.labelmap(ds)]))
    names = [m.name for m in out]
    assert names == sorted(names, key=lambda n: n.rstrip("/").split("/"))
    by = {m.name: m for m in out}
    assert by["m/classes.txt"].data == b"close\n" and "m/labelmap.txt" in by
    linked = [m for m in out if m.link]
    assert [(m.name, m.link) for m in linked] == [("m/images/train/a.jpg", "m/JPEGImages/a.jpg")]
    stored = [m for m in out if m.path]
    assert [m.name for m in stored] == ["m/images/val/n.jpg"]        # not in the VOC part: stored
    label = by["m/labels/train/a.txt"].data.decode().split()
    assert label[0] == "0" and [float(v) for v in label[1:]] == [0.25, 0.25, 0.5, 0.5]


def test_coco_only_adds_its_json(tmp_path, jpeg):
    ds = _dataset(tmp_path, jpeg)
    out = list(other_formats.members(ds, ["coco"], list(ds.items)))
    jsons = {m.name: json.loads(m.data) for m in out if m.name.endswith(".json")}
    assert set(jsons) == {"m/coco/instances_train.json", "m/coco/instances_val.json"}
    assert [c["name"] for c in jsons["m/coco/instances_train.json"]["categories"]] == ["close"]
