"""lib/labeling/status.py: carriers, pre-labelled, checked, unlabelled, changed, conflicts."""
from dlimgmgr_tasks.lib.hashing import sha256_file
from dlimgmgr_tasks.lib.labeling import record
from dlimgmgr_tasks.lib.labeling.status import HEADER, status, unchecked


def test_counts_from_the_record(carriers, jpeg):
    project = carriers(3)
    (st,) = status([project])
    assert (st.carriers, st.prelabelled, st.checked, st.unlabelled, st.changed) == (3, 3, 0, 0, 3)
    assert st.row() == ["close", "3", "3", "0", "0", "3 (never pushed)", "0"]
    assert unchecked(project) == ["close_c000.xml", "close_c001.xml", "close_c002.xml"]
    # A person edited c001, c002 was confirmed (saved unchanged, pulled), a new carrier has no XML.
    (project.master / "close_c001.xml").write_text((project.master / "close_c001.xml").read_text()
                                                    .replace("<xmin>3</xmin>", "<xmin>4</xmin>"))
    jpeg(project.master / "close_c009.jpg")
    entries = {f"close_c00{i}": {"image": sha256_file(project.master / f"close_c00{i}.jpg"),
                                 "xml": sha256_file(project.master / f"close_c00{i}.xml")} for i in range(3)}
    entries["close_c002"]["checked"] = entries["close_c002"]["image"]
    entries["close_c000"]["conflict"] = True
    record.remote_copy(project, "close_c000").write_text("<annotation/>")
    record.write_record(project, entries)
    (st,) = status([project])
    assert (st.carriers, st.prelabelled, st.checked, st.unlabelled, st.changed) == (4, 1, 2, 1, 1)
    assert st.conflicts == ["close_c000"] and st.row()[5] == "1"
    assert unchecked(project) == ["close_c000.xml"]
    assert HEADER[0] == "project" and len(HEADER) == len(st.row())


def test_unchecked_survives_a_damaged_record(carriers):
    project = carriers(1)
    record.record_path(project).write_text("{broken")
    assert unchecked(project) == ["close_c000.xml"]
