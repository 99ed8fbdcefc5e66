"""What a verb would do, for `inv --dry TASK`: lines naming what it would write, which hosts it
would contact and what it would swap. Computing a plan reads local files only: it never
connects to a host and never writes a byte.
"""
from __future__ import annotations

from pathlib import Path

from .errors import UserError
from .text import shown


def _where(ws, role: str) -> str:
    entries = ws.hosts.role(role)
    return ", ".join(h.label for h in entries)


def compose(ws, name: str) -> list[str]:
    project = ws.project(name)
    w, h = ws.profile.size
    count = (project.config.get("compose") or {}).get("count", "the configured")
    return [f"would compose {count} carrier(s) of {name} at {w}x{h} on {_where(ws, 'dataaug')}",
            f"would write changed carriers and pre-label XML into {shown(project.master, ws.root)} "
            f"(an XML a person edited is kept)"]


def outdated(ws, names, force: bool) -> list[str]:
    """The projects a build would build (not skip): the build's own fingerprint decides."""
    from .dataaug.plan import fingerprint

    return [p.name for p in ws.projects(ws.default_projects(names))
            if force or p.build_record().get("fingerprint")
            != fingerprint(p, ws.profile.size, p.labelled_carriers())]


def build(ws, names, force: bool) -> list[str]:
    lines, todo = [], set(outdated(ws, names, force))
    for project in ws.projects(ws.default_projects(names)):
        if project.name not in todo:
            lines.append(f"{project.name}: up to date, would skip (--force rebuilds it)")
            continue
        carriers = len(project.labelled_carriers())
        lines.append(f"{project.name}: would build from {carriers} carrier(s) x count {project.count} at "
                     f"{ws.profile.width}x{ws.profile.height} on {_where(ws, 'dataaug')}, then swap the new "
                     f"build in for {shown(project.build_dir, ws.root)}")
    return lines


def push(ws, name: str) -> list[str]:
    from .labeling.tool import tool_for

    project = ws.project(name)
    return [f"would send the carriers of {name} that differ ({len(project.carrier_images())} carrier(s) in "
            f"{shown(project.master, ws.root)}) to {tool_for(ws).where(name)}"]


def pull(ws, name: str) -> list[str]:
    from .labeling.tool import tool_for

    project = ws.project(name)
    return [f"would fetch the XML changed on {tool_for(ws).where(name)} and take each valid one into "
            f"{shown(project.master, ws.root)}"]


def mix_after_build(ws, name: str) -> list[str]:
    """`inv --dry all` when the build would rebuild: the mix checks what that build writes, and the
    deploy ships that mix, neither of which a dry run can know yet."""
    host = _pytorch(ws)
    return [f"would mix the new builds into {shown(ws.dist_dir / (name + '.tar.gz'), ws.root)} and "
            f"{name}.manifest.json, checking every annotation as it packs",
            f"would upload that mix to {host.label}, verify it there and swap it in "
            f"(the previous dataset kept as .prev)"]


def _pytorch(ws):
    return ws.hosts.one("pytorch")


def deploy(ws, name: str | None) -> list[str]:
    from . import mixes
    from .deploy import dataset_dir, has_test_split

    try:
        manifest = mixes.read(mixes.find(ws, name))
    except UserError as exc:
        return [f"would stop: {exc}"]
    host = _pytorch(ws)
    target = dataset_dir(host, manifest["name"], has_test_split(manifest))
    return [f"would upload {shown(manifest['archive_path'], ws.root)} (sha256 {manifest['sha256'][:12]}...) to "
            f"{host.label}, verify it there and unpack it beside {target}",
            f"would swap it in for {target}, keeping the current one as {target}.prev"]


def _recorded(host) -> str:
    from .deploy import recorded_folder

    record = host.path(".dlimgmgr/deployed.json")
    if host.is_local:
        return recorded_folder(host) or f"nothing (no deploy recorded in {record} yet: the run would stop)"
    return f"the folder the last deploy filled (as its record on the host, {record}, says)"


def rollback(ws) -> list[str]:
    from .deploy import rollback_folder

    host = _pytorch(ws)
    where = rollback_folder(host) or _recorded(host)
    return [f"would swap {where} and its .prev on {host.label}"]


def train(ws) -> list[str]:
    from .deploy import recorded_folder, voc_root

    host = _pytorch(ws)
    if not host.train_command:
        return [f"would stop: {ws.hosts.path}: roles.pytorch has no train_command"]
    folder = recorded_folder(host)
    env = {"DLIMGMGR_DATASET_DIR": folder, **voc_root(host, folder)} if folder else {}
    shown = " ".join(f"{k}={v}" for k, v in env.items()) or f"DLIMGMGR_DATASET_DIR={_recorded(host)}"
    return [f"would run on {host.label} in {host.target_home} with {shown}: {host.train_command}"]


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
    listed = ", ".join(f"{src} as {dest}" for src, dest in planned) or "no source"
    return [f"would create {shown(ws.projects_dir / name, ws.root)} (project.yaml, master/sources/, augment.py, "
            f"README.md, notebooks/{name}.ipynb) with {listed}"]


def import_(ws, folder, project: str | None, each: bool) -> list[str]:
    from .projects import is_image

    files = sorted(p.name for p in Path(folder).expanduser().iterdir() if is_image(p)) \
        if Path(folder).expanduser().is_dir() else []
    target = "one new project per new image" if each else f"project {project}"
    return [f"would add the image(s) of {folder} not known by content ({len(files)} candidate(s)) to {target}"]
