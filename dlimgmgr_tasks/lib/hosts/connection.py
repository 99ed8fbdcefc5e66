"""Fabric Connections built from hosts.yaml entries, with host keys checked, never auto-added.

Fabric 3 gives every Connection paramiko's AutoAddPolicy and loads no known_hosts at all
(fabric#1804, #2071): any key is accepted. `connect(host, known_hosts)` returns a
`HostConnection` whose client loads the hosts file's known_hosts and rejects a key it does
not find there; every failure to open becomes a one-line UserError naming role, host and fix.
lib.hosts.ssh.SshHost is its one user outside this package.
"""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserError
from .config import HostConfig
from .keys import CONNECT_TIMEOUT, fingerprint, known_hosts_name

# Loopback measurements (issue 6): aes128-gcm moves bulk data fastest through paramiko.
CIPHERS_FIRST = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")


def label(conn) -> str:
    """How a message names a connection's host: `role dataaug host a@b:22`."""
    host = getattr(conn, "dl_host", None)
    return host.label if host is not None else f"host {conn.user}@{conn.host}:{conn.port}"




class Watchdog:
    """Asks the server for a reply every timeout/4 s. When none came for `timeout` s (a link
    that froze: sockets open, no bytes) the link is declared dead and the transport closed,
    which wakes every thread blocked on it (a read, a write, an exit status, a channel open)."""

    def __init__(self, transport, timeout: float):
        self.transport, self.timeout = transport, timeout
        self.dead = False
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="dlimgmgr-ssh-watchdog").start()

    def _ask(self, done: threading.Event) -> None:
        try:
            self.transport.global_request("keepalive@openssh.com", wait=True)
        except Exception:   # a closed transport: the loop below ends
            pass
        finally:
            done.set()

    def _run(self) -> None:
        step = max(self.timeout / 4, 0.05)
        last = time.monotonic()
        while not self._stop.is_set() and self.transport.is_active():
            done = threading.Event()
            threading.Thread(target=self._ask, args=(done,), daemon=True).start()
            while not done.wait(step):
                if self._stop.is_set():
                    return
                if time.monotonic() - last > self.timeout:
                    self.dead = True
                    self.transport.close()
                    return
            last = time.monotonic()
            self._stop.wait(step)

    def stop(self) -> None:
        self._stop.set()


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


def _open_failure(host: HostConfig, known: Path, timeout: float, exc: Exception,
                  silent: bool = False) -> UserError | None:
    """The one line for a failure to open a connection, or None when it is not one we know."""
    import paramiko

    if isinstance(exc, _classes()[0]):   # UnknownHostKey
        return UserError(f"{host.label}: host key {exc.key.get_name()} {fingerprint(exc.key)} is not in {known}; "
                         f"check the fingerprint with the host's admin, then run: {_trust_hint(host, known)}")
    if isinstance(exc, paramiko.BadHostKeyException):
        name = known_hosts_name(host.host, host.port)
        return UserError(f"{host.label}: host key CHANGED (now {fingerprint(exc.key)}, {known} has "
                         f"{fingerprint(exc.expected_key)}); if the host was really reinstalled run: "
                         f"ssh-keygen -R '{name}' -f {known} && {_trust_hint(host, known)}")
    if isinstance(exc, paramiko.AuthenticationException):
        how = (f"password from {host.password_env}" if host.password_env else
               f"key {host.key_file}" if host.key_file else "the SSH agent / default keys")
        return UserError(f"{host.label}: authentication refused (tried {how}); check user, key_file or "
                         "password_env in the hosts file")
    if isinstance(exc, (socket.timeout, TimeoutError, EOFError)):
        return UserError(f"{host.label}: timed out connecting ({timeout:g} s); check the host is up and port "
                         f"{host.port} is reachable")
    if isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError):
        return UserError(f"{host.label}: connection refused; is sshd running there, and is port {host.port} "
                         "right in the hosts file?")
    if isinstance(exc, socket.gaierror):
        return UserError(f"{host.label}: unknown host name {host.host!r}; fix host in the hosts file")
    if isinstance(exc, (paramiko.SSHException, EOFError)) and (silent or "protocol banner" in str(exc)):
        return UserError(f"{host.label}: no SSH greeting from {host.host}:{host.port} in {timeout:g} s; "
                         "is it an SSH server, and is the port right?")
    if isinstance(exc, paramiko.SSHException):
        return UserError(f"{host.label}: SSH failed: {exc}; check the host and the hosts file")
    if isinstance(exc, OSError):
        return UserError(f"{host.label}: cannot reach it ({exc.strerror or exc}); check the network and "
                         "the hosts file")
    return None


