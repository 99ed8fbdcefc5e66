"""A TCP proxy on 127.0.0.1 for the fault tests: forwards to a real sshd, then freezes on demand.

    with FreezeProxy((host, port)) as proxy:    # proxy.port: connect here instead
        proxy.freeze()                           # sockets stay open, no byte moves either way
    with FreezeProxy(None) as silent: ...       # accepts TCP and never says anything (no banner)

Plain threads; `close()` ends every socket it opened.
"""
from __future__ import annotations

import socket
import threading


class FreezeProxy:
    def __init__(self, target: tuple[str, int] | None):
        self.target = target
        self.frozen = threading.Event()
        self.forwarded = 0                  # bytes moved so far, both ways
        self._socks: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> "FreezeProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def freeze(self) -> None:
        self.frozen.set()

    def freeze_after(self, nbytes: int) -> None:
        """Freeze once this many more bytes went through (either way)."""
        self._freeze_at = self.forwarded + nbytes

    _freeze_at = None

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._socks.append(client)
            if self.target is None:
                continue            # a silent host: the connection stays open, nothing is sent
            server = socket.create_connection(self.target)
            self._socks.append(server)
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        while not self.frozen.is_set():
            try:
                data = src.recv(65536)
                if not data:
                    return
                if self.frozen.is_set():
                    return          # swallowed: the link froze with these bytes in flight
                dst.sendall(data)
            except OSError:
                return
            self.forwarded += len(data)
            if self._freeze_at is not None and self.forwarded >= self._freeze_at:
                self.frozen.set()

    def close(self) -> None:
        self.frozen.set()
        for s in [self._listener, *self._socks]:
            try:
                s.shutdown(socket.SHUT_RDWR)  # close() alone sends no FIN while a pump blocks in recv
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
