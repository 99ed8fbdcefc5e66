"""VOC's truncated/difficult flags from hostile XML: 0 or 1 (CVAT's floats too), anything else refused."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib import voc


def _with_difficult(text: str) -> bytes:
    xml = voc.dumps(voc.Annotation("c.jpg", 10, 10, objects=[voc.VocObject.from_edges("close", 1, 1, 5, 5)]))
    return xml.replace(b"<difficult>0</difficult>", f"<difficult>{text}</difficult>".encode())


@pytest.mark.parametrize("text", ["2", "-1", "yes", "0.5"])
def test_difficult_other_than_0_or_1_is_refused(text):
    with pytest.raises(voc.VocError, match=r"object 1 difficult is not 0 or 1"):
        voc.parse(_with_difficult(text))


@pytest.mark.parametrize("text, flag", [("1", 1), ("0", 0), ("", 0), ("1.0", 1)])
def test_difficult_0_1_empty_and_cvat_floats_are_read(text, flag):
    assert voc.parse(_with_difficult(text)).objects[0].difficult == flag
