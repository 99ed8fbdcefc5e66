"""Label Studio unit tests need no server: a URL where nothing listens, and task JSON as its API gives."""
import socket

import pytest

from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.labeling.studio.convert import to_result
from dlimgmgr_tasks.lib.voc import VocObject


@pytest.fixture
def nowhere(tmp_path) -> HostConfig:
    """A labelstudio entry whose url has no server (a port bound and closed at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return HostConfig(role="imglabeling", host="local", target_home=str(tmp_path / "lab"), tool="labelstudio",
                      url=f"http://127.0.0.1:{port}", token="t", timeout=2.0)


@pytest.fixture
def task():
    """task(id, annotations=[(id, updated_at, [(name, xmin, ymin, xmax, ymax)], cancelled)], predictions=[])."""
    def make(task_id, annotations=(), predictions=()):
        return {"id": task_id, "predictions": list(predictions), "annotations": [
            {"id": aid, "updated_at": at, "was_cancelled": cancelled, "completed_by": {"id": 7},
             "result": [to_result(VocObject(*box), 64, 48, f"r{i}") for i, box in enumerate(boxes)]}
            for aid, at, boxes, cancelled in annotations]}
    return make
