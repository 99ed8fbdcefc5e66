"""lib/labeling/studio/status.py: tasks, annotated, pre-label only, the last annotator (no server)."""
import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.labeling.studio.status import HEADER, StudioStatus, _count, status


def test_count_from_tasks(task):
    st = StudioStatus("close")
    assert st.row()[1] == "0 (never pushed)"
    tasks = [task(1, [(1, "2026-01-01T10:00:00.123Z", [("close", 1, 1, 5, 5)], False)]),
             task(2, [(2, "2026-02-01T11:22:33.000Z", [], False)]),
             task(3, [(3, "2026-03-01T00:00:00Z", [], True)], predictions=[{"id": 1}]),   # cancelled
             task(4)]
    _count(st, tasks, {7: "ann@example.org"})
    assert (st.tasks, st.annotated, st.prelabel_only) == (4, 2, 1)
    assert st.last_by == "ann@example.org" and st.last_at == "2026-02-01_11:22:33Z"
    assert st.row() == ["close", "4", "2", "1", "0", "0", "0", "ann@example.org", "2026-02-01_11:22:33Z"]
    assert len(HEADER) == len(st.row())


def test_no_server_is_one_line(carriers, nowhere):
    with pytest.raises(UserError, match="cannot connect .*start Label Studio there or fix url in hosts.yaml"):
        status([carriers(1)], nowhere)
