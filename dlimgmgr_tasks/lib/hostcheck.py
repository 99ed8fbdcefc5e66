"""Check every host of the hosts file: reachable, key known, auth ok, target_home writable, python usable.

Also `distribute_config`: the hosts file (and the secrets file, mode 0600) into each host's
target_home, and `offered_key`: what `inv dlimgmgr.trust` shows before it adds a key. Every host
is checked through the same Host methods; what only SSH has (a host key, a login) is the host's
own `check_access`. Plain library code returning data: the tasks print it.
"""
from __future__ import annotations

import posixpath
import secrets
import shlex
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import text
from .errors import UserError
from .hosts import open_host
from .hosts.config import HostConfig

OK, FAIL, SKIP = "ok", "FAIL", "-"
# role: what the role itself needs beyond the host (pytorch: a writable parent for dataset_dir;
# a Label Studio imglabeling role: the server answers and accepts the token).
COLUMNS = ("reachable", "key", "auth", "home", "python", "role")
# dataaug runs the framework (3.11+); pytorch runs only the standard-library unpacker (lib/hostside); imglabeling no Python.
MIN_PYTHON = {"dataaug": (3, 11), "pytorch": (3, 8)}
PY_CHECK = "import sys; assert sys.version_info >= {0}, sys.version; print(sys.version.split()[0])"


@dataclass
class HostCheck:
    host: HostConfig
    results: dict = field(default_factory=dict)   # column -> ok / FAIL / - / a short value
    problems: list = field(default_factory=list)   # every failure, one line each, naming what to do

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> str:
        return self.problems[0] if self.problems else ""

    def fail(self, column: str, message: str) -> None:
        self.results[column] = FAIL
        self.problems.append(message)


def check_host(host, timeout: float = 10) -> HostCheck:
    """One host (lib.hosts Host, opened with this timeout) through every column; closes it."""
    chk = HostCheck(host.config)
    if host.config.tool == "labelstudio":
        check_label_studio(chk, timeout)
    with host:
        access, problem = host.check_access()
        chk.results.update(access)
        if problem:
            chk.problems.insert(0, problem)
            chk.results.update(home=SKIP, python=SKIP)
            chk.results.setdefault("role", SKIP)
            return chk
        if host.config.role == "pytorch":
            _check_dataset_parent(host, chk, timeout)
        home = host.quote(host.config.target_home)
        try:
            host.run(f'mkdir -p {home} && t=$(mktemp {home}/.dlimgmgr-check.XXXXXX) && rm -f "$t"',
                     what="writing to target_home", timeout=timeout * 3)
            chk.results["home"] = OK
        except UserError as exc:
            chk.fail("home", f"{exc}; create {host.config.target_home} there or fix target_home")
        chk.results.setdefault("role", SKIP)
        minimum = MIN_PYTHON.get(host.config.role)
        if minimum is None:
            chk.results["python"] = SKIP
            return chk
        try:
            probe = f"{host.python} -c {shlex.quote(PY_CHECK.format(minimum))}"
            chk.results["python"] = host.run(probe, what="python", timeout=timeout * 3).strip() or OK
        except UserError as exc:
            chk.fail("python", f"{exc}; set python: ({'.'.join(map(str, minimum))}+) for this host "
                               f"in the hosts file")
    return chk


def _shell_path(host, path: str) -> str:
    # `~/x` as the deploy reads it (expanded there): $HOME stays outside the quotes.
    return f'"$HOME"/{host.quote(path[2:])}' if path.startswith("~/") else host.quote(path)


def _check_dataset_parent(host, chk: HostCheck, timeout: float) -> None:
    """pytorch: the deploy renames its dataset into the folder above dataset_dir (vocdevkit: above
    its VOCdevkit), so that folder (or, not made yet, its nearest existing ancestor) must be a
    writable directory."""
    from .deploy import swap_target

    # The folder a deploy renames its dataset into (NAME, the mix's, need not exist: its ancestor).
    parent = posixpath.dirname(swap_target(host.config, "NAME")[0].rstrip("/"))
    probe = (f'p={_shell_path(host, parent)}; while [ ! -e "$p" ] && [ "$p" != / ]; do p=$(dirname "$p"); done; '
             f'if [ -d "$p" ] && [ -w "$p" ]; then echo ok; else echo "$p"; fi')
    try:
        answer = host.run(probe, what="looking at dataset_dir", timeout=timeout * 3).strip()
    except UserError as exc:
        chk.fail("role", f"{exc}; check dataset_dir in the hosts file")
        return
    if answer == "ok":
        chk.results["role"] = OK
    else:
        chk.fail("role", f"{host.config.label}: {answer} is not a writable folder, so a deploy cannot place "
                         f"dataset_dir {host.config.dataset_dir or parent} there; make it writable there, or set "
                         f"dataset_dir in the hosts file to a folder this user may write")


