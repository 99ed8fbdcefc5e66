"""A local TCP port forwarded over an SSH connection to 127.0.0.1:PORT on that host.

Like `ssh -L`: a listener on this machine's 127.0.0.1 accepts connections; each is carried
over the host's one SSH transport in a `direct-tcpip` channel to the remote port, one thread
per direction. The remote side need listen on its loopback only: nothing else of it is exposed.
"""
from __future__ import annotations

import select
import socket
import threading

from ..errors import UserError

CHUNK = 65536
OPEN_TIMEOUT = 10


class Forward:
    """Listening on 127.0.0.1:local_port (0: any free port) until close(); `port` is the port."""

    def __init__(self, transport, remote_port: int, local_port: int = 0, label: str = "the host"):
        self.transport, self.remote_port, self.label = transport, int(remote_port), label
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind(("127.0.0.1", int(local_port)))
        except OSError as exc:
            self.sock.close()
            raise UserError(f"127.0.0.1:{local_port}: cannot listen there ({exc.strerror}); pick another "
                            f"--port") from None
        self.sock.listen(16)
        self.sock.settimeout(0.5)    # accept wakes up to notice close()
        self.port = self.sock.getsockname()[1]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name=f"forward-{self.port}")
        self._thread.start()

    def __enter__(self) -> "Forward":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        self.sock.close()
        self._thread.join(2)

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                client, peer = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._carry, args=(client, peer), daemon=True).start()

    def _carry(self, client, peer) -> None:
        try:
            chan = self.transport.open_channel("direct-tcpip", ("127.0.0.1", self.remote_port), peer,
                                               timeout=OPEN_TIMEOUT)
        except Exception:  # noqa: BLE001 -- the link or the server is gone: this connection fails
            client.close()
            return
        try:
            while not self._closed.is_set():
                ready, _, _ = select.select([client, chan], [], [], 0.5)
                if client in ready:
                    data = client.recv(CHUNK)
                    if not data:
                        break
                    chan.sendall(data)
                if chan in ready:
                    data = chan.recv(CHUNK)
                    if not data:
                        break
                    client.sendall(data)
        except OSError:
            pass
        finally:
            chan.close()
            client.close()
