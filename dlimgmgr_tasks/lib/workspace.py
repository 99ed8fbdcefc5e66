"""The workspace: one repository checkout, its active image-size profile, its hosts and settings.

The task layer makes one `Workspace` from the Invoke context and hands it to every library verb;
a notebook or a dataaug host's share process makes one with `Workspace.at(root)`. Nothing below
re-derives the root from a project's path, and nothing reloads hosts.yaml by itself: `ws.hosts`
is the one validated view of the hosts file and its secrets file.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UserError

DEFAULTS = {
    "hosts_file": "hosts.yaml",
    "secrets_file": "secrets.yaml",
    "profile": "ssd",
    "profiles": {
        "ssd": {"size": [400, 400]},
        "resnet34": {"size": [64, 64]},
    },
    "jobs": 0,  # 0 = all cores
    "mix": {"name": "voc", "projects": [], "train": 0.8, "val": 0.2, "test": 0.0, "seed": 0, "remap": {},
            "negatives": False, "formats": ["voc"]},
}


@dataclass(frozen=True)
class Profile:
    """A named image size (the network that consumes the dataset decides it) and its projects."""
    name: str
    width: int
    height: int
    projects: tuple[str, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


def read_profile(profiles: dict, name: str, where: str = "invoke.yaml") -> Profile:
    if not isinstance(profiles, dict) or name not in profiles:
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) else "none"
        raise UserError(f"unknown profile {name!r}; {where} defines: {known}")
    entry = profiles[name]
    try:
        width, height = (int(v) for v in entry["size"])
    except (KeyError, TypeError, ValueError):
        raise UserError(f"{where}: profile {name!r} needs size: [width, height]") from None
    if width < 8 or height < 8:
        raise UserError(f"{where}: profile {name!r} size {width}x{height} is too small (8x8 at least)")
    return Profile(name, width, height, tuple(entry.get("projects") or ()))


@dataclass
class Workspace:
    root: Path
    profile: Profile
    settings: dict = field(default_factory=lambda: copy.deepcopy(DEFAULTS))
    hosts_path: Path | None = None     # default: root/hosts.yaml (or $DLIMGMGR_HOSTS_FILE)
    secrets_path: Path | None = None   # default: secrets.yaml beside the hosts file
    _hosts: object = field(default=None, repr=False, compare=False)

    @classmethod
    def at(cls, root, settings: dict | None = None, profile: str | None = None) -> "Workspace":
        """A workspace for the checkout at `root` with these settings. None (a notebook's
        `Workspace.at('.')`): the settings `inv` would use there -- invoke.yaml, ~/.invoke.yaml,
        INVOKE_DLIMGMGR_* -- so its active profile is the one `inv build` builds; {}: the
        built-in defaults only (a host's share process: its size comes on the command line)."""
        if settings is None:
            from .invconfig import read
            settings = read(Path(root).resolve(), DEFAULTS)
        merged = copy.deepcopy(DEFAULTS)
        for key, value in (settings or {}).items():
            merged[key] = {**merged[key], **value} if isinstance(merged.get(key), dict) and isinstance(value, dict) \
                else value
        root = Path(root).resolve()
        hosts = Path(os.environ.get("DLIMGMGR_HOSTS_FILE") or merged.get("hosts_file") or "hosts.yaml").expanduser()
        hosts = hosts if hosts.is_absolute() else root / hosts
        secrets = Path(merged.get("secrets_file") or "secrets.yaml").expanduser()
        secrets = secrets if secrets.is_absolute() else hosts.parent / secrets
        prof = read_profile(merged.get("profiles"), profile or merged.get("profile") or "ssd")
        return cls(root, prof, merged, hosts, secrets)

    def with_profile(self, name: str | None) -> "Workspace":
        """The same workspace with another active profile (None: unchanged)."""
        if not name or name == self.profile.name:
            return self
        return replace(self, profile=read_profile(self.settings.get("profiles"), name))

    # -- places

    @property
    def projects_dir(self) -> Path:
        return self.root / "projects"

    @property
    def common_dir(self) -> Path:
        return self.projects_dir / "common"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    # -- projects

    def project(self, name: str):
        from . import projects
        return projects.load(self, name)

    def projects(self, names=None) -> list:
        """The named projects, or every project when none is named."""
        from . import projects
        return projects.load_many(self, names)

    def project_names(self) -> list[str]:
        from . import projects
        return projects.list_names(self)

    def default_projects(self, names=None) -> list[str]:
        """What a verb works on when no project is named: the profile's list, else every project."""
        names = list(names or []) or list(self.profile.projects) or self.project_names()
        if not names:
            raise UserError(f"{self.projects_dir}: no projects yet; create one with: inv dlimgmgr.new NAME")
        return names

    # -- hosts

    @property
    def hosts(self):
        """The validated hosts file (lib.hosts.HostsFile), read once."""
        if self._hosts is None:
            from .hosts.config import load_hosts
            self._hosts = load_hosts(self.hosts_path, root=self.root, secrets_path=self.secrets_path)
        return self._hosts

    def host(self, role: str, index: int = 0):
        """An opened-on-demand Host (lib.hosts) for a role's entry: use it as a context manager."""
        from .hosts import open_host
        return open_host(self.hosts.role(role)[index], self.hosts)

    def role_hosts(self, role: str) -> list:
        from .hosts import open_host
        return [open_host(entry, self.hosts) for entry in self.hosts.role(role)]

    @property
    def jobs(self) -> int:
        """Worker processes per host from the settings (0 = all cores)."""
        value = self.settings.get("jobs", 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UserError(f"invoke.yaml: dlimgmgr.jobs must be a whole number >= 0 (got {value!r})")
        return value
