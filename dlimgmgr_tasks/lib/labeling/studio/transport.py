"""One HTTP exchange with Label Studio, bounded: a total deadline, a size bound, no foreign redirect.

Every call the client makes goes through `exchange`, so each defence lives here once:
  - a total deadline per exchange: a timer shuts the socket down when it passes, so a server that
    trickles one byte every 2 s ends like one that never answers (a per-read timeout would not);
  - a size bound on every answer (Content-Length, then the bytes actually read);
  - a redirect is followed only to the same origin; the token is never sent anywhere else;
  - an answer that is not HTTP (an SSH port), cut off mid-body or refused becomes one line.
`checked_url` is the one check of a Label Studio url (hosts.yaml and the client both use it): no
credentials in it, a numeric port, nothing after the path; messages never show what was before '@'.
"""
from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass

from ...errors import UserError

MAX_ANSWER = 256 << 20      # bytes: a task export of a few thousand carriers is a few MB
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def shown_url(url: str) -> str:
    """The url as messages may show it: whatever stood before an '@' (a user, a password) left out."""
    scheme, _, rest = str(url).partition("://")
    netloc, slash, path = rest.partition("/")
    return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}" if rest else str(url).rpartition("@")[2]


def checked_url(url, where: str) -> str:
    """The Label Studio url, refused in one line unless it is http(s)://HOST[:PORT][/PATH]."""
    shown = shown_url(url)
    fix = "set url in hosts.yaml to the Label Studio server as http(s)://HOST:PORT"
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 for c in url):
        raise UserError(f"{where}: url {shown!r} is not a url; {fix}")
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:   # an unclosed [IPv6 address
        raise UserError(f"{where}: url {shown!r} is not a url; {fix}") from None
    try:
        port = parts.port
    except ValueError:
        raise UserError(f"{where}: url {shown} has a port that is not a number from 1 to 65535; {fix}") from None
    if "@" in parts.netloc:
        raise UserError(f"{where}: url {shown} has a user or password in it; the url takes no credentials: "
                        f"remove them (the token comes from token_env)")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UserError(f"{where}: url must be the Label Studio server as http(s)://HOST:PORT, not {shown!r}")
    if port == 0 or parts.query or parts.fragment:
        raise UserError(f"{where}: url {shown} has a port 0, a query or a fragment; {fix}")
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc, parts.path.rstrip("/"), "", ""))


def origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def exchange(method: str, url: str, body: bytes | None, headers: dict, timeout: float, where: str,
             limit: int | None = None) -> Answer:
    """Send one request to `url` (following same-origin redirects); the whole answer within `timeout` s."""
    limit = MAX_ANSWER if limit is None else limit
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        answer, location = _once(method, url, body, headers, deadline, timeout, where, limit)
        if location is None:
            return answer
        target = urllib.parse.urljoin(url, location)
        if origin(target) != origin(url):
            raise UserError(f"{where}: {method} {_path(url)} answered with a redirect to another server "
                            f"({shown_url(urllib.parse.urljoin(target, '/'))}); refused, the token was not sent "
                            f"there; set url in hosts.yaml to the Label Studio server itself")
        if method not in ("GET", "HEAD") and answer.status not in (307, 308):
            raise UserError(f"{where}: {method} {_path(url)} answered with a redirect; set url in hosts.yaml to "
                            f"the Label Studio server itself")
        url = target
    raise UserError(f"{where}: {method} {_path(url)}: more than {MAX_REDIRECTS} redirects; set url in hosts.yaml "
                    f"to the Label Studio server itself")


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path or "/"


def _once(method, url, body, headers, deadline, timeout, where, limit) -> tuple[Answer, str | None]:
    parts = urllib.parse.urlsplit(url)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _late(method, url, timeout, where)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=left)
    expired, held = threading.Event(), []
    timer = threading.Timer(left, _cut, (held, expired))
    timer.daemon = True
    timer.start()
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.connect()
        held.append(conn.sock)   # the response keeps reading it after the connection object lets go
        if expired.is_set():
            _cut(held, expired)
        conn.request(method, target or "/", body=body, headers=headers)
        resp = conn.getresponse()
        location = resp.getheader("Location") if resp.status in REDIRECTS else None
        data = _read(resp, limit, method, url, where)
        if expired.is_set():   # the shutdown looks like the end of a body without a length
            raise _late(method, url, timeout, where)
        return Answer(resp.status, resp.getheader("Content-Type") or "", data), location
    except UserError:
        raise
    except (http.client.HTTPException, OSError, ValueError) as exc:
        if expired.is_set() or isinstance(exc, (socket.timeout, TimeoutError)):
            raise _late(method, url, timeout, where) from None
        raise _failed(exc, method, url, where) from None
    finally:
        timer.cancel()
        conn.close()


def _read(resp, limit: int, method: str, url: str, where: str) -> bytes:
    """The body, refused as soon as it is known to be over `limit` bytes."""
    length = resp.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > limit:
        raise _too_big(method, url, where, limit)
    chunks, size = [], 0
    while True:
        chunk = resp.read1(1 << 16)
        if not chunk:
            if length and length.strip().isdigit() and size < int(length):
                raise http.client.IncompleteRead(b"", int(length) - size)   # read1 does not say so itself
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_big(method, url, where, limit)
        chunks.append(chunk)


def _cut(held: list, expired: threading.Event) -> None:
    """The deadline passed: wake whatever read or write is waiting on the socket."""
    expired.set()
    for sock in held:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _late(method, url, timeout, where) -> UserError:
    return UserError(f"{where}: {method} {_path(url)} got no complete answer within {timeout:.0f} s; is Label "
                     f"Studio running and not overloaded there? (timeout in hosts.yaml sets the limit)")


def _too_big(method, url, where, limit) -> UserError:
    return UserError(f"{where}: {method} {_path(url)} answered more than {limit >> 20} MiB; refused; is url in "
                     f"hosts.yaml the Label Studio server?")


def _failed(exc, method, url, where) -> UserError:
    if isinstance(exc, (http.client.IncompleteRead, http.client.RemoteDisconnected, ConnectionResetError,
                        BrokenPipeError)):
        return UserError(f"{where}: the connection closed in the middle of the answer to {method} {_path(url)}; "
                         f"run it again (if it repeats, see Label Studio's log there)")
    if isinstance(exc, (http.client.HTTPException, ValueError)):
        return UserError(f"{where}: {method} {_path(url)} did not get an HTTP answer; is url in hosts.yaml the "
                         f"Label Studio port (not SSH or another service)?")
    if isinstance(exc, ssl.SSLError):
        return UserError(f"{where}: TLS failed ({_reason(exc)}); check url (http or https) in hosts.yaml")
    return UserError(f"{where}: cannot connect ({_reason(exc)}); start Label Studio there or fix url in hosts.yaml")


def _reason(exc) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(text.split())[:200] if text else type(exc).__name__
