"""The Label Studio project of a dlimgmgr project: found by its title, its tasks by carrier stem.

One Label Studio project per dlimgmgr project, titled `dlimgmgr NAME`, so every clone pointing
at the same server finds it again. A task belongs to the carrier whose record entry holds its id
(push keeps the id Label Studio gave the upload): never guessed from the stored file name, which
Label Studio changes (`my shot (1).jpg`, `été_c001.jpg`). The tasks, their annotations and
prediction ids come in one call (the JSON export of all tasks), each checked by shape.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ...errors import UserError
from ...hosts.config import HostConfig
from ...projects import Project
from .client import Client
from .config import labeling_config, same_config
from .shape import annotation_problems, task_id, task_list

TITLE_PREFIX = "dlimgmgr "


def client_for(entry: HostConfig) -> Client:
    """A client for the imglabeling role's Label Studio (url and token from hosts.yaml's entry)."""
    return Client(entry.url or "", entry.token or "", where=f"role {entry.role} ({entry.tool})",
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
        return f"{self.client.shown}: project {self.title!r}"

    def page(self, task_id: int) -> str:
        return f"{self.client.url}/projects/{self.id}/data?task={task_id}"

    def listing(self) -> tuple[dict[int, dict], list[str]]:
        """{task id: task} with its annotations, and a line per task left out (see shape.task_list).

        A task part of which could not be read carries its problem lines under shape.PROBLEMS."""
        answer = self.client.get(f"/api/projects/{self.id}/export", exportType="JSON", download_all_tasks="true")
        return task_list(answer, self.shown)

    def annotations(self, task_id: int) -> list[dict] | None:
        """A task's annotations as they are now (push asks again right before it deletes the task);
        None when they cannot be read."""
        answer = self.client.get(f"/api/tasks/{task_id}/annotations/")
        if not isinstance(answer, list) or any(annotation_problems(a) for a in answer):
            return None
        return answer


def stored_name(task: dict) -> str:
    """The image's name as Label Studio stored it (for messages only: never to find a carrier)."""
    image = (task.get("data") or {}).get("image")
    name = posixpath.basename(image) if isinstance(image, str) else "?"
    return name if name.isprintable() else repr(name)


def task_of(tasks: dict[int, dict], entry: dict) -> dict | None:
    """The task push made for a carrier (its record entry keeps the id), or None."""
    tid = (entry.get("studio") or {}).get("task")
    return tasks.get(tid) if isinstance(tid, int) else None


def _find(client: Client, title: str) -> dict | None:
    found = client.get("/api/projects/", title=title, page_size=100)
    results = found.get("results", []) if isinstance(found, dict) else found or []
    exact = [p for p in results if isinstance(results, list) and isinstance(p, dict) and p.get("title") == title
             and task_id(p) is not None]
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
        if task_id(found) is None:
            raise UserError(f"{client.shown}: creating project {title_of(project)!r} did not answer with its id; "
                            f"check url in hosts.yaml and Label Studio's log there")
    elif not same_config(found.get("label_config") or "", wanted):
        client.patch(f"/api/projects/{found['id']}/", {"label_config": wanted})
    return Remote(client, found["id"], found["title"])


def require(client: Client, project: Project) -> Remote:
    remote = find(client, project)
    if remote is None:
        raise UserError(f"{client.shown}: no project {title_of(project)!r} there; nothing was pushed "
                        f"yet; send the carriers first: inv imglabeling.push {project.name}")
    return remote


def latest_submitted(task: dict) -> dict | None:
    """The newest annotation a person submitted (not cancelled / skipped), or None."""
    done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    return max(done, key=lambda a: (a.get("updated_at") or "", a["id"])) if done else None


def annotation_key(annotation: dict | None) -> str | None:
    """What the record keeps of the annotation last taken: its id and when it was last saved."""
    return None if annotation is None else f"{annotation['id']}@{annotation.get('updated_at')}"


def user_names(client: Client) -> dict[int, str]:
    """Label Studio's users by id, named by e-mail (annotations name their author by id only)."""
    found = client.get("/api/users/", page_size=1000)
    found = found.get("results", []) if isinstance(found, dict) else found
    found = found if isinstance(found, list) else []
    return {u["id"]: str(u.get("email") or u.get("username") or f"user {u['id']}")
            for u in found if isinstance(u, dict) and task_id(u) is not None}