def check_label_studio(chk: HostCheck, timeout: float) -> None:
    """A Label Studio role: the server answers at its url and accepts the token (one request that
    needs both), through the same client push and pull use."""
    from .labeling.studio.client import Client

    entry = chk.host
    client = Client(entry.url, entry.token or "", where=f"role {entry.role} ({entry.tool})",
                    token_env=entry.token_env or "token_env", timeout=timeout)
    try:
        who = client.get("/api/current-user/whoami")
    except UserError as exc:
        chk.fail("role", str(exc))
        return
    chk.results["role"] = f"Label Studio: {who.get('email') or who.get('username') or OK}" \
        if isinstance(who, dict) else OK


def check_hosts(ws, timeout: float = 10) -> list[HostCheck]:
    """One HostCheck per role entry of the workspace's hosts file (a host in two roles: each)."""
    from concurrent.futures import ThreadPoolExecutor

    hosts = ws.hosts
    entries = hosts.all()
    with ThreadPoolExecutor(max_workers=min(8, len(entries))) as pool:
        return list(pool.map(lambda entry: check_host(open_host(entry, hosts, timeout=timeout), timeout), entries))


def table(checks: list[HostCheck]) -> list[str]:
    rows = [("role", "host", *COLUMNS)]
    rows += [(c.host.role, c.host.address, *(str(c.results.get(col, SKIP)) for col in COLUMNS)) for c in checks]
    return text.table(rows)


def distribute_config(ws, timeout: float = 10) -> list[str]:
    """Copy the hosts file (as hosts.yaml) and the secrets file (as secrets.yaml, 0600) into every
    distinct host's target_home. Returns one line per host."""
    hosts = ws.hosts
    lines, seen = [], set()
    with tempfile.TemporaryDirectory(prefix="dlimgmgr-config.") as d:
        stage = Path(d)
        shutil.copyfile(hosts.path, stage / "hosts.yaml")
        names = ["hosts.yaml"]
        if hosts.secrets_path:
            shutil.copyfile(hosts.secrets_path, stage / "secrets.yaml")
            (stage / "secrets.yaml").chmod(0o600)
            names.append("secrets.yaml")
        with _marker(hosts.path.resolve().parent) as marker:
            for entry in hosts.all():
                key = (entry.host, entry.port, entry.user, entry.target_home)
                if key not in seen:
                    seen.add(key)
                    with open_host(entry, hosts, timeout=timeout) as host:
                        lines.append(_send_config(host, stage, names, marker))
    return lines


def _send_config(host, stage: Path, names: list[str], marker: str) -> str:
    home = host.config.target_home
    # The marker sits in the hosts file's folder: a host that sees it there works in this very folder.
    seen = host.run(f"if [ -e {host.quote(host.path(marker))} ]; then echo same; fi", what="looking at target_home")
    if seen.strip() == "same":
        return f"{host.label}: {home} is this repository; skipped"
    host.push_tree(stage, host.path(), paths=names)
    if "secrets.yaml" in names:
        host.run(f"chmod 600 {host.quote(host.path('secrets.yaml'))}", what="chmod 600 secrets.yaml")
    return f"{host.label}: {' and '.join(names)} -> {home}"


class _marker:
    """A uniquely named empty file in `folder` for the length of a `with` block; its name."""

    def __init__(self, folder: Path):
        self.path = folder / f".dlimgmgr-here.{secrets.token_hex(8)}"

    def __enter__(self) -> str:
        self.path.touch()
        return self.path.name

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)


@dataclass
class KeyOffer:
    """What a host offers and what known_hosts already says about it (for `inv dlimgmgr.trust`)."""
    hostname: str
    port: int
    name: str                   # as known_hosts names it: host, or [host]:port
    key: object                 # the paramiko key offered
    fingerprint: str
    known_hosts: Path
    trusted: bool               # exactly this key is already there
    replaced: list[str]         # fingerprints of other keys of the same type it would replace


def offered_key(ws, hostname: str, port: int | None = None) -> KeyOffer:
    """The key the SSH server at hostname (port: as the hosts file has it, else 22) offers."""
    from .hosts import keys

    hosts = ws.hosts
    port = int(port if port is not None else next((h.port for h in hosts.all() if h.host == hostname), 22))
    key = keys.fetch_host_key(hostname, port)
    recorded = keys.recorded_keys(hosts.known_hosts, hostname, port)
    return KeyOffer(hostname, port, keys.known_hosts_name(hostname, port), key, keys.fingerprint(key), hosts.known_hosts,
                    trusted=any(k.asbytes() == key.asbytes() for k in recorded),
                    replaced=[keys.fingerprint(k) for k in recorded if k.get_name() == key.get_name()])


def trust(offer: KeyOffer) -> Path:
    """Add the offered key to known_hosts (replacing other keys of its type for that name)."""
    from .hosts import keys

    return keys.add_known_host(offer.known_hosts, offer.hostname, offer.port, offer.key)
