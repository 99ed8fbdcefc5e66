"""The HTML report of a real mix: what it counts, that it stands alone, and how Chromium shows it."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from tests.helpers import chromium
from tests.helpers.ssh_fixtures import need
from dlimgmgr_tasks.lib import report as report_lib, voc
from dlimgmgr_tasks.lib.report import figures, sheets, sources
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.mixed_voc import make_mixed


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    return make_mixed(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def page(mixed):
    proc = mixed.repo.inv("dlimgmgr.report", check=True)
    path = mixed.repo.path / "dist" / "voc.report.html"
    assert proc.stdout.strip().endswith(f"wrote {path}")
    assert "no problems, 0 leak(s)" in proc.stdout
    return path


class Refs(HTMLParser):
    """Every tag name and every src/href/xlink:href value of a page."""
    def __init__(self):
        super().__init__()
        self.tags, self.refs, self.csp = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        self.refs += [v for k, v in attrs.items() if k in ("src", "href", "xlink:href", "srcset", "action")]
        if attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs.get("content")


def test_the_report_task_prints_the_path_of_the_page_it_wrote(page):
    assert page.is_file() and page.read_text().startswith("<!doctype html>")


def test_the_page_refers_to_nothing_outside_itself(page):
    refs = Refs()
    refs.feed(page.read_text())
    assert refs.refs and all(r.startswith("data:image/") for r in refs.refs)
    assert not {"script", "link", "iframe", "object", "embed"} & set(refs.tags)
    assert refs.csp.startswith("default-src 'none'")


def test_headless_chromium_shows_the_page_without_a_console_message(page, tmp_path):
    from PIL import Image
    need(chromium.missing())
    loaded = chromium.load(page, tmp_path)
    assert loaded.console == []
    with Image.open(loaded.screenshot) as shot:
        assert shot.size == (1400, 4200)
        assert len(shot.convert("RGB").getcolors(1 << 20) or []) > 1000, "charts and photos were drawn"


def test_the_console_check_catches_a_page_that_tries_to_fetch(page, tmp_path):
    need(chromium.missing())
    bad = tmp_path / "bad.html"
    bad.write_text(page.read_text().replace("<body>", '<body><img src="http://192.0.2.1/x.png">', 1))
    assert any("192.0.2.1" in line for line in chromium.load(bad, tmp_path).console)


def test_the_counts_per_class_and_split_are_the_manifests(mixed):
    source = sources.read_mix(mixed.repo.path / "dist", "voc")
    fig = figures.collect(source.entries, source.classes, source.splits)
    manifest = json.loads((mixed.repo.path / "dist" / "voc.manifest.json").read_text())
    assert fig.objects == manifest["counts"]["objects"]
    assert fig.images == manifest["counts"]["images"]
    assert fig.projects == manifest["counts"]["projects"]


def test_the_page_shows_one_contact_sheet_per_class_and_the_provenance(page, mixed):
    text = page.read_text()
    manifest = json.loads((mixed.repo.path / "dist" / "voc.manifest.json").read_text())
    objects = {cls: sum(per_split.values()) for cls, per_split in manifest["counts"]["objects"].items()}
    assert all(f"</span>{cls} ({objects[cls]} object(s); {sheets.PER_CLASS} image(s) shown)</h3>" in text
               for cls in mixed.classes)
    assert text.count(" box(es))</figcaption>") == sheets.PER_CLASS * len(mixed.classes)
    assert manifest["sha256"] in text


def test_a_thumbnail_draws_the_box_where_the_object_is(mixed):
    from PIL import Image
    import base64
    import io
    ann = voc.Annotation("a.jpg", 100, 100, 3, [voc.VocObject("close", 11, 21, 60, 80)])
    buf = io.BytesIO()
    Image.new("RGB", (100, 100), (0, 0, 0)).save(buf, format="JPEG")
    uri = sheets.draw(buf.getvalue(), ann, "close")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as thumb:
        scale = sheets.THUMB / 100
        assert max(thumb.getpixel((round(10 * scale) + 1, round(50 * scale)))) > 100, "left edge drawn"
        assert max(thumb.getpixel((round(35 * scale), round(50 * scale)))) < 40, "inside left empty"


def test_a_project_report_is_written_under_build_reports(mixed):
    proc = mixed.repo.inv("dlimgmgr.report", "--project", "close", check=True)
    assert (mixed.repo.path / "build" / "reports" / "close.report.html").is_file()
    assert "report of project close: 168 images" in proc.stdout


def test_the_checks_problems_are_listed_with_their_file(mixed):
    xml = sorted((mixed.repo.path / "projects" / "kanji" / "build").glob("*.xml"))[0]
    original = xml.read_bytes()
    try:
        xml.write_bytes(original.replace(b"<name>", b"<name>nosuchclass", 1))
        result = report_lib.write_report(Workspace.at(mixed.repo.path), mix="voc")
        assert result.problems == 1
        assert f"projects/kanji/build/{xml.name}" in result.path.read_text()
    finally:
        xml.write_bytes(original)


def test_without_any_mix_the_report_asks_for_one_in_one_line(repo):
    proc = repo.inv("dlimgmgr.report", check=False)
    assert "no mix yet; run inv mix" in proc.stderr


def test_a_mix_name_that_is_a_path_is_refused(repo):
    proc = repo.inv("dlimgmgr.report", "--mix", "../projects", check=False)
    assert "is not allowed" in proc.stderr


def test_an_xml_with_width_0_is_a_listed_problem_not_a_traceback(repo):
    repo.inv("build", "--project", "close", check=True)
    for xml in sorted((repo.project("close") / "master").glob("close_c*.xml")):
        xml.write_bytes(xml.read_bytes().replace(b"<width>400</width>", b"<width>0</width>"))
    proc = repo.inv("dlimgmgr.report", "--project", "close", check=True)
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    assert "8 problem(s)" in proc.stdout.splitlines()[0], proc.stdout
    page = proc.stdout.strip().splitlines()[-1].removeprefix("wrote ")
    assert "size is 0x400" in open(page, encoding="utf-8").read()
def test_the_page_shows_the_mixs_leakage(page):
    text = page.read_text()
    section = text[text.index("<h2>Leakage</h2>"):]
    assert '<p class="ok">no leakage</p>' in section
    assert "<td class=\"l\">carriers in two splits</td><td>0</td>" in section


def test_a_leak_shows_on_the_page_with_its_line(tmp_path):
    from dlimgmgr_tasks.lib.mix import leakage
    from dlimgmgr_tasks.lib.report import page as page_lib
    from tests.helpers.leakvoc import clean, voc_folder

    images = clean(tmp_path)
    images["x_000005"] = ("val", "x_c002.jpg", images["x_000005"][2])
    found = leakage.check(Workspace.at(tmp_path), str(voc_folder(tmp_path / "ds", images)))
    section = page_lib.leakage_section(found)
    assert '<p class="bad">1 leak(s)</p>' in section and "carrier x_c002.jpg is in train" in section
