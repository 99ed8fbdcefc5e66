"""The folder labeling tool: LabelImg / CVAT / exports in a folder on the imglabeling host.

  listing.py  what the labeling side holds, and which carrier each XML there belongs to
  exports.py  which tool wrote a VOC file there, and how its coordinates map onto ours
  push.py     push: the carriers and XMLs that differ, plus LabelImg's class list
  pull.py     pull: the changed XMLs in one stream, each a candidate for the verdict
"""
from __future__ import annotations

from ..status import HEADER, status
from .pull import PullResult, pull
from .push import PushResult, push


class Folder:
    """The imglabeling role as a folder on its host (hosts.yaml `tool: folder`, the default)."""

    header = HEADER

    def __init__(self, ws):
        self.ws = ws

    def where(self, name: str) -> str:
        """Where the project's carriers go, for `--dry` (computed without connecting)."""
        entry = self.ws.hosts.one("imglabeling")
        return f"{entry.label}: {entry.path('projects', name, 'master')}"

    def push(self, project) -> PushResult:
        with self.ws.host("imglabeling") as host:
            return push(project, host)

    def pull(self, project) -> PullResult:
        with self.ws.host("imglabeling") as host:
            return pull(project, host)

    def status(self, projects) -> list[list[str]]:
        return [s.row() for s in status(projects)]
