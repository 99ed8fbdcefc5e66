"""save_settings: write tried settings into project.yaml, keeping its comments, key order and
layout (ruamel.yaml round trip). The notebook's only cell that writes calls it."""
from __future__ import annotations

import io

from ..errors import UserError
from ..files import atomic_write


def _yaml():
    from ruamel.yaml import YAML
    y = YAML()                      # round trip: comments, order, flow style of untouched nodes
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096                  # a long flow mapping stays on its line
    y.preserve_quotes = True
    return y


def _flow(value):
    """Small leaves in flow style, as project.yaml writes them: {a: 1, b: 2}, [lo, hi], and a
    recipe step as `- Affine: {rotate: [-5, 5], p: 0.9}`."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    if isinstance(value, dict):
        out = CommentedMap((k, _flow(v)) for k, v in value.items())
        step = len(value) == 1 and isinstance(next(iter(value.values())), dict)
        if not step and all(_is_leaf(v) for v in out.values()):
            out.fa.set_flow_style()
        return out
    if isinstance(value, (list, tuple)):
        out = CommentedSeq(_flow(v) for v in value)
        if all(not isinstance(v, dict) and _is_leaf(v) for v in out):
            out.fa.set_flow_style()
        return out
    return value


def _is_leaf(node) -> bool:
    """A scalar, or a node already in flow style."""
    if not isinstance(node, (dict, list)):
        return True
    fa = getattr(node, "fa", None)
    return bool(fa and fa.flow_style())


def _merge(node, updates: dict) -> None:
    """Replace or add keys of a ruamel mapping in place (an existing key keeps its place and comment)."""
    for key, value in updates.items():
        node[key] = _flow(value)


def updated_text(text: str, where: str, compose: dict | None = None, recipe: dict | None = None,
                 top: dict | None = None) -> str:
    """project.yaml's text with these keys set: compose: / recipe: keys, and top-level ones (count, seed)."""
    y = _yaml()
    try:
        doc = y.load(text)
    except Exception as exc:  # noqa: BLE001 -- ruamel's many error types: one line naming the file
        raise UserError(f"{where}: not valid YAML ({str(exc).splitlines()[0]}); fix the file") from None
    for section, updates in (("compose", compose), ("recipe", recipe)):
        if updates:
            if doc.get(section) is None:
                doc[section] = _flow({})
                doc[section].fa.set_block_style()
            _merge(doc[section], updates)
    _merge(doc, top or {})
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def save_settings(project, compose: dict | None = None, steps: list | None = None, recipe: dict | None = None,
                  **top) -> str:
    """Write tried settings into the project's project.yaml: compose keys (as given to try_compose),
    recipe steps (as given to try_recipe), other recipe keys, and top-level keys such as count or
    seed. Comments, key order and untouched lines stay as they were; the result is checked as
    compose and build would read it before it replaces the file. Returns the path written."""
    from ..compose.config import read_config
    from ..projects import load_yaml, _validate, Project
    from ..dataaug.plan import check_recipe

    recipe = dict(recipe or {})
    if steps is not None:
        recipe["steps"] = steps
    path = project.yaml_path
    before = path.read_text(encoding="utf-8")
    text = updated_text(before, str(path), compose, recipe, top)
    data = _validate(path, load_yaml(text))
    checked = Project(project.name, project.dir, data, project.workspace)
    read_config(checked)                              # compose: as compose reads it
    check_recipe(checked)                             # recipe (every step built once), as build checks it
    if text != before:             # settings as they were: the file (and its mtime) stays
        atomic_write(path, text.encode("utf-8"))
    project.config = data
    return str(path)
