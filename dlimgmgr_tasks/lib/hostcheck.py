"""Check every host of hosts.yaml: reachable, key known, auth ok, target_home writable, python usable.

Also `distribute_config`: the hosts file (and the secrets file, mode 0600) into each host's
target_home. Plain library code: `inv dlimgmgr.hosts` / `distribute-config` only print.
"""
from __future__ import annotations

import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .hosts import connection as connections, keys, streams as transfer
from .errors import UserError
from .hosts.config import HostConfig as Host, HostsFile as Hosts

OK, FAIL, SKIP = "ok", "FAIL", "-"
COLUMNS = ("reachable", "key", "auth", "home", "python")
# dataaug runs the framework (3.11+); pytorch runs only the standard-library unpack.py; imglabeling no Python.
MIN_PYTHON = {"dataaug": (3, 11), "pytorch": (3, 8)}
PY_CHECK = "import sys; assert sys.version_info >= {0}, sys.version; print(sys.version.split()[0])"


@dataclass
class HostCheck:
    host: Host
    results: dict = field(default_factory=dict)   # column -> ok / FAIL / - / a short value
    problem: str = ""                              # the first failure, one line

    @property
    def ok(self) -> bool:
        return not self.problem

    def fail(self, column: str, message: str) -> None:
        self.results[column] = FAIL
        if not self.problem:
            self.problem = message


def _home_probe(home: str, local: bool) -> str:
    q = shlex.quote(home) if local else transfer.qpath(home)
    return f'mkdir -p {q} && t=$(mktemp {q}/.dlimgmgr-check.XXXXXX) && rm -f "$t"'


def _python_probe(py: str | None, local: bool, minimum: tuple) -> str:
    cmd = (shlex.quote(py) if local else transfer.qpath(py)) if py else "python3"
    return f"{cmd} -c {shlex.quote(PY_CHECK.format(minimum))}"


def check_host(host: Host, known_hosts: Path, timeout: float = 10) -> HostCheck:
    chk = HostCheck(host)
    r = chk.results
    where = None
    if host.is_local:
        r.update(reachable=OK, key=SKIP, auth=SKIP)
    else:
        try:
            key = keys.fetch_host_key(host.host, host.port, timeout=timeout)
            r["reachable"] = OK
        except UserError as exc:
            chk.fail("reachable", f"{host.label}: {str(exc).split(': ', 1)[-1]}")
            for col in COLUMNS[1:]:
                r[col] = SKIP
            return chk
        recorded = keys.recorded_keys(known_hosts, host.host, host.port)
        if any(k.get_name() == key.get_name() and k.asbytes() == key.asbytes() for k in recorded):
            r["key"] = OK
        else:
            changed = any(k.get_name() == key.get_name() for k in recorded)
            port = f" --port {host.port}" if host.port != 22 else ""
            chk.fail("key", f"{host.label}: host key {keys.fingerprint(key)} "
                            f"{'CHANGED from the one in' if changed else 'not in'} {known_hosts}; check it, then run: "
                            f"inv dlimgmgr.trust {host.host}{port}")
            r.update(auth=SKIP, home=SKIP, python=SKIP)
            return chk
        try:
            where = connections.connect(host, known_hosts, timeout=timeout)
            r["auth"] = OK
        except UserError as exc:
            chk.fail("auth", str(exc))
            r.update(home=SKIP, python=SKIP)
            return chk
    try:
        try:
            transfer.run_remote(where, _home_probe(host.target_home, host.is_local), what="writing to target_home",
                                timeout=timeout * 3)
            r["home"] = OK
        except UserError as exc:
            chk.fail("home", f"{exc}; create {host.target_home} there or fix target_home")
        minimum = MIN_PYTHON.get(host.role)
        if minimum is None:
            r["python"] = SKIP
        elif host.is_local and not host.python:
            r["python"] = sys.version.split()[0]
        else:
            try:
                py = host.python_path
                r["python"] = transfer.run_remote(where, _python_probe(py, host.is_local, minimum), what="python",
                                                  timeout=timeout * 3).strip() or OK
            except UserError as exc:
                chk.fail("python", f"{exc}; set python: ({'.'.join(map(str, minimum))}+) for this host "
                                   f"in the hosts file")
    finally:
        if where is not None:
            where.close()
    return chk


def check_hosts(hosts: Hosts, timeout: float = 10) -> list[HostCheck]:
    """One HostCheck per role entry (a host in two roles is checked for each)."""
    from concurrent.futures import ThreadPoolExecutor

    entries = hosts.all()
    with ThreadPoolExecutor(max_workers=min(8, len(entries))) as pool:
        return list(pool.map(lambda h: check_host(h, hosts.known_hosts, timeout), entries))


def table(checks: list[HostCheck]) -> list[str]:
    rows = [("role", "host", *COLUMNS)]
    rows += [(c.host.role, c.host.address, *(str(c.results.get(col, SKIP)) for col in COLUMNS)) for c in checks]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]


def distribute_config(hosts: Hosts, timeout: float = 10) -> list[str]:
    """Copy the hosts file (as hosts.yaml) and the secrets file (as secrets.yaml, 0600) into every
    distinct host's target_home. Returns one line per host."""
    lines, seen = [], set()
    with tempfile.TemporaryDirectory(prefix="dlimgmgr-config.") as d:
        stage = Path(d)
        shutil.copyfile(hosts.path, stage / "hosts.yaml")
        names = ["hosts.yaml"]
        if hosts.secrets_path:
            shutil.copyfile(hosts.secrets_path, stage / "secrets.yaml")
            (stage / "secrets.yaml").chmod(0o600)
            names.append("secrets.yaml")
        for host in hosts.all():
            key = (host.host, host.port, host.user, host.target_home)
            if key in seen:
                continue
            seen.add(key)
            if host.is_local:
                dest = Path(host.target_home)
                if dest.resolve() == hosts.path.resolve().parent:
                    lines.append(f"{host.label}: {dest} is this repository; skipped")
                    continue
                transfer.push_tree(None, stage, dest, paths=names)
                if "secrets.yaml" in names:
                    (dest / "secrets.yaml").chmod(0o600)
            else:
                conn = connections.connect(host, hosts.known_hosts, timeout=timeout)
                try:
                    transfer.push_tree(conn, stage, host.target_home, paths=names)
                    if "secrets.yaml" in names:
                        transfer.run_remote(conn, f"chmod 600 {transfer.qpath(host.path('secrets.yaml'))}",
                                            what="chmod 600 secrets.yaml")
                finally:
                    conn.close()
            lines.append(f"{host.label}: {' and '.join(names)} -> {host.target_home}")
    return lines
