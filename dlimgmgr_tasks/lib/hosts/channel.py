"""SSH session channels, bounded: open one, read both outputs by threads, pump bytes in, end it.

Every step runs inside `guarded(conn, what)` (HostConnection.step): a link that stalled (the
connection's watchdog closed it), a lost session or Ctrl-C end the step at once with one line
naming role, host and step, or with the KeyboardInterrupt after the connection was dropped.
Used by lib.hosts.streams and lib.hosts.ssh.
"""
from __future__ import annotations

import contextlib
import threading

from ..errors import UserError
from .connection import label

CHUNK = 1 << 20
# A bigger channel window and packets than paramiko's defaults keep loopback/LAN links full.
WINDOW = 16 << 20
PACKET = 1 << 16


def guarded(conn, what: str):
    """conn.step(what) (lib.hosts.connection): a stall, a lost session or Ctrl-C end the step at
    once with one line; a bare Fabric Connection gets no guard."""
    step = getattr(conn, "step", None)
    return step(what) if step is not None else contextlib.nullcontext()


def check_alive(conn, what: str) -> None:
    """A channel that ended because the link died reports exit -1: say what really happened."""
    dog = getattr(conn, "dl_watchdog", None)
    if dog is not None and dog.dead:
        raise conn.stalled(what)
    transport = getattr(conn, "transport", None)
    if transport is not None and not transport.is_active():
        raise UserError(f"{label(conn)}: the SSH connection was lost while {what}; run it again")


def open_channel(conn, command: str):
    conn.open()  # opens (or reuses) the connection; errors are one-line UserErrors
    chan = conn.transport.open_session(window_size=WINDOW, max_packet_size=PACKET,
                                       timeout=getattr(conn, "dl_timeout", None))
    chan.exec_command(command)
    return chan


def drain(chan, recv, sink=None) -> tuple[threading.Thread, list[bytes]]:
    """Read one of the channel's streams in a thread so the other can never block on it; into
    a list, or copied to the binary file `sink` as it comes."""
    buf: list[bytes] = []

    def run():
        while True:
            try:
                data = recv(CHUNK)
            except (OSError, EOFError):   # the transport was dropped: the caller says why
                return
            if not data:
                return
            if sink is None:
                buf.append(data)
            else:
                sink.write(data)
                sink.flush()
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, buf


def stop(chan, proc, exc: BaseException | None = None) -> None:
    """Close the channel and end the local tar, whichever way the transfer ended. After Ctrl-C or
    a lost link the whole connection is dropped instead: closing one channel may wait forever
    on a link that stopped taking bytes."""
    if chan is not None:
        if exc is not None and not isinstance(exc, UserError):
            chan.get_transport().close()
        else:
            chan.close()
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()


class Transfer:
    """One tar stream's channel (set by the block once opened) beside its local tar process."""

    def __init__(self, proc):
        self.proc, self.chan = proc, None


@contextlib.contextmanager
def transfer(proc, *cleanups):
    """A Transfer whose channel and local tar are stopped whichever way the block ends (after
    Ctrl-C or a lost link, with the whole connection: see stop); then each cleanup runs."""
    current = Transfer(proc)
    try:
        yield current
    except BaseException as exc:
        stop(current.chan, proc, exc)
        raise
    finally:
        stop(current.chan, proc)
        for cleanup in cleanups:
            cleanup()


def send(chan, chunks, progress=None) -> None:
    """Pump chunks into the channel, then its EOF; a remote side that went away stops it (its
    exit status says why)."""
    sent = 0
    for chunk in chunks:
        try:
            chan.sendall(chunk)
        except (OSError, EOFError):
            return
        sent += len(chunk)
        if progress:
            progress(sent)
    if not chan.closed:
        chan.shutdown_write()


def exec_remote(conn, cmd: str, *, what: str, timeout: float | None = None, input: bytes | None = None,
                out=None, err=None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a command on its own session channel: stdin sent in bulk,
    both outputs read by threads (or copied to the binary files `out` / `err` as they come).
    `timeout` bounds the whole command; a stalled link is bounded by the connection's watchdog."""
    with guarded(conn, what):
        chan = open_channel(conn, cmd)
        try:
            t_out, got_out = drain(chan, chan.recv, out)
            t_err, got_err = drain(chan, chan.recv_stderr, err)
            if input:
                chan.sendall(input)
            chan.shutdown_write()
            if not chan.status_event.wait(timeout):
                raise UserError(f"{label(conn)}: {what} took longer than {timeout:g}s; stopped")
            code = chan.recv_exit_status()
            t_out.join()
            t_err.join()
        except BaseException as exc:
            stop(chan, None, exc)
            raise
        stop(chan, None)
    check_alive(conn, what)
    return code, b"".join(got_out).decode(errors="replace"), b"".join(got_err).decode(errors="replace")
