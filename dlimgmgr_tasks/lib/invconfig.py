"""The dlimgmgr settings `inv` would use for a checkout, read outside `inv` (a notebook).

Invoke merges, lowest first: the collection's defaults (lib.workspace.DEFAULTS), /etc/invoke.yaml,
~/.invoke.yaml, the project's invoke.yaml beside tasks.py, and INVOKE_DLIMGMGR_* environment
variables. `read(root)` asks Invoke's own Config to do exactly that, so a notebook sees the
profile `inv build` builds.
"""
from __future__ import annotations

import copy
from pathlib import Path

from .errors import UserError


def read(root, defaults: dict) -> dict:
    """The `dlimgmgr:` settings for the checkout at root, as plain dicts and lists."""
    from invoke.config import Config

    root = Path(root)
    _check_yaml(root / "invoke.yaml")
    try:
        config = Config(project_location=str(root), lazy=True)
        config.load_collection({"dlimgmgr": copy.deepcopy(defaults)})
        config.load_system()
        config.load_user()
        config.load_project()
        config.load_shell_env()
        settings = plain(config.dlimgmgr)
    except Exception as exc:  # noqa: BLE001 -- Invoke's merge and parse errors, as one line
        raise UserError(f"{root / 'invoke.yaml'}: cannot be read as `inv` reads it ({exc}); fix the file") from None
    settings.pop("root", None)
    return settings


def _check_yaml(path: Path) -> None:
    """A broken invoke.yaml is one line naming it (as `inv` says), not a parser's traceback."""
    import yaml
    if not path.is_file():
        return
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not readable YAML ({' '.join(str(exc).split())[:120]}); fix the file") from None
    if data is not None and not isinstance(data, dict):
        raise UserError(f"{path}: must be a mapping of settings (e.g. `dlimgmgr:` with keys under it); fix the file")


def plain(value):
    """Invoke's config proxies as plain dicts and lists: the library never sees Invoke types."""
    if hasattr(value, "keys"):
        return {k: plain(value[k]) for k in value.keys()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
