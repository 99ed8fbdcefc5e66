"""Labeling status per project in Label Studio: tasks, annotated, pre-label only, changed since push,
conflicts, and who submitted the latest annotation and when."""
from __future__ import annotations

from dataclasses import dataclass

from ...hosts.config import HostConfig
from ..record import confirmed, file_sha, read_record, waiting_conflict
from .remote import client_for, find, latest_submitted, user_names

HEADER = ["project", "tasks", "annotated", "pre-label-only", "confirmed-here", "changed-since-push", "conflicts",
          "last-by", "last-at"]


@dataclass
class StudioStatus:
    project: str
    pushed: bool = False
    tasks: int = 0
    annotated: int = 0        # tasks with a submitted (not cancelled) annotation
    prelabel_only: int = 0    # tasks with a prediction and no submitted annotation
    confirmed: int = 0        # carriers whose master holds labels a person submitted (pulled), for this image
    changed: int = 0          # carriers whose image or XML differs from what was last pushed or pulled
    conflicts: int = 0
    last_by: str = "-"
    last_at: str = "-"

    def row(self) -> list[str]:
        tasks = str(self.tasks) if self.pushed else "0 (never pushed)"
        return [self.project, tasks, str(self.annotated), str(self.prelabel_only), str(self.confirmed),
                str(self.changed),
                str(self.conflicts), self.last_by, self.last_at]


def status(projects, entry: HostConfig) -> list[StudioStatus]:
    client = client_for(entry)
    users = None
    out = []
    for project in projects:
        st = StudioStatus(project.name)
        record = read_record(project)
        for image in project.carrier_images():
            e = record.get(image.stem, {})
            if e.get("image") != file_sha(image) or e.get("xml") != file_sha(image.with_suffix(".xml")):
                st.changed += 1
            st.conflicts += waiting_conflict(project, image.stem, e)
        st.confirmed = len(confirmed(project, record))
        remote = find(client, project)
        if remote is not None:
            users = user_names(client) if users is None else users
            _count(st, list(remote.listing()[0].values()), users)
        out.append(st)
    return out


def _count(st: StudioStatus, tasks: list[dict], users: dict[int, str]) -> None:
    st.pushed, st.tasks = True, len(tasks)
    latest = None
    for task in tasks:
        annotation = latest_submitted(task)
        if annotation is None:
            st.prelabel_only += bool(task.get("predictions"))
            continue
        st.annotated += 1
        if latest is None or (annotation.get("updated_at") or "") > (latest.get("updated_at") or ""):
            latest = annotation
    if latest is not None:
        who = latest.get("completed_by")
        who = who.get("id") if isinstance(who, dict) else who
        st.last_by = users.get(who, f"user {who}")
        st.last_at = (latest.get("updated_at") or "-")[:19].replace("T", "_") + "Z"
        st.last_by, st.last_at = ("".join(c for c in v if c.isprintable() and not c.isspace()) or "-"
                                  for v in (st.last_by, st.last_at))   # one word per column
