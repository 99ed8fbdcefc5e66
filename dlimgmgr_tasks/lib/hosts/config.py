"""hosts.yaml: which machine plays each role, and how to log in there.

`load_hosts(path)` reads and validates the file (and the git-ignored secrets file beside it)
and returns `HostsFile`; `HostsFile.role(name)` gives that role's `HostConfig` entries. A password is never
written in hosts.yaml: `password_env` names an environment variable, or a key of the secrets
file (mode 0600 enforced), whose value is the password. A HostConfig never shows its password in
its repr, so it stays out of logs and tracebacks.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import UserError
from ..projects import load_yaml

ROLES = ("dataaug", "imglabeling", "pytorch")
LOCAL = "local"
KEYS = {"host", "port", "user", "key_file", "password_env", "target_home", "python", "dataset_dir",
        "train_command", "jobs", "timeout", "layout", "tool", "url", "token_env", "fitness_python"}
# How the pytorch role lays a deployed dataset out: `plain` (dataset_dir is the dataset) or
# `vocdevkit` (dataset_dir/VOCdevkit/VOC2012, VOC2007 with a test split: torchvision's VOCDetection).
LAYOUTS = ("plain", "vocdevkit")
# What a person labels with on the imglabeling role: a folder opened in LabelImg/CVAT, or Label
# Studio over its HTTP API (`url`, and a personal access token from `token_env`).
TOOLS = ("folder", "labelstudio")
# Seconds to wait for a host that stopped answering: TCP connect, SSH greeting, login, channel
# open, and any read, write or exit status (a link that freezes is noticed within this).
DEFAULT_TIMEOUT = 30.0
# Values that become words of commands run there: a leading '-' would read as an option.
NO_DASH = ("target_home", "dataset_dir", "python", "fitness_python")
# Where a role's files live when hosts.yaml does not say (local: this user's home; remote: the
# login directory, i.e. relative paths are relative to the remote user's home).
# pytorch: per checkout (relative to the hosts file), so two clones never share a deploy target.
DEFAULT_LOCAL_HOME = {"imglabeling": "~/dlimgmgr-labeling", "pytorch": ".dlimgmgr/pytorch"}
DEFAULT_REMOTE_HOME = "dlimgmgr"


@dataclass(frozen=True)
class HostConfig:
    role: str
    host: str                       # "local" or a host name / address
    target_home: str                # local: absolute, ~ expanded; remote: as written (relative = login dir)
    port: int = 22
    user: str | None = None
    key_file: str | None = None     # local path, ~ expanded
    password_env: str | None = None
    python: str | None = None
    dataset_dir: str | None = None
    train_command: str | None = None
    fitness_python: str | None = None   # pytorch: an existing trainer venv's python (else one is made)
    jobs: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    layout: str = "plain"
    index: int = 0                  # position in a list role (dataaug)
    tool: str = "folder"            # imglabeling: "folder" or "labelstudio"
    url: str | None = None          # labelstudio: the server, http(s)://HOST:PORT
    token_env: str | None = None    # labelstudio: the variable (or secrets key) holding the access token
    password: str | None = field(default=None, repr=False, compare=False)
    token: str | None = field(default=None, repr=False, compare=False)

    @property
    def is_local(self) -> bool:
        return self.host == LOCAL

    @property
    def address(self) -> str:
        if self.is_local:
            return LOCAL
        user = f"{self.user}@" if self.user else ""
        return f"{user}{self.host}:{self.port}"

    @property
    def label(self) -> str:
        """How messages name it: `role dataaug host a@192.0.2.10:22`."""
        return f"role {self.role} host {self.address}"

    def path(self, *parts: str) -> str:
        """A path under target_home (posix, for either side)."""
        base = self.target_home.rstrip("/") or "/"
        return "/".join([base, *[p.strip("/") for p in parts if p]])

    @property
    def python_path(self) -> str | None:
        """The configured python: absolute, or relative to target_home."""
        return self._home_relative(self.python)

    def _home_relative(self, value: str | None) -> str | None:
        if not value:
            return None
        if value.startswith(("/", "~")):
            return os.path.expanduser(value) if self.is_local else value
        return self.path(value)

    @property
    def fitness_python_path(self) -> str | None:
        """pytorch: the trainer venv's python as configured (absolute, or relative to target_home)."""
        return self._home_relative(self.fitness_python)


