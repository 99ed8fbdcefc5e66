"""lib/mix/items.py: the dataset's items, streamed once and replayed, and split."""
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.mix.items import Dataset, Item, Items


def _item(id_, split, *objects):
    ann = voc.Annotation(f"{id_}.jpg", 64, 48, 3, [voc.VocObject(*o) for o in objects])
    return Item(id_, "close", split, f"/b/{id_}.jpg", ann, voc.dumps(ann))


def test_objects_and_negative():
    it = _item("a", "train", ("close", 1, 1, 5, 5), ("close", 2, 2, 6, 6), ("open", 1, 1, 3, 3))
    assert it.objects == {"close": 2, "open": 1}
    assert not it.negative and _item("b", "val").negative


def test_the_first_pass_streams_later_passes_replay_without_xml_bytes():
    read = []

    def source():
        for it in (_item("a", "train"), _item("b", "val")):
            read.append(it.id)
            yield it

    items = Items(source())
    first = []
    for it in items:
        assert it.xml.startswith(b"<annotation")   # the first pass sees the bytes
        first.append(it.id)
    assert first == ["a", "b"] and read == ["a", "b"]
    assert [it.id for it in items] == ["a", "b"] and read == ["a", "b"]   # replayed, not re-read
    assert all(it.xml == b"" for it in items.seen)   # dropped once the first pass moved on


def test_splits_add_trainval_and_test_only_when_present():
    ds = Dataset("mix", ["close"], Items([_item("a", "train"), _item("b", "val"), _item("c", "train")]))
    list(ds.items)
    splits = ds.splits()
    assert list(splits) == ["train", "val", "trainval"]
    assert [it.id for it in splits["trainval"]] == ["a", "b", "c"]
    ds = Dataset("mix", ["close"], Items([_item("a", "train"), _item("t", "test")]))
    list(ds.items)
    assert [it.id for it in ds.splits()["test"]] == ["t"] and ds.splits()["val"] == []
