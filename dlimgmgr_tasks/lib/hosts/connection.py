"""Fabric Connections built from hosts.yaml entries, with host keys checked, never auto-added.

Fabric 3 gives every Connection paramiko's AutoAddPolicy and loads no known_hosts at all
(fabric#1804, #2071): any key is accepted. `connect(host, known_hosts)` returns a
`HostConnection` whose client loads the hosts file's known_hosts and rejects a key it does
not find there; every failure to open becomes a one-line UserError naming role, host and fix.
lib.hosts.ssh.SshHost is its one user outside this package.
"""
from __future__ import annotations

import socket
from pathlib import Path

from ..errors import UserError
from .config import HostConfig
from .keys import CONNECT_TIMEOUT, fingerprint, known_hosts_name

# Loopback measurements (issue 6): aes128-gcm moves bulk data fastest through paramiko.
CIPHERS_FIRST = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")


def is_remote(where) -> bool:
    return where is not None and not isinstance(where, str) and hasattr(where, "transport")


def label(where) -> str:
    """How a message names `where`: `role dataaug host a@b:22`, or `this machine`."""
    host = getattr(where, "dl_host", None)
    if host is not None:
        return host.label
    if is_remote(where):
        return f"host {where.user}@{where.host}:{where.port}"
    return "this machine"






def _transport_factory(sock, **kw):
    import paramiko

    t = paramiko.Transport(sock, **kw)
    opts = t.get_security_options()
    opts.ciphers = tuple(c for c in CIPHERS_FIRST if c in opts.ciphers) + \
        tuple(c for c in opts.ciphers if c not in CIPHERS_FIRST)
    return t


def _trust_hint(host: HostConfig, known_hosts: Path) -> str:
    port = f" --port {host.port}" if host.port != 22 else ""
    return f"inv dlimgmgr.trust {host.host}{port}"


def _make_classes():
    # Built on first use: fabric and paramiko are heavy imports that `inv --list` must not pay.
    import paramiko
    from fabric import Connection

    class UnknownHostKey(paramiko.SSHException):
        def __init__(self, hostname, key):
            super().__init__(f"{hostname}: host key not known")
            self.hostname, self.key = hostname, key

    class Reject(paramiko.MissingHostKeyPolicy):
        def missing_host_key(self, client, hostname, key):
            raise UnknownHostKey(hostname, key)

    class HostConnection(Connection):
        """A Connection that checks host keys and fails with one clear line."""

        def __init__(self, host: HostConfig, known_hosts: Path, timeout: float = CONNECT_TIMEOUT, config=None):
            kwargs = {"transport_factory": _transport_factory, "banner_timeout": timeout, "auth_timeout": timeout}
            if host.key_file:
                kwargs["key_filename"] = [host.key_file]
            if host.password_env:
                if host.password is None:
                    raise UserError(f"{host.label}: password_env {host.password_env} is not set; export it, or put "
                                    f"{host.password_env}: ... in secrets.yaml beside the hosts file (chmod 600)")
                kwargs["password"] = host.password
                if not host.key_file:
                    kwargs.update(look_for_keys=False, allow_agent=False)
            super().__init__(host.host, user=host.user, port=host.port, config=config,
                             connect_timeout=int(timeout), connect_kwargs=kwargs)
            self.dl_host = host
            self.dl_known_hosts = Path(known_hosts)
            self.client.set_missing_host_key_policy(Reject())
            if self.dl_known_hosts.exists():
                try:
                    # Into the client's own key set, without a filename: nothing is ever written back.
                    self.client.get_host_keys().load(str(self.dl_known_hosts))
                except (OSError, paramiko.SSHException, ValueError) as exc:
                    raise UserError(f"{self.dl_known_hosts}: cannot read known_hosts ({exc}); fix or remove the bad line") from None

        def __repr__(self):
            return f"<HostConnection {self.dl_host.label}>"

        def open(self):
            host, known = self.dl_host, self.dl_known_hosts
            try:
                return super().open()
            except UnknownHostKey as exc:
                raise UserError(f"{host.label}: host key {exc.key.get_name()} {fingerprint(exc.key)} is not in {known}; "
                                f"check the fingerprint with the host's admin, then run: {_trust_hint(host, known)}") from None
            except paramiko.BadHostKeyException as exc:
                name = known_hosts_name(host.host, host.port)
                raise UserError(f"{host.label}: host key CHANGED (now {fingerprint(exc.key)}, {known} has "
                                f"{fingerprint(exc.expected_key)}); if the host was really reinstalled run: "
                                f"ssh-keygen -R '{name}' -f {known} && {_trust_hint(host, known)}") from None
            except paramiko.AuthenticationException:
                how = (f"password from {host.password_env}" if host.password_env else
                       f"key {host.key_file}" if host.key_file else "the SSH agent / default keys")
                raise UserError(f"{host.label}: authentication refused (tried {how}); check user, key_file or "
                                "password_env in the hosts file") from None
            except (socket.timeout, TimeoutError):
                raise UserError(f"{host.label}: timed out connecting; check the host is up and port "
                                f"{host.port} is reachable") from None
            except paramiko.ssh_exception.NoValidConnectionsError:
                raise UserError(f"{host.label}: connection refused; is sshd running there, and is port {host.port} "
                                "right in the hosts file?") from None
            except socket.gaierror:
                raise UserError(f"{host.label}: unknown host name {host.host!r}; fix host in the hosts file") from None
            except paramiko.SSHException as exc:
                raise UserError(f"{host.label}: SSH failed: {exc}; check the host and the hosts file") from None
            except OSError as exc:
                raise UserError(f"{host.label}: cannot reach it ({exc.strerror or exc}); check the network and "
                                "the hosts file") from None

    return UnknownHostKey, Reject, HostConnection


_CLASSES = None


def _classes():
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _make_classes()
    return _CLASSES


def connection(host: HostConfig, known_hosts, timeout: float = CONNECT_TIMEOUT, config=None):
    """A HostConnection for `host` (not opened yet: Fabric opens it on first use)."""
    if host.is_local:
        raise ValueError(f"{host.label} is local: no connection")
    return _classes()[2](host, Path(known_hosts), timeout=timeout, config=config)


def connect(host: HostConfig, known_hosts, timeout: float = CONNECT_TIMEOUT, config=None):
    """An opened HostConnection, or a UserError that names role, host and the fix."""
    conn = connection(host, known_hosts, timeout=timeout, config=config)
    conn.open()
    return conn


def where(host: HostConfig, known_hosts, timeout: float = CONNECT_TIMEOUT):
    """`None` for a local host, else an opened connection: the first argument of the transfer functions."""
    return None if host.is_local else connect(host, known_hosts, timeout=timeout)





