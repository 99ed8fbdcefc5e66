"""projects_store lists -> profile project lists in invoke.yaml, its comments kept (ruamel.yaml).

change_projects.sh NET copied projects_store/common/* and projects_store/NET/* into projects/:
profile NET's projects are common's and NET's. A profile that had no list built every project, so
the projects that existed before keep being built by it. A profile invoke.yaml lacks is added
with the size of the original's config/dl_image_manager_config_NET.py, when that size is fixed.
"""
from __future__ import annotations

import io
from pathlib import Path

from ..errors import UserError
from ..files import atomic_write


def _load(path: Path):
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments, order and flow style stay as the person wrote them
    yaml.preserve_quotes = True
    try:
        data = yaml.load(path.read_text(encoding="utf-8")) if path.is_file() else None
    except Exception as exc:  # ruamel raises its own error types for a broken file
        raise UserError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix it, then migrate again") from None
    return yaml, data if data is not None else {}


def wanted(legacy, names: dict[str, str]) -> dict:
    """{profile: (size or None, [projects])} from the stores; `names`: legacy name -> project name."""
    result = {}
    common = legacy.stores.get("common", [])
    for store, members in legacy.stores.items():
        if store == "common":
            continue
        projects = [names[n] for n in [*common, *members] if n in names]
        if projects:
            result[store] = (legacy.sizes.get(store), list(dict.fromkeys(projects)))
    return result


def _flow(items: list):
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()  # [a, b] on one line, as invoke.yaml writes its lists
    return seq


def apply(path: Path, wanted_lists: dict, existing: list[str], write: bool) -> list[str]:
    """Add the lists to invoke.yaml's dlimgmgr.profiles; returns one line per change (none: unchanged)."""
    yaml, data = _load(path)
    profiles = data.setdefault("dlimgmgr", {}).setdefault("profiles", {})
    lines = []
    for profile, (size, projects) in wanted_lists.items():
        entry = profiles.get(profile)
        if entry is None:
            if size is None:
                lines.append(f"profile {profile}: not in {path.name} and the original's size for it is not fixed "
                             f"(the icon's own); add it with a size and projects: {', '.join(projects)}")
                continue
            profiles[profile] = entry = {"size": _flow([int(size[0]), int(size[1])]), "projects": _flow([])}
            lines.append(f"profile {profile}: added to {path.name} with size {size[0]}x{size[1]}")
        have = [str(p) for p in entry.get("projects") or []]
        base = have if "projects" in entry else list(existing)  # no list: it built every project there was
        merged = list(dict.fromkeys([*base, *projects]))
        if merged != have or "projects" not in entry:
            entry["projects"] = _flow(merged)
            kept = f" (kept the {len(base)} it built before)" if base else ""
            lines.append(f"profile {profile}: projects {', '.join(merged)}{kept}")
    if lines and write and any(" added " in line or ": projects " in line for line in lines):
        buf = io.StringIO()
        yaml.dump(data, buf)
        atomic_write(path, buf.getvalue().encode("utf-8"))
    return lines
