"""Glue shared by the task modules: config lookup with CLI > config > default, and error mapping.

Nothing here does work; it turns Invoke's context into plain values for the library.
"""
from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from invoke import Exit

from .lib.errors import UserError

DEFAULTS = {
    "hosts_file": "hosts.yaml",
    "secrets_file": "secrets.yaml",
    "profile": "ssd",
    "profiles": {
        "ssd": {"size": [400, 400]},
        "resnet34": {"size": [64, 64]},
    },
    "jobs": 0,  # 0 = all cores
    "mix": {"name": "voc", "projects": [], "train": 0.8, "val": 0.2, "test": 0.0, "seed": 0, "remap": {}},
}


@dataclass(frozen=True)
class Profile:
    name: str
    width: int
    height: int
    projects: tuple[str, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


def cfg(c) -> dict:
    return c.config.dlimgmgr


def root(c) -> Path:
    return Path(cfg(c).root)


def pick(value, default):
    """CLI beats config: flags default to None so an explicit value always wins."""
    return default if value is None else value


def profile(c, name: str | None = None) -> Profile:
    name = pick(name, cfg(c).profile)
    profiles = cfg(c).profiles
    if name not in profiles:
        raise UserError(f"unknown profile {name!r}; invoke.yaml defines: {', '.join(sorted(profiles))}")
    entry = profiles[name]
    try:
        width, height = (int(v) for v in entry["size"])
    except (KeyError, TypeError, ValueError):
        raise UserError(f"invoke.yaml: profile {name!r} needs size: [width, height]") from None
    if width < 8 or height < 8:
        raise UserError(f"invoke.yaml: profile {name!r} size {width}x{height} is too small (8x8 at least)")
    return Profile(name, width, height, tuple(entry.get("projects") or ()))


def hosts_file(c) -> Path:
    path = Path(os.environ.get("DLIMGMGR_HOSTS_FILE") or cfg(c).hosts_file).expanduser()
    return path if path.is_absolute() else root(c) / path


def hosts(c):
    """The validated hosts file (lib.hosts.Hosts); the secrets file is looked up beside it."""
    from .lib.hosts import load_hosts

    path = hosts_file(c)
    secrets = Path(cfg(c).get("secrets_file") or "secrets.yaml").expanduser()
    return load_hosts(path, root=root(c), secrets_path=secrets if secrets.is_absolute() else path.parent / secrets)


def jobs(c, value: int | None) -> int:
    n = int(pick(value, cfg(c).jobs) or 0)
    return n if n > 0 else (os.cpu_count() or 1)


def user_errors(fn):
    """Turn a UserError into Invoke's Exit: one line on stderr, exit code 1, no traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise Exit(f"error: {exc}", code=1) from None
        except KeyboardInterrupt:
            raise Exit("interrupted; the previous state was left in place", code=130) from None
        except BrokenPipeError:
            # Output piped into `head` that closed early: stop quietly, as command-line tools do
            # (stdout now goes nowhere, so the final flush at exit cannot raise again).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise Exit(code=1) from None
    return wrapper
