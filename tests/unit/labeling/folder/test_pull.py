"""lib/labeling/folder/pull.py: a changed labeling-side XML is taken, a broken one refused by name
(master untouched), one changed on both sides kept beside; pulling again takes nothing."""
import pytest

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.labeling.folder.pull import interrupted_message, pull
from dlimgmgr_tasks.lib.labeling.folder.push import push


@pytest.fixture
def host(tmp_path):
    return LocalHost(HostConfig(role="imglabeling", host="local", target_home=str(tmp_path / "lab")))


def _there(tmp_path, stem):
    return tmp_path / "lab" / "projects" / "close" / "master" / f"{stem}.xml"


def test_nothing_pushed_yet_is_one_line(carriers, host):
    with pytest.raises(UserError, match="nothing was pushed there yet; send the carriers first: "
                                        "inv imglabeling.push close"):
        pull(carriers(1), host)


def test_a_changed_box_is_taken_once(carriers, host, tmp_path):
    project = carriers(2)
    push(project, host)
    there = _there(tmp_path, "close_c001")
    there.write_text(there.read_text().replace("<xmax>20</xmax>", "<xmax>30</xmax>"))   # a person's edit
    result = pull(project, host)
    assert [o.xmax for o in voc.read(project.master / "close_c001.xml").objects] == [30]
    assert [o.xmax for o in voc.read(project.master / "close_c000.xml").objects] == [20]
    assert len(result.taken) == 1 and result.taken[0].startswith("close_c001.xml") and result.ok
    again = pull(project, host)
    assert again.taken == [] and "nothing taken" in again.lines()[-1]


def test_a_broken_xml_is_refused_by_name_and_master_stays_byte_identical(carriers, host, tmp_path):
    project = carriers(1)
    push(project, host)
    before = (project.master / "close_c000.xml").read_bytes()
    there = _there(tmp_path, "close_c000")
    there.write_text(there.read_text().replace("<name>close</name>", "<name>nosuchclass</name>"))
    result = pull(project, host)
    assert (project.master / "close_c000.xml").read_bytes() == before
    assert result.refused_files == ["close_c000.xml"] and not result.ok
    assert any("close_c000.xml" in line and "nosuchclass" in line for line in result.refused)


def test_a_change_on_both_sides_is_a_conflict_kept_beside(carriers, host, tmp_path):
    project = carriers(1)
    push(project, host)
    mine = project.master / "close_c000.xml"
    mine.write_text(mine.read_text().replace("<ymin>3</ymin>", "<ymin>4</ymin>"))
    ours = mine.read_bytes()
    there = _there(tmp_path, "close_c000")
    there.write_text(there.read_text().replace("<xmin>3</xmin>", "<xmin>6</xmin>"))
    result = pull(project, host)
    assert mine.read_bytes() == ours and len(result.conflicts) == 1
    beside = [p.name for p in project.master.iterdir() if p.name.startswith("close_c000") and p != mine
              and p.suffix != ".jpg"]
    assert beside, "the labeling side's version is kept beside the master"


def test_the_interrupted_message_counts_what_was_taken(carriers):
    assert interrupted_message(carriers(1), 1, 3) == (
        "interrupted (Ctrl-C): close: 1 of 3 changed master annotation(s) were taken; run it again to take the rest")
