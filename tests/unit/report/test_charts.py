"""lib/report/charts.py: SVG histograms and heatmap PNGs inline (nothing fetched)."""
import base64
import io
import xml.etree.ElementTree as ET

from PIL import Image

from dlimgmgr_tasks.lib.report import charts


def test_histogram_is_valid_svg_with_one_bar_per_bin():
    svg = charts.histogram_svg("box <width>", [1, 4, 0, 2], [0, 8, 16, 24, 32], " px")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    bars = [e for e in root.iter() if e.tag in ("rect", ns + "rect")]
    assert len(bars) == 4 and root.get("aria-label") == "box <width>"
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == max(heights) and heights[2] == 0.0 and heights[0] * 4 == heights[1]
    assert "8-16 px: 4" in svg and "&lt;width&gt;" in svg
    assert ET.fromstring(charts.histogram_svg("empty", [], [0])) is not None


def _decode(uri, prefix):
    assert uri.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(uri[len(prefix):])))


def test_heatmap_runs_from_dark_blue_to_yellow():
    im = _decode(charts.heatmap_uri([[0, 1], [2, 4]]), "data:image/png;base64,")
    assert im.size == (charts.HEAT_PX, charts.HEAT_PX)
    assert im.getpixel((0, 0)) == charts.RAMP[0] and im.getpixel((charts.HEAT_PX - 1, charts.HEAT_PX - 1)) == charts.RAMP[-1]
    wide = _decode(charts.heatmap_uri([[0, 0, 0, 0], [0, 0, 0, 0]]), "data:image/png;base64,")
    assert wide.size == (charts.HEAT_PX, charts.HEAT_PX // 2)


def test_jpeg_uri():
    im = _decode(charts.jpeg_uri(Image.new("RGB", (5, 4), "red")), "data:image/jpeg;base64,")
    assert im.format == "JPEG" and im.size == (5, 4)
