"""A small HTTP client for Label Studio's API (urllib, a timeout on every call, JSON in and out).

A personal access token (a JWT refresh token) is exchanged for a short-lived access token at
/api/token/refresh/ and renewed when the server says it expired; a legacy token is sent as
`Token ...`. The token is never printed: it stays out of repr, messages and tracebacks. Every
failure is one UserError naming the URL and what to do.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from ...errors import UserError

TIMEOUT = 60.0      # seconds per request: a 100-file import on 2 busy cores takes a few
ACCESS_LIFE = 240   # seconds we reuse an access token (Label Studio issues them for 300)


@dataclass
class Client:
    url: str
    token: str = field(repr=False)
    where: str = "role imglabeling"        # how messages name the server's hosts.yaml entry
    token_env: str = "the token variable"
    timeout: float = TIMEOUT
    _access: str | None = field(default=None, repr=False)
    _access_at: float = field(default=0.0, repr=False)

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
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.call("POST", path, body, query=query, content_type=f"multipart/form-data; boundary={boundary}")

    def call(self, method: str, path: str, body=None, query=None, content_type="application/json"):
        """One request; JSON back (None when empty). Renews the access token once on a 401."""
        for attempt in (0, 1):
            try:
                return self._send(method, path, body, query, content_type)
            except urllib.error.HTTPError as exc:
                if exc.code == 401 and attempt == 0 and self._is_personal():
                    self._access = None   # expired: refresh once
                    continue
                raise self._http_error(method, path, exc) from None

    def _send(self, method, path, body, query, content_type):
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        headers = {"Authorization": self._authorization(), "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        raw = self._open(urllib.request.Request(url, data=data, method=method, headers=headers))
        return json.loads(raw) if raw.strip() else None

    def _open(self, request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                return r.read()
        except urllib.error.HTTPError:
            raise
        except (socket.timeout, TimeoutError):
            raise UserError(f"{self.where} {self.url}: no answer within {self.timeout:.0f} s; is Label Studio "
                            f"running and not overloaded?") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise UserError(f"{self.where} {self.url}: cannot connect ({_reason(reason)}); start Label Studio "
                            f"there or fix url in hosts.yaml") from None

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
        request = urllib.request.Request(self.url + "/api/token/refresh/", method="POST",
                                         data=json.dumps({"refresh": self.token}).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            return json.loads(self._open(request))["access"]
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 401):
                raise UserError(f"{self.where} {self.url}: the personal access token in {self.token_env} was "
                                f"refused (revoked or from another server); make a new one in Label Studio "
                                f"(Account & Settings > Personal Access Token) and set {self.token_env}") from None
            raise self._http_error("POST", "/api/token/refresh/", exc) from None
        except (ValueError, KeyError):
            raise UserError(f"{self.where} {self.url}: /api/token/refresh/ did not answer as Label Studio "
                            f"does; check url in hosts.yaml") from None

    def _http_error(self, method: str, path: str, exc: urllib.error.HTTPError) -> UserError:
        detail = _detail(exc)
        if exc.code in (401, 403):
            return UserError(f"{self.where} {self.url}: {method} {path} refused ({exc.code}: {detail}); check the "
                             f"token in {self.token_env} and that its user may use this project")
        return UserError(f"{self.where} {self.url}: {method} {path} failed with HTTP {exc.code}"
                         + (f" ({detail})" if detail else "") + "; see Label Studio's log there")


def _reason(reason) -> str:
    text = getattr(reason, "strerror", None) or str(reason)
    return text.splitlines()[0][:200] if text else "no reason given"


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        return ""
    text = (body.get("detail") or body.get("validation_errors") or "") if isinstance(body, dict) else ""
    return " ".join(str(text).split())[:200]
