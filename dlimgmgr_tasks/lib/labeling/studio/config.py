"""The Label Studio labeling config of a project: RectangleLabels over one Image, one Label per class."""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from .convert import FROM_NAME, TO_NAME


def labeling_config(classes) -> str:
    """The XML Label Studio's editor is set up with: the image and a box tool with the project's classes."""
    labels = "".join(f"\n    <Label value={quoteattr(c)}/>" for c in classes)
    return (f'<View>\n  <Image name="{TO_NAME}" value="$image" zoom="true"/>\n'
            f'  <RectangleLabels name="{FROM_NAME}" toName="{TO_NAME}">{labels}\n  </RectangleLabels>\n</View>')


def same_config(a: str, b: str) -> bool:
    """Whether two configs are the same up to whitespace (Label Studio may reformat what it stores)."""
    return "".join(a.split()) == "".join(b.split())
