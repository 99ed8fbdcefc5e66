"""Labeling unit tests: a project with labelled carriers (real JPEGs, VOC XML beside them)."""
import pytest

from dlimgmgr_tasks.lib import voc


@pytest.fixture
def carriers(make_project, jpeg, annotation):
    """carriers(n) -> a project `close` with n carriers 64x48, each with one box, and a .prelabels.json."""
    from dlimgmgr_tasks.lib.hashing import sha256_file
    from dlimgmgr_tasks.lib.prelabels import write_prelabels

    def make(n=2):
        project = make_project()
        record = {}
        for i in range(n):
            stem = f"close_c00{i}"
            jpeg(project.master / f"{stem}.jpg", color=(20 * i, 50, 50))
            voc.write(project.master / f"{stem}.xml", annotation(f"{stem}.jpg", (64, 48), ("close", 3, 3, 20, 20)))
            record[stem] = sha256_file(project.master / f"{stem}.xml")
        write_prelabels(project, record)
        return project
    return make
