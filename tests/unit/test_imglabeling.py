"""dlimgmgr_tasks/imglabeling.py: push, pull, status in-process against a labeling folder."""
import pytest
from invoke import Exit

from dlimgmgr_tasks import imglabeling
from dlimgmgr_tasks.lib import voc


@pytest.fixture
def labeled(ws, make_project, jpeg, annotation, tmp_path):
    ws.hosts_path.write_text(f"roles:\n  imglabeling: {{host: local, target_home: {tmp_path / 'lab'}}}\n")
    project = make_project()
    jpeg(project.master / "close_c000.jpg")
    voc.write(project.master / "close_c000.xml", annotation("close_c000.jpg", (64, 48), ("close", 3, 3, 20, 20)))
    return tmp_path / "lab" / "projects" / "close" / "master"


def test_push_status_pull(ws, context, labeled, capsys):
    c = context(ws)
    imglabeling.push(c, "close")
    assert "close: sent 1 image(s) and 1 annotation(s)" in capsys.readouterr().out
    assert (labeled / "close_c000.jpg").is_file()
    imglabeling.status(c)
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[:3] == ["project", "carriers", "pre-labelled"] and row.split()[:2] == ["close", "1"]
    xml = labeled / "close_c000.xml"
    xml.write_text(xml.read_text().replace("<xmax>20</xmax>", "<xmax>30</xmax>"))     # a person moved the box
    imglabeling.pull(c, "close")
    assert "1 taken" in capsys.readouterr().out
    assert voc.read(ws.project("close").master / "close_c000.xml").objects[0].xmax == 30


def test_a_refused_file_makes_pull_exit_1(ws, context, labeled, capsys):
    imglabeling.push(context(ws), "close")
    (labeled / "close_c000.xml").write_text("<annotation><size>")
    with pytest.raises(Exit) as err:
        imglabeling.pull(context(ws), "close")
    assert err.value.code == 1 and "1 file(s) refused" in err.value.message
    assert "refused" in capsys.readouterr().out


def test_dry_push_and_pull(ws, context, labeled, capsys):
    imglabeling.push(context(ws, dry=True), "close")
    imglabeling.pull(context(ws, dry=True), "close")
    out = capsys.readouterr().out
    assert out.count("dry run: nothing is changed") == 2 and not labeled.exists()
