"""The Label Studio project of a dlimgmgr project: found by its title, its tasks by carrier stem.

One Label Studio project per dlimgmgr project, titled `dlimgmgr NAME`, so every clone pointing
at the same server finds it again. A task belongs to the carrier its uploaded file is named
after (Label Studio prefixes uploads with 8 hex digits: `1a2b3c4d-close_c000.jpg`). The tasks,
their annotations and prediction ids come in one call (the JSON export of all tasks).
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ...errors import UserError
from ...hosts.config import HostConfig
from ...projects import Project
from ..folder.listing import LABEL_STUDIO
from .client import Client
from .config import labeling_config, same_config

TITLE_PREFIX = "dlimgmgr "


def client_for(entry: HostConfig) -> Client:
    """A client for the imglabeling role's Label Studio (url and token from hosts.yaml's entry)."""
    return Client(entry.url, entry.token or "", where=f"role {entry.role} ({entry.tool})",
                  token_env=entry.token_env or "token_env", timeout=entry.timeout * 2)


def title_of(project: Project) -> str:
    return TITLE_PREFIX + project.name


@dataclass
class Remote:
    client: Client
    id: int
    title: str

    @property
    def shown(self) -> str:
        """How messages name it: `role imglabeling (labelstudio) http://...: project 'dlimgmgr close'`."""
        return f"{self.client.where} {self.client.url}: project {self.title!r}"

    def page(self, task_id: int) -> str:
        return f"{self.client.url}/projects/{self.id}/data?task={task_id}"

    def tasks(self) -> dict[str, dict]:
        """{carrier stem: task} with its annotations (the newest task when one stem has several)."""
        tasks = self.client.get(f"/api/projects/{self.id}/export", exportType="JSON", download_all_tasks="true")
        by_stem: dict[str, dict] = {}
        for task in sorted(tasks or [], key=lambda t: t["id"]):
            stem = stem_of_task(task)
            if stem is not None:
                by_stem[stem] = task
        return by_stem


def stem_of_task(task: dict) -> str | None:
    image = (task.get("data") or {}).get("image")
    if not isinstance(image, str):
        return None
    base = posixpath.splitext(posixpath.basename(image))[0]
    m = LABEL_STUDIO.fullmatch(base)
    return m.group(1) if m else base


def _find(client: Client, title: str) -> dict | None:
    found = client.get("/api/projects/", title=title, page_size=100)
    results = found.get("results", []) if isinstance(found, dict) else found or []
    exact = [p for p in results if p.get("title") == title]
    return min(exact, key=lambda p: p["id"]) if exact else None


def find(client: Client, project: Project) -> Remote | None:
    """The project's Label Studio project, or None when nothing was pushed there yet."""
    return find_title(client, title_of(project))


def find_title(client: Client, title: str) -> Remote | None:
    found = _find(client, title)
    return Remote(client, found["id"], found["title"]) if found else None


def find_or_create(client: Client, project: Project) -> Remote:
    """The project's Label Studio project, its labeling config made from the classes (created or updated)."""
    wanted = labeling_config(project.classes)
    found = _find(client, title_of(project))
    if found is None:
        found = client.post("/api/projects/", {"title": title_of(project), "label_config": wanted,
                                               "description": f"dlimgmgr project {project.name}: carriers "
                                               f"with pre-labels; pull with inv imglabeling.pull {project.name}"})
    elif not same_config(found.get("label_config") or "", wanted):
        client.patch(f"/api/projects/{found['id']}/", {"label_config": wanted})
    return Remote(client, found["id"], found["title"])


def require(client: Client, project: Project) -> Remote:
    remote = find(client, project)
    if remote is None:
        raise UserError(f"{client.where} {client.url}: no project {title_of(project)!r} there; nothing was pushed "
                        f"yet; send the carriers first: inv imglabeling.push {project.name}")
    return remote


def latest_submitted(task: dict) -> dict | None:
    """The newest annotation a person submitted (not cancelled / skipped), or None."""
    done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    return max(done, key=lambda a: (a.get("updated_at") or "", a["id"])) if done else None


def annotation_key(annotation: dict | None) -> str | None:
    """What the record keeps of the annotation last taken: its id and when it was last saved."""
    return None if annotation is None else f"{annotation['id']}@{annotation.get('updated_at')}"
