"""A small HTTP client for Label Studio's API: JSON in and out, each call through transport.exchange.

A personal access token (a JWT refresh token) is exchanged for a short-lived access token at
/api/token/refresh/ and renewed when the server says it expired; a legacy token is sent as
`Token ...`. The token is stripped of surrounding blanks (a CRLF file leaves a CR) and never
printed: it stays out of repr, messages and tracebacks. Every failure is one UserError naming the
URL and what to do; the bounds (deadline, size, redirects) live in transport.py.
"""
from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

from ...errors import UserError
from .transport import Answer, checked_url, exchange, shown_url

TIMEOUT = 60.0      # seconds per call, all of it: a 100-file import on 2 busy cores takes a few
ACCESS_LIFE = 240   # seconds we reuse an access token (Label Studio issues them for 300)


class HttpError(Exception):
    """Label Studio answered with an error status (kept inside this module and its callers)."""

    def __init__(self, status: int, body: bytes):
        super().__init__(status)
        self.status, self.body = status, body


@dataclass
class Client:
    url: str
    token: str = field(repr=False)
    where: str = "role imglabeling"        # how messages name the server's hosts.yaml entry
    token_env: str = "the token variable"
    timeout: float = TIMEOUT
    _access: str | None = field(default=None, repr=False)
    _access_at: float = field(default=0.0, repr=False)

    def __post_init__(self):
        self.url = checked_url(self.url, self.where)
        self.token = checked_token(self.token, f"{self.where}: token_env {self.token_env}")

    @property
    def shown(self) -> str:
        return f"{self.where} {shown_url(self.url)}"

    def get(self, path: str, **query):
        return self.call("GET", path, query=query)

    def post(self, path: str, body=None, **query):
        return self.call("POST", path, body, query=query)

    def patch(self, path: str, body):
        return self.call("PATCH", path, body)

    def delete(self, path: str):
        return self.call("DELETE", path)

    def upload(self, path: str, files: list[tuple[str, bytes]], **query):
        """POST files as multipart/form-data (Label Studio's import of image files)."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, data in files:
            if not multipart_safe(name):
                raise UserError(f"{name!r}: Label Studio cannot take this file name (a quote, backslash or "
                                f"control character); rename the carrier's image and XML")
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.call("POST", path, body, query=query, content_type=f"multipart/form-data; boundary={boundary}")

    def call(self, method: str, path: str, body=None, query=None, content_type="application/json"):
        """One request; JSON back (None when empty). Renews the access token once on a 401."""
        for attempt in (0, 1):
            try:
                return self._send(method, path, body, query, content_type)
            except HttpError as exc:
                if exc.status == 401 and attempt == 0 and self._is_personal():
                    self._access = None   # expired: refresh once
                    continue
                raise self._http_error(method, path, exc) from None

    def _send(self, method, path, body, query, content_type):
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        headers = {"Authorization": self._authorization(), "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        return self._json(method, path, self._exchange(method, url, data, headers))

    def _exchange(self, method, url, data, headers) -> Answer:
        answer = exchange(method, url, data, headers, self.timeout, self.shown)
        if answer.status >= 400:
            raise HttpError(answer.status, answer.body)
        return answer

    def _json(self, method: str, path: str, answer: Answer):
        if not answer.body.strip():
            return None
        try:
            return json.loads(answer.body)
        except (ValueError, RecursionError):
            kind = answer.content_type.split(";")[0].strip() or "no content type"
            raise UserError(f"{self.shown}: {method} {path} did not answer JSON as Label Studio does ({kind}, "
                            f"{len(answer.body)} bytes, cut off or a web page); check url in hosts.yaml and "
                            f"run it again") from None

    def _is_personal(self) -> bool:
        return self.token.count(".") == 2    # a JWT: header.payload.signature

    def _authorization(self) -> str:
        if not self.token:
            raise UserError(f"{self.where}: token_env {self.token_env} is not set; export it, or put "
                            f"{self.token_env}: ... in secrets.yaml beside the hosts file (chmod 600)")
        if not self._is_personal():
            return f"Token {self.token}"
        if self._access is None or time.monotonic() - self._access_at > ACCESS_LIFE:
            self._access = self._refresh()
            self._access_at = time.monotonic()
        return f"Bearer {self._access}"

    def _refresh(self) -> str:
        path = "/api/token/refresh/"
        try:
            answer = self._exchange("POST", self.url + path, json.dumps({"refresh": self.token}).encode(),
                                    {"Content-Type": "application/json", "Accept": "application/json"})
        except HttpError as exc:
            if exc.status in (400, 401):
                raise UserError(f"{self.shown}: the personal access token in {self.token_env} was "
                                f"refused (revoked or from another server); make a new one (inv "
                                f"imglabeling.labelstudio-token, or Account & Settings > Personal Access Token) "
                                f"and set {self.token_env}") from None
            raise self._http_error("POST", path, exc) from None
        access = self._json("POST", path, answer)
        if not isinstance(access, dict) or not isinstance(access.get("access"), str) or \
                not multipart_safe(access["access"]):
            raise UserError(f"{self.shown}: {path} did not answer as Label Studio does; check url in hosts.yaml")
        return access["access"]

    def _http_error(self, method: str, path: str, exc: HttpError) -> UserError:
        detail = _detail(exc.body)
        for secret in (self.token, self._access):
            if secret:
                detail = detail.replace(secret, "(the token)")   # a server may echo what it was sent
        if exc.status in (401, 403):
            return UserError(f"{self.shown}: {method} {path} refused ({exc.status}: {detail}); check the "
                             f"token in {self.token_env} and that its user may use this project")
        return UserError(f"{self.shown}: {method} {path} failed with HTTP {exc.status}"
                         + (f" ({detail})" if detail else "") + "; see Label Studio's log there")


def checked_token(token, where: str) -> str:
    """The token without the blanks around it; refused when a character a token cannot hold is left."""
    token = (token or "").strip()
    if token and not all(33 <= ord(c) < 127 for c in token):
        raise UserError(f"{where}: the token has a space, line break or other character a token cannot hold "
                        f"inside it; set it again (the token itself is not shown)")
    return token


def multipart_safe(text: str) -> bool:
    """Whether `text` can go in a multipart header as it is (no quote, backslash or control character)."""
    return not any(c in '"\\' or ord(c) < 32 or ord(c) == 127 for c in text)


def _detail(body: bytes) -> str:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return ""
    text = (data.get("detail") or data.get("validation_errors") or "") if isinstance(data, dict) else ""
    return " ".join(str(text).split())[:200]
