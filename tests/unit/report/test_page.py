"""lib/report/page.py: the report's HTML sections, escaped, self-contained."""
from html.parser import HTMLParser
from types import SimpleNamespace

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.checks import Problem, Report
from dlimgmgr_tasks.lib.report import page
from dlimgmgr_tasks.lib.report.figures import collect


def _figures():
    def entry(split, project, *objects):
        return SimpleNamespace(split=split, project=project, annotation=voc.Annotation(
            "a.jpg", 100, 100, 3, [voc.VocObject(*o) for o in objects]))
    return collect([entry("train", "p", ("close", 1, 1, 10, 20), ("<b>", 1, 1, 5, 5)),
                    entry("val", "p", ("close", 50, 50, 60, 60, "Unspecified", 1, 0)), entry("val", "q")],
                   ["close"], ["train", "val"])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_counts_section_tables_and_unknown_classes():
    html = page.counts_section(_figures())
    assert "<td class=\"l\">images</td><td>1</td><td>2</td><td>3</td>" in html
    assert '<td class="l">close</td><td>1</td><td>1</td><td>2</td><td>1</td><td>0</td>' in html
    assert "objects of classes not in the class list: &lt;b&gt; (1)" in html and "<b>" not in html


def test_charts_and_heatmaps_are_inline():
    fig = _figures()
    boxes, heat = page.boxes_section(fig), page.heatmap_section(fig)
    assert boxes.count("<svg") == 3 and 'src="data:image/png;base64,' in heat and "http" not in heat


def test_problems_section():
    ok = page.problems_section(Report([], projects=1, annotations=2, images=2), [])
    assert "no problems" in ok and "checked 2 annotation(s) and 2 image(s) in 1 project(s)" in ok
    bad = page.problems_section(Report([Problem("a.xml", "bad-box", "box <out>", "fix it")], 1, 1, 1), ["x.jpg: odd"])
    assert "2 problem(s)" in bad and "box &lt;out&gt;" in bad and "x.jpg: odd" in bad


def test_render_a_whole_page():
    html = page.render("mix <1>", "3 images", [page.counts_section(_figures()),
                                               page.provenance_section({"git": {"commit": "abc", "dirty": False},
                                                                        "projects": ["p", "q"], "none": None})])
    assert html.startswith("<!doctype html>") and html.endswith("</html>\n")
    assert f'content="{page.CSP}"' in html and "<title>mix &lt;1&gt;</title>" in html
    assert "<td class=\"l\">p, q</td>" in html and "<i>none</i>" in html
    parser = _Tags()
    parser.feed(html)
    assert parser.tags.count("h2") == 2 and "script" not in parser.tags