@dataclass(frozen=True)
class HostsFile:
    path: Path
    known_hosts: Path
    roles: dict
    secrets_path: Path | None = None

    def role(self, name: str) -> list[HostConfig]:
        if name not in self.roles:
            raise UserError(f"{self.path}: unknown role {name!r}; roles are {', '.join(ROLES)}")
        return list(self.roles[name])

    def one(self, name: str) -> HostConfig:
        """The single host of a role that has exactly one (imglabeling, pytorch)."""
        return self.role(name)[0]

    def all(self) -> list[HostConfig]:
        return [h for name in ROLES for h in self.roles[name]]


def _read_yaml(path: Path, what: str):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: {what} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except FileNotFoundError:
        raise UserError(f"{path}: {what} not found; create it (see README) or set DLIMGMGR_HOSTS_FILE") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read {what}: {exc.strerror}") from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        # Only the location and YAML's problem: never the offending text (it may be a secret).
        raise UserError(f"{path}:{where}: {problem}; fix the YAML syntax") from None


def load_secrets(path: Path) -> dict:
    """The secrets file: a mapping NAME: password (NAME as password_env names it). {} if absent."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    if st.st_mode & 0o077:
        raise UserError(f"{path}: mode {stat.S_IMODE(st.st_mode):04o} lets other users read the passwords; "
                        f"run: chmod 600 {path}")
    data = _read_yaml(path, "secrets file")
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, (str, int)) for k, v in data.items()):
        raise UserError(f"{path}: must be a mapping NAME: password, NAME as a host's password_env names it")
    return {k: str(v) for k, v in data.items()}


def _local(p: str, base: Path) -> str:
    q = Path(os.path.expanduser(p))
    return str(q if q.is_absolute() else base / q)


def _number(path: Path, where: str, raw: dict, key: str, kind, low, high=None, default=None):
    """raw[key] as a whole number (kind int) or any number (kind float) in [low, high]: never
    truncated (port: 22.7 is refused), never a bool, never a string."""
    value = raw.get(key, default)
    if value is None:
        return None
    if kind is int and isinstance(value, str) and value.strip().isdigit():
        value = int(value)   # port: "2222"
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and kind is int and isinstance(value, float):
        ok = False
    if not ok or value < low or (high is not None and value > high):
        span = f"{low}-{high}" if high is not None else f">= {low}" if kind is int else "> 0"
        kind_word = "a whole number" if kind is int else "a number of seconds"
        raise UserError(f"{path}: {where}: {key} must be {kind_word} {span}, not {value!r}")
    return kind(value)


def _strings(path: Path, where: str, raw: dict) -> None:
    for key in ("user", "key_file", "password_env", "target_home", "python", "dataset_dir", "train_command",
                "tool", "url", "token_env", "fitness_python"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise UserError(f"{path}: {where}: {key} must be a string")
    for key in NO_DASH:
        value = raw.get(key)
        if value and ("\n" in value or "\0" in value):
            raise UserError(f"{path}: {where}: {key} {value!r} holds a newline; give a path on one line")
        if value and value.startswith("-"):
            raise UserError(f"{path}: {where}: {key} {value!r} starts with '-' (it would read as an option); "
                            f"give a path (./{value.lstrip('-')} if you really mean that name)")


def _check_raw(path: Path, where: str, raw, secrets_path: Path) -> dict:
    if isinstance(raw, str):
        raw = {"host": raw}
    if not isinstance(raw, dict):
        raise UserError(f"{path}: {where} must be a mapping like {{host: local}}")
    if "token" in raw:
        raise UserError(f"{path}: {where} has a token: tokens never go in hosts.yaml; remove it and set "
                        f"token_env: SOME_VAR (export SOME_VAR, or put SOME_VAR: ... in {secrets_path.name}, mode 0600)")
    if "password" in raw:
        raise UserError(f"{path}: {where} has a password: passwords never go in hosts.yaml; remove it and set "
                        f"password_env: SOME_VAR (export SOME_VAR, or put SOME_VAR: ... in {secrets_path.name}, mode 0600)")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise UserError(f"{path}: {where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(KEYS))}")
    host = raw.get("host")
    if not isinstance(host, str) or not host.strip() or host.strip().startswith("-"):
        raise UserError(f"{path}: {where} needs host: NAME (or host: local)")
    _strings(path, where, raw)
    return {**raw, "host": host.strip()}


def _host(path: Path, role: str, index: int, where: str, raw, base: Path, secrets: dict,
          secrets_path: Path) -> HostConfig:
    raw = _check_raw(path, where, raw, secrets_path)
    host = raw["host"]
    port = _number(path, where, raw, "port", int, 1, 65535, default=22)
    jobs = _number(path, where, raw, "jobs", int, 1)
    timeout = _number(path, where, raw, "timeout", float, 0.001, default=DEFAULT_TIMEOUT)
    layout = raw.get("layout", "plain")
    if layout not in LAYOUTS:
        raise UserError(f"{path}: {where}: layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    local = host == LOCAL
    home = raw.get("target_home")
    if local:
        home = _local(home, base) if home else (str(base) if role == "dataaug" else _local(DEFAULT_LOCAL_HOME[role], base))
    else:
        home = home or DEFAULT_REMOTE_HOME
    dataset_dir = raw.get("dataset_dir")
    if dataset_dir and local:
        dataset_dir = _local(dataset_dir, base)
    password = None
    env = raw.get("password_env")
    if env:
        password = os.environ.get(env) or secrets.get(env)
    key_file = raw.get("key_file")
    return HostConfig(role=role, host=host, target_home=home, port=port, user=raw.get("user"),
                key_file=_local(key_file, base) if key_file else None, password_env=env,
                python=raw.get("python"), dataset_dir=dataset_dir, train_command=raw.get("train_command"),
                fitness_python=raw.get("fitness_python"),
                jobs=jobs, timeout=timeout, layout=layout, index=index, password=password,
                **_tool(path, role, where, raw, secrets))


def _tool(path: Path, role: str, where: str, raw: dict, secrets: dict) -> dict:
    """The labeling tool keys (tool, url, token_env and the token they name), checked."""
    tool = raw.get("tool", "folder")
    if tool not in TOOLS or (tool != "folder" and role != "imglabeling"):
        raise UserError(f"{path}: {where}: tool {tool!r} is not one of {', '.join(TOOLS)}"
                        + ("" if role == "imglabeling" else " (only roles.imglabeling has a tool)"))
    url, env = raw.get("url"), raw.get("token_env")
    if tool == "folder":
        return {}
    from ..labeling.studio.client import checked_token   # the one check of the url and token
    from ..labeling.studio.transport import checked_url
    url = checked_url(url, f"{path}: {where}")
    if not env:
        raise UserError(f"{path}: {where}: tool labelstudio needs token_env: SOME_VAR naming the variable "
                        f"(or secrets file key) that holds your Label Studio personal access token")
    token = os.environ.get(env) or secrets.get(env)
    token = checked_token(None if token is None else str(token), f"{path}: {where}: token_env {env}")
    return {"tool": tool, "url": url, "token_env": env, "token": token or None}


def load_hosts(path, root=None, secrets_path=None) -> HostsFile:
    """Read and validate hosts.yaml. `root` (default: the file's folder) is the local dataaug home
    and the base of relative local paths; `secrets_path` defaults to secrets.yaml beside the file."""
    path = Path(path)
    base = Path(root) if root is not None else path.resolve().parent
    secrets_path = Path(secrets_path) if secrets_path is not None else path.parent / "secrets.yaml"
    data = _read_yaml(path, "hosts file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: must be a mapping with roles: (see README)")
    unknown = sorted(set(data) - {"known_hosts", "roles"})
    if unknown:
        raise UserError(f"{path}: unknown top-level key {unknown[0]!r}; allowed: known_hosts, roles")
    secrets = load_secrets(secrets_path)
    known = data.get("known_hosts") or "~/.ssh/known_hosts"
    if not isinstance(known, str):
        raise UserError(f"{path}: known_hosts must be a path")
    roles_raw = data.get("roles") or {}
    if not isinstance(roles_raw, dict):
        raise UserError(f"{path}: roles must be a mapping of role: host entry")
    extra = sorted(set(roles_raw) - set(ROLES))
    if extra:
        raise UserError(f"{path}: unknown role {extra[0]!r}; roles are {', '.join(ROLES)}")
    roles = {}
    for role in ROLES:
        raw = roles_raw.get(role)
        if raw is None:
            raw = {"host": LOCAL}   # a role not written down runs here, as in the default hosts.yaml
        entries = raw if isinstance(raw, list) else [raw]
        if not entries:
            raise UserError(f"{path}: roles.{role} is an empty list; give at least one host")
        if role != "dataaug" and len(entries) > 1:
            raise UserError(f"{path}: roles.{role} lists {len(entries)} hosts; only dataaug may have several")
        roles[role] = tuple(
            _host(path, role, i, f"roles.{role}" + (f"[{i}]" if isinstance(raw, list) else ""), e, base, secrets,
                  secrets_path)
            for i, e in enumerate(entries))
    return HostsFile(path=path, known_hosts=Path(_local(known, base)), roles=roles,
                 secrets_path=secrets_path if secrets_path.exists() else None)
