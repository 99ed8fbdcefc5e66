"""The one `LabelingTool` interface, and the one place that picks the tool from hosts.yaml.

A tool is built without connecting (so `--dry` can ask it where things would go); its verbs
connect. The folder tool (`folder/`) and Label Studio (`studio/`) are peers: both hand each
offered annotation to `verdict.judge`, and both keep the one record (`record.py`).
"""
from __future__ import annotations

from typing import Protocol


class LabelingTool(Protocol):
    header: list[str]                     # the status table's column names

    def where(self, name: str) -> str:
        """How messages and plans name the project's place in the tool."""

    def push(self, project):
        """Send the carriers and pre-labels that changed; a result with `lines()`."""

    def pull(self, project):
        """Offer each changed annotation to the verdict; a `verdict.PullResult`."""

    def status(self, projects) -> list[list[str]]:
        """One row per project, under `header`."""


def tool_for(ws) -> LabelingTool:
    """The labeling tool the imglabeling role names (hosts.yaml `tool`: folder, the default, or labelstudio)."""
    entry = ws.hosts.one("imglabeling")
    if entry.tool == "labelstudio":
        from .studio import Studio
        return Studio(entry)
    from .folder import Folder
    return Folder(ws)
