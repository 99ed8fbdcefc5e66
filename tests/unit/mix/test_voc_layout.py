"""lib/mix/voc_layout.py: a Dataset as Pascal VOC archive members, in path order."""
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.mix import voc_layout
from dlimgmgr_tasks.lib.mix.items import Dataset, Item, Items


def _dataset():
    def item(id_, split, *objects):
        ann = voc.Annotation(f"{id_}.jpg", 64, 48, 3, [voc.VocObject(*o) for o in objects])
        return Item(id_, "p", split, f"/build/{id_}.jpg", ann, voc.dumps(ann))
    return Dataset("mymix", ["close", "open"], Items([
        item("a", "train", ("close", 1, 1, 5, 5)),
        item("b", "val", ("open", 1, 1, 5, 5, "Unspecified", 0, 1)),   # only a difficult object
        item("c", "train")]))


def test_image_sets_use_vocs_flags():
    ds = _dataset()
    list(ds.items)
    sets = voc_layout.image_sets(ds)
    assert list(sets) == sorted(sets)
    assert sets["train.txt"] == b"a\nc\n" and sets["val.txt"] == b"b\n" and sets["trainval.txt"] == b"a\nb\nc\n"
    assert sets["close_train.txt"] == b"a  1\nc -1\n"
    assert sets["open_val.txt"] == b"b  0\n"
    assert "test.txt" not in sets


def test_members_come_in_the_archive_order():
    ds = _dataset()
    names = [m.name for m in voc_layout.members(ds)]
    assert names[:2] == ["mymix/", "mymix/Annotations/"]
    assert names[2:5] == [f"mymix/Annotations/{i}.xml" for i in "abc"]
    assert names[5:7] == ["mymix/ImageSets/", "mymix/ImageSets/Main/"]
    assert names[-4:] == ["mymix/JPEGImages/"] + [f"mymix/JPEGImages/{i}.jpg" for i in "abc"]
    members = {m.name: m for m in voc_layout.members(ds)}
    assert members["mymix/JPEGImages/a.jpg"].path == "/build/a.jpg"
    assert members["mymix/ImageSets/Main/train.txt"].data == b"a\nc\n"


def test_labelmap_member():
    member = voc_layout.labelmap(_dataset())
    assert member.name == "mymix/labelmap.txt"
    assert member.data == b"# label:color_rgb:parts:actions\nclose:::\nopen:::\n"
