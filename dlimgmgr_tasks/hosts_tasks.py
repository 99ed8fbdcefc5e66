"""The SSH-facing tasks of the `dlimgmgr` namespace: hosts, trust, distribute-config.

Added to the `dlimgmgr` collection by dlimgmgr_tasks/dlimgmgr.py; kept apart so that file stays short.
"""
from invoke import Exit, task

from . import settings


@task(help={"timeout": "seconds to wait for each host (default 10)"})
@settings.user_errors
def hosts(c, timeout=10):
    """Check every role's host: reachable, host key known, auth ok, target_home writable, python (dataaug, pytorch).

    Prints one table row per role entry; exit 1 with the first problem of each failing host.
    """
    from .lib import hostcheck

    checks = hostcheck.check_hosts(settings.hosts(c), timeout=float(timeout))
    print("\n".join(hostcheck.table(checks)))
    failed = [chk for chk in checks if not chk.ok]
    for chk in failed:
        print(f"problem: {chk.problem}")
    if failed:
        raise Exit(f"error: {len(failed)} of {len(checks)} host check(s) failed; see 'problem:' above", code=1)


@task(help={
    "host": "host name or address, as written in the hosts file",
    "port": "SSH port (default: the hosts file's port for that host, else 22)",
    "yes": "add the key without asking (for scripts; check the fingerprint first)",
})
@settings.user_errors
def trust(c, host, port=None, yes=False):
    """Show HOST's SSH host key fingerprint and add it to the hosts file's known_hosts once confirmed."""
    from .lib.hosts import keys

    hs = settings.hosts(c)
    if port is None:
        port = next((h.port for h in hs.all() if h.host == host), 22)
    port = int(port)
    key = keys.fetch_host_key(host, port)
    fp = keys.fingerprint(key)
    name = keys.known_hosts_name(host, port)
    print(f"{name} offers {key.get_name()} key {fp}")
    recorded = keys.recorded_keys(hs.known_hosts, host, port)
    if any(k.asbytes() == key.asbytes() for k in recorded):
        print(f"already trusted in {hs.known_hosts}")
        return
    for k in recorded:
        if k.get_name() == key.get_name():
            print(f"WARNING: {hs.known_hosts} holds a DIFFERENT {k.get_name()} key {keys.fingerprint(k)} "
                  f"for {name}; it will be replaced")
    if not yes:
        try:
            answer = input(f"Add it to {hs.known_hosts}? Compare the fingerprint with `ssh-keygen -lf` on the host. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            raise Exit(f"error: {name}: key not added; check the fingerprint, then answer y or pass --yes", code=1)
    keys.add_known_host(hs.known_hosts, host, port, key)
    print(f"added {name} {fp} to {hs.known_hosts}")


@task(name="distribute-config", help={"timeout": "seconds to wait for each host (default 10)"})
@settings.user_errors
def distribute_config(c, timeout=10):
    """Copy the hosts file and the secrets file (mode 0600) into every host's target_home."""
    from .lib import hostcheck

    for line in hostcheck.distribute_config(settings.hosts(c), timeout=float(timeout)):
        print(line)


TASKS = [hosts, trust, distribute_config]
