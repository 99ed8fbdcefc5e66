"""Small misbehaving HTTP servers on loopback for the Label Studio client's tests (a real socket each).

`serve(handler)` runs `handler(conn, request_bytes, seen)` for every connection in a daemon
thread and yields the server's url; `seen` collects the requests that arrived (to prove a token
never went somewhere). Each server is closed at the end of its `with`, its threads with it.
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time


class Seen(list):
    """The raw requests a server received, in order."""


def _read_request(conn: socket.socket) -> bytes:
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@contextlib.contextmanager
def serve(handler, banner_first: bool = False):
    """A loopback server calling `handler(conn, request, seen)` per connection; yields (url, seen)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    seen, stop, threads = Seen(), threading.Event(), []

    def one(conn):
        with conn:
            try:
                request = b"" if banner_first else _read_request(conn)
                seen.append(request)
                handler(conn, request, seen)
            except OSError:
                pass

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=one, args=(conn,), daemon=True)
            t.start()
            threads.append(t)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        stop.set()
        acceptor.join(5)
        listener.close()
        for t in threads:
            t.join(10)


def answer(body: bytes, status: str = "200 OK", content_type: str = "application/json", extra: str = ""):
    """A handler giving one complete answer."""
    def handler(conn, request, seen):
        conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                     f"{extra}Connection: close\r\n\r\n".encode() + body)
    return handler


def endless(stop_after: float = 30.0):
    """An answer that never ends (until `stop_after` s, so a broken client cannot hang the test run)."""
    def handler(conn, request, seen):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[")
        block, end = b"0," * 32768, time.monotonic() + stop_after
        while time.monotonic() < end:
            conn.sendall(block)
    return handler


def trickle(every: float = 2.0, stop_after: float = 30.0):
    """Headers at once, then the body one byte every `every` s (bounded by `stop_after`)."""
    def handler(conn, request, seen):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
        end = time.monotonic() + stop_after
        for byte in b"[" + b"1," * 1000:
            if time.monotonic() > end:
                return
            conn.sendall(bytes([byte]))
            time.sleep(every)
    return handler


def cut(declared: int = 1000, sent: bytes = b'[{"id": 1, "da'):
    """Content-Length promises more than is sent, then the connection closes."""
    def handler(conn, request, seen):
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
                     .encode() + sent)
    return handler
