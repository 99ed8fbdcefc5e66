"""What a verb would do, for `inv --dry TASK`: lines naming what it would write, which hosts it
would contact and what it would swap. Computing a plan reads local files only: it never
connects to a host and never writes a byte.
"""
from __future__ import annotations

from pathlib import Path

from .errors import UserError


def _where(ws, role: str) -> str:
    entries = ws.hosts.role(role)
    return ", ".join(h.label for h in entries)


def _rel(ws, path) -> str:
    path = Path(path)
    try:
        return str(path.relative_to(ws.root))
    except ValueError:
        return str(path)


def compose(ws, name: str) -> list[str]:
    project = ws.project(name)
    w, h = ws.profile.size
    count = (project.config.get("compose") or {}).get("count", "the configured")
    return [f"would compose {count} carrier(s) of {name} at {w}x{h} on {_where(ws, 'dataaug')}",
            f"would write changed carriers and pre-label XML into {_rel(ws, project.master)} "
            f"(an XML a person edited is kept)"]


def build(ws, names, force: bool) -> list[str]:
    from .dataaug.plan import fingerprint, stored

    lines = []
    for project in ws.projects(ws.default_projects(names)):
        digest = fingerprint(project, ws.profile.size, project.labelled_carriers())
        if not force and stored(project.build_dir).get("fingerprint") == digest:
            lines.append(f"{project.name}: up to date, would skip (--force rebuilds it)")
            continue
        carriers = len(project.labelled_carriers())
        lines.append(f"{project.name}: would build from {carriers} carrier(s) x count {project.count} at "
                     f"{ws.profile.width}x{ws.profile.height} on {_where(ws, 'dataaug')}, then swap the new "
                     f"build in for {_rel(ws, project.build_dir)}")
    return lines


def push(ws, name: str) -> list[str]:
    from .labeling.tool import tool_for

    project = ws.project(name)
    return [f"would send the carriers of {name} that differ ({len(project.carrier_images())} carrier(s) in "
            f"{_rel(ws, project.master)}) to {tool_for(ws).where(name)}"]


def pull(ws, name: str) -> list[str]:
    from .labeling.tool import tool_for

    project = ws.project(name)
    return [f"would fetch the XML changed on {tool_for(ws).where(name)} and take each valid one into "
            f"{_rel(ws, project.master)}"]


def mix(ws, name: str, projects: list[str]) -> list[str]:
    names = ws.default_projects(projects)
    images = sum(len(list(p.build_dir.glob("*.jpg"))) for p in ws.projects(names) if p.build_dir.is_dir())
    return [f"would mix {', '.join(names)} ({images} built image(s)) into "
            f"{_rel(ws, ws.dist_dir / (name + '.tar.gz'))} and {name}.manifest.json, replacing them as a pair"]


def _pytorch(ws):
    return ws.hosts.one("pytorch")


def deploy(ws, name: str | None) -> list[str]:
    from .deploy import dataset_dir, find_manifest, has_test_split, read_manifest

    try:
        manifest = read_manifest(find_manifest(ws, name))
    except UserError as exc:
        return [f"would stop: {exc}"]
    host = _pytorch(ws)
    target = dataset_dir(host, manifest["name"], has_test_split(manifest))
    return [f"would upload {_rel(ws, manifest['archive_path'])} (sha256 {manifest['sha256'][:12]}...) to "
            f"{host.label}, verify it there and unpack it beside {target}",
            f"would swap it in for {target}, keeping the current one as {target}.prev"]


def rollback(ws) -> list[str]:
    host = _pytorch(ws)
    where = host.dataset_dir or host.path("datasets", "<the last deployed>")
    return [f"would swap {where} and {where}.prev on {host.label}"]


def train(ws) -> list[str]:
    host = _pytorch(ws)
    if not host.train_command:
        return [f"would stop: {ws.hosts.path}: roles.pytorch has no train_command"]
    return [f"would run on {host.label} in {host.target_home}: {host.train_command}"]


def distribute_config(ws) -> list[str]:
    hosts = ws.hosts
    names = "hosts.yaml" + (" and secrets.yaml (mode 0600)" if hosts.secrets_path else "")
    return [f"would copy {names} to {h.label}: {h.target_home}" for h in hosts.all()]


def prepare(ws) -> list[str]:
    from .inflight import TOOL_TREE
    return [f"would sync the framework to {h.label}: {h.path(TOOL_TREE)} (the tool's tree; nothing else "
            f"in target_home is written)" + ("" if h.python else " and make target_home/.venv from requirements.txt")
            for h in ws.hosts.role("dataaug")]


def new(ws, name: str, sources, source_class: str | None = None) -> list[str]:
    from .projects import check_name
    from .scaffold import plan_sources

    check_name(name)
    planned = plan_sources(sources, source_class=source_class)  # refuses what the real run refuses
    shown = ", ".join(f"{src} as {dest}" for src, dest in planned) or "no source"
    return [f"would create {_rel(ws, ws.projects_dir / name)} (project.yaml, master/sources/, augment.py, "
            f"README.md, notebooks/{name}.ipynb) with {shown}"]


def import_(ws, folder, project: str | None, each: bool) -> list[str]:
    from .projects import is_image

    files = sorted(p.name for p in Path(folder).expanduser().iterdir() if is_image(p)) \
        if Path(folder).expanduser().is_dir() else []
    target = "one new project per new image" if each else f"project {project}"
    return [f"would add the image(s) of {folder} not known by content ({len(files)} candidate(s)) to {target}"]