class _Bounded:
    """What HostConnection adds to Fabric's open/close: one-line failures, a keepalive, a
    watchdog, and `step(what)` around every remote step."""

    dl_watchdog = None

    def open(self):
        if self.is_connected:
            return None
        try:
            result = super().open()
        except Exception as exc:
            transport = self.client.get_transport()
            # paramiko reports a missing greeting as "No existing session" once the transport died.
            silent = transport is not None and not getattr(transport, "remote_version", "")
            line = _open_failure(self.dl_host, self.dl_known_hosts, self.dl_timeout, exc, silent)
            if line is None:
                raise
            raise line from None
        self.transport.set_keepalive(max(1, int(self.dl_timeout / 2)))
        self.dl_watchdog = Watchdog(self.transport, self.dl_timeout)
        return result

    def close(self):
        if self.dl_watchdog is not None:
            self.dl_watchdog.stop()
        return super().close()

    def stalled(self, what: str) -> UserError:
        return UserError(f"{self.dl_host.label}: no answer for {self.dl_timeout:g} s while {what}; the link "
                         f"stalled and was closed; check the network (timeout in the hosts file) and run it again")

    @contextmanager
    def step(self, what: str):
        """One remote step: a stalled link, a lost session or Ctrl-C end it at once with one line
        (or the KeyboardInterrupt, the connection dropped), never a hang or a traceback."""
        import paramiko

        try:
            yield
        except (KeyboardInterrupt, SystemExit):
            abandon(self)
            raise
        except Exception as exc:
            if self.dl_watchdog is not None and self.dl_watchdog.dead:
                raise self.stalled(what) from None
            if isinstance(exc, UserError) or not isinstance(exc, (EOFError, OSError, paramiko.SSHException)):
                raise
            raise UserError(f"{self.dl_host.label}: the SSH connection was lost while {what} "
                            f"({exc or type(exc).__name__}); run it again") from None


def _connect_kwargs(host: HostConfig, timeout: float) -> dict:
    kwargs = {"transport_factory": _transport_factory, "timeout": timeout, "banner_timeout": timeout,
              "auth_timeout": timeout, "channel_timeout": timeout}
    if host.key_file:
        kwargs["key_filename"] = [host.key_file]
    if host.password_env:
        if host.password is None:
            raise UserError(f"{host.label}: password_env {host.password_env} is not set; export it, or put "
                            f"{host.password_env}: ... in secrets.yaml beside the hosts file (chmod 600)")
        kwargs["password"] = host.password
        if not host.key_file:
            kwargs.update(look_for_keys=False, allow_agent=False)
    return kwargs


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

    class HostConnection(_Bounded, Connection):
        """A Connection that checks host keys, fails with one clear line and never hangs."""

        def __init__(self, host: HostConfig, known_hosts: Path, timeout: float = CONNECT_TIMEOUT, config=None):
            super().__init__(host.host, user=host.user, port=host.port, config=config,
                             connect_kwargs=_connect_kwargs(host, timeout))
            self.connect_timeout = None      # ours is in connect_kwargs (a float; ssh_config's is ignored)
            self.dl_timeout, self.dl_host, self.dl_known_hosts = timeout, host, Path(known_hosts)
            self.client.set_missing_host_key_policy(Reject())
            if self.dl_known_hosts.exists():
                try:
                    # Into the client's own key set, without a filename: nothing is ever written back.
                    self.client.get_host_keys().load(str(self.dl_known_hosts))
                except (OSError, paramiko.SSHException, ValueError) as exc:
                    raise UserError(f"{self.dl_known_hosts}: cannot read known_hosts ({exc}); "
                                    "fix or remove the bad line") from None

        def __repr__(self):
            return f"<HostConnection {self.dl_host.label}>"

    return UnknownHostKey, Reject, HostConnection


_CLASSES = None


def _classes():
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _make_classes()
    return _CLASSES


def abandon(conn) -> None:
    """Drop a connection now, without waiting to flush anything (Ctrl-C, a stalled link): the
    server then ends the session's commands; every thread blocked on it wakes."""
    transport = getattr(conn, "transport", None)
    if transport is not None:
        transport.close()


def connection(host: HostConfig, known_hosts, timeout: float | None = None, config=None):
    """A HostConnection for `host` (not opened yet: Fabric opens it on first use). `timeout`
    (default: the host's `timeout` in hosts.yaml) bounds connect, greeting, login, channel open
    and, through a watchdog, any later read or write on a link that stopped answering."""
    if host.is_local:
        raise ValueError(f"{host.label} is local: no connection")
    timeout = timeout or getattr(host, "timeout", None) or CONNECT_TIMEOUT
    return _classes()[2](host, Path(known_hosts), timeout=timeout, config=config)


def connect(host: HostConfig, known_hosts, timeout: float | None = None, config=None):
    """An opened HostConnection, or a UserError that names role, host and the fix."""
    conn = connection(host, known_hosts, timeout=timeout, config=config)
    conn.open()
    return conn


