"""Label Studio as the imglabeling tool (hosts.yaml `tool: labelstudio`, `url`, `token_env`).

  transport.py one bounded HTTP exchange: total deadline, size bound, same-origin redirects only,
              the url check (no credentials, a numeric port)
  client.py   the JSON client over it: token exchange, the token stripped and never shown, one-line errors
  shape.py    every JSON answer checked by shape: one line per bad field, naming the task
  config.py   the labeling config made from a project's classes
  convert.py  VOC pixel boxes <-> Label Studio percent results, exact to the pixel
  remote.py   the Label Studio project of a dlimgmgr project, and its tasks by id
  push.py     push: changed carriers uploaded one per request (the task id kept), pre-labels as predictions
  pull.py     pull: latest submitted annotation of each carrier's task, a candidate for the verdict
  status.py   per project: tasks, annotated, pre-label only, confirmed, changed, conflicts, last annotator
  account.py, setup.py   `inv imglabeling.labelstudio-token`: a personal access token without a browser

The push record is the folder mode's master/.labeling.json (lib/labeling/record.py): each
carrier's entry keeps "image", "xml", "checked" and "conflict" as there, plus
"studio": {"task": ID, "annotation": "ID@UPDATED_AT"} (the task push made for the carrier, whose
"image" is the sha256 of the bytes sent, and the annotation last taken) and
"person": {"by": "user ID", "at": UPDATED_AT} (who submitted the labels taken or confirmed).
"""
from .pull import StudioPullResult, pull
from .push import StudioPushResult, push
from .status import HEADER, StudioStatus, status


class Studio:
    """The imglabeling role as Label Studio: push, pull and status over its API."""

    header = HEADER

    def __init__(self, entry):
        self.entry = entry

    def where(self, name: str) -> str:
        """The project's Label Studio project, for `--dry` (computed without connecting)."""
        return f"{self.entry.label} Label Studio {self.entry.url}, project 'dlimgmgr {name}'"

    def push(self, project) -> StudioPushResult:
        return push(project, self.entry)

    def pull(self, project) -> StudioPullResult:
        return pull(project, self.entry)

    def status(self, projects) -> list[list[str]]:
        return [s.row() for s in status(projects, self.entry)]


__all__ = ["HEADER", "Studio", "StudioPullResult", "StudioPushResult", "StudioStatus", "pull", "push", "status"]
