"""lib/labeling/folder/exports.py: Label Studio's VOC export is 0-based edges; everyone else's is VOC's."""
from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.labeling.folder import exports

STUDIO = b"""\xef\xbb\xbf<annotation><owner><name>Label Studio</name></owner><filename>a.jpg</filename>
<size><width>100</width><height>80</height><depth>3</depth></size>
<object><name>close</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>42</xmax><ymax>52</ymax></bndbox></object>
</annotation>"""


def test_who_wrote_it():
    assert exports.written_by_label_studio(STUDIO)
    assert not exports.written_by_label_studio(STUDIO.replace(b"Label Studio", b"LabelImg"))
    assert not exports.written_by_label_studio(b"<annotation><note>Label Studio</note></annotation>")
    assert not exports.written_by_label_studio(b"Label Studio <not xml")


def test_label_studio_boxes_come_back_to_the_pixel():
    ann = exports.in_our_convention(voc.parse(STUDIO), STUDIO)
    (obj,) = ann.objects
    assert (obj.xmin, obj.ymin, obj.xmax, obj.ymax) == (11, 21, 42, 52)   # left/top edge 10 -> pixel 11


def test_other_tools_are_left_as_they_are():
    data = STUDIO.replace(b"Label Studio", b"LabelImg")
    (obj,) = exports.in_our_convention(voc.parse(data), data).objects
    assert (obj.xmin, obj.ymin, obj.xmax, obj.ymax) == (10, 20, 42, 52)
