"""The folder labeling tool (LabelImg / CVAT / exports in a folder on the imglabeling host) behind
the same three verbs as lib/labeling/studio's Label Studio: push, pull, status."""
from __future__ import annotations

from .pull import PullResult, pull
from .push import PushResult, push
from .status import HEADER, status


class Folder:
    """The imglabeling role as a folder on its host (hosts.yaml `tool: folder`, the default)."""

    def __init__(self, ws):
        self.ws = ws
        self.header = HEADER

    def push(self, project) -> PushResult:
        with self.ws.host("imglabeling") as host:
            return push(project, host)

    def pull(self, project) -> PullResult:
        with self.ws.host("imglabeling") as host:
            return pull(project, host)

    def status(self, projects) -> list[list[str]]:
        return [s.row() for s in status(projects)]
