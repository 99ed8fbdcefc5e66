"""`inv imglabeling.labelstudio-token`: the imglabeling role's Label Studio, a user, a token kept."""
from __future__ import annotations

import getpass
import os
import sys

from ...errors import UserError
from .account import make_token, store

USER_ENV, PASSWORD_ENV = "LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD"


def _target(ws, email: str | None):
    """(the role's entry, the user, the secrets file) the token is for; refused in one line."""
    entry = ws.hosts.one("imglabeling")
    if entry.tool != "labelstudio":
        raise UserError(f"{ws.hosts.path}: roles.imglabeling is not tool: labelstudio; set tool, url and token_env "
                        f"there first (README: Label Studio)")
    email = email or os.environ.get(USER_ENV)
    if not email:
        raise UserError(f"no Label Studio user given; pass --email or set {USER_ENV}")
    return entry, email, ws.secrets_path or ws.hosts.secrets_path or ws.hosts.path.parent / "secrets.yaml"


def token_plan(ws, email: str | None) -> list[str]:
    """`--dry`: what the task would do (nothing is contacted)."""
    entry, email, secrets = _target(ws, email)
    return [f"would log in to {entry.url} as {email}, make a personal access token and write it to {secrets} "
            f"as {entry.token_env} (mode 600)"]


def token_line(ws, email: str | None) -> str:
    """Make and store the token; the one line that says where it went (never the token)."""
    entry, email, secrets = _target(ws, email)
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise UserError(f"{PASSWORD_ENV} is not set and there is no terminal to ask; export it")
        password = getpass.getpass(f"Label Studio password of {email}: ")
    token = make_token(entry.url, email, password, f"role imglabeling ({entry.tool})")
    store(secrets, entry.token_env, token)
    line = f"a personal access token of {email} is in {secrets} as {entry.token_env} (mode 600)"
    if os.environ.get(entry.token_env):
        line += f"; unset {entry.token_env} in your shell, or it wins over the file"
    return line
