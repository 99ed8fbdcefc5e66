"""known_hosts: fingerprints as ssh-keygen prints them, the key a server offers, the trust step.

Host keys are never added silently: `inv dlimgmgr.trust` shows `fetch_host_key`'s fingerprint
and only then calls `add_known_host`.
"""
from __future__ import annotations

import base64
import hashlib
import socket
from pathlib import Path

from ..errors import UserError

CONNECT_TIMEOUT = 10  # seconds; hosts.yaml may set its own


def known_hosts_name(hostname: str, port: int) -> str:
    """The name OpenSSH and paramiko look a host up by in known_hosts."""
    return hostname if port == 22 else f"[{hostname}]:{port}"


def fingerprint(key) -> str:
    """SHA256:... exactly as `ssh-keygen -lf` prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def fetch_host_key(hostname: str, port: int = 22, timeout: float = CONNECT_TIMEOUT):
    """The host key the server at hostname:port offers (no authentication, nothing trusted)."""
    import paramiko

    try:
        sock = socket.create_connection((hostname, port), timeout=timeout)
    except socket.gaierror:
        raise UserError(f"host {hostname}: unknown host name; check the spelling") from None
    except (socket.timeout, TimeoutError):
        raise UserError(f"host {hostname}:{port}: timed out; check the host is up and the port") from None
    except ConnectionRefusedError:
        raise UserError(f"host {hostname}:{port}: connection refused; is sshd running there, and is port {port} "
                        "right in the hosts file?") from None
    except OSError as exc:
        raise UserError(f"host {hostname}:{port}: cannot connect ({exc.strerror or exc}); check the network "
                        "and the hosts file") from None
    t = paramiko.Transport(sock)
    try:
        t.banner_timeout = timeout
        t.start_client(timeout=timeout)
        return t.get_remote_server_key()
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise UserError(f"host {hostname}:{port}: SSH handshake failed ({exc}); is it an SSH server?") from None
    finally:
        t.close()


def recorded_keys(known_hosts, hostname: str, port: int = 22) -> list:
    """Keys known_hosts already holds for hostname:port (hashed names included)."""
    import paramiko

    path = Path(known_hosts)
    if not path.exists():
        return []
    keys = paramiko.HostKeys()
    keys.load(str(path))
    entry = keys.lookup(known_hosts_name(hostname, port))
    return list(entry.values()) if entry else []


def add_known_host(known_hosts, hostname: str, port: int, key) -> Path:
    """Add `key` for hostname:port to known_hosts, replacing other keys of the same type for that name.
    Written to a temp file, then renamed: a crash never leaves half a known_hosts."""
    path = Path(known_hosts)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = known_hosts_name(hostname, port)
    old = path.read_text().splitlines(keepends=True) if path.exists() else []
    kept = [ln for ln in old if not (ln.split()[:2] == [name, key.get_name()] if ln.strip() else False)]
    if kept and not kept[-1].endswith("\n"):
        kept[-1] += "\n"
    kept.append(f"{name} {key.get_name()} {key.get_base64()}\n")
    from ..files import atomic_write

    atomic_write(path, "".join(kept).encode(), mode=path.stat().st_mode & 0o777 if path.exists() else 0o644)
    return path
