"""lib/labeling/folder/push.py: only what differs goes, a person's change there is never overwritten."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.labeling import record
from dlimgmgr_tasks.lib.labeling.folder.listing import CLASSES_FILE
from dlimgmgr_tasks.lib.labeling.folder.push import push


@pytest.fixture
def host(tmp_path):
    return LocalHost(HostConfig(role="imglabeling", host="local", target_home=str(tmp_path / "lab")))


def test_first_push_sends_everything_then_nothing(carriers, host, tmp_path):
    project = carriers(2)
    result = push(project, host)
    there = tmp_path / "lab" / "projects" / "close" / "master"
    assert sorted(p.name for p in there.iterdir()) == [
        "close_c000.jpg", "close_c000.xml", "close_c001.jpg", "close_c001.xml", CLASSES_FILE]
    assert (there / "close_c000.jpg").read_bytes() == (project.master / "close_c000.jpg").read_bytes()
    assert result.lines() == [f"close: sent 2 image(s) and 2 annotation(s) to {host.label}:{there} "
                              f"(0 carrier(s) already there)"]
    assert set(record.read_record(project)) == {"close_c000", "close_c001"}
    again = push(project, host)
    assert again.sent == [] and again.in_sync == 2 and "nothing changed since the last push" in again.lines()[0]


def test_a_labeling_side_change_is_held_back(carriers, host, tmp_path):
    project = carriers(1)
    push(project, host)
    there = tmp_path / "lab" / "projects" / "close" / "master" / "close_c000.xml"
    there.write_text(there.read_text().replace("<xmin>3</xmin>", "<xmin>5</xmin>"))   # a person's work
    mine = project.master / "close_c000.xml"
    mine.write_text(mine.read_text().replace("<ymin>3</ymin>", "<ymin>4</ymin>"))
    result = push(project, host)
    assert "<xmin>5</xmin>" in there.read_text()                     # not overwritten
    assert result.held and "take it first: inv imglabeling.pull close" in result.lines()[-1]


def test_no_carriers_is_one_line(make_project, host):
    with pytest.raises(UserError, match="no carrier images to send; make them with: inv dataaug.compose close"):
        push(make_project(), host)
