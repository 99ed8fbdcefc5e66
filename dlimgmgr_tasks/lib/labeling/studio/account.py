"""A Label Studio personal access token without a browser: log in as the user, make a token, keep
it in the secrets file (mode 0600) under the key the imglabeling role's token_env names.

Label Studio makes its first user at start from LABEL_STUDIO_USERNAME / LABEL_STUDIO_PASSWORD
(README: Label Studio). `make_token` logs in through the login form as a browser would (a CSRF
token, then the session cookie), asks /api/token/ for a personal access token with that session,
and writes it with `store`. The password comes from the environment or a prompt, never an
argument; neither it nor the token is printed. Every step has a timeout; a redirect is followed
only on the same server.
"""
from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

from ...errors import UserError
from ...files import atomic_write
from .client import checked_token
from .transport import origin

TIMEOUT = 60.0
MAX_PAGE = 4 << 20


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if origin(newurl) != origin(req.full_url):
            raise UserError(f"{req.full_url}: Label Studio redirected to another server; refused; set url in "
                            f"hosts.yaml to the server itself")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def make_token(url: str, email: str, password: str, where: str) -> str:
    """A new personal access token of `email` on the Label Studio at `url`."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _SameOrigin())
    login = url + "/user/login/"
    page = _open(opener, urllib.request.Request(login), where).decode("utf-8", "replace")
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not m:
        raise UserError(f"{where} {url}: /user/login/ has no login form; is url the Label Studio server?")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": m.group(1), "email": email, "password": password})
    _open(opener, urllib.request.Request(login, data=form.encode(), headers={"Referer": login}), where)
    if not _logged_in(opener, url, email):
        raise UserError(f"{where} {url}: Label Studio refused the login of {email}; check the e-mail and "
                        f"LABEL_STUDIO_PASSWORD (the user is made at Label Studio's first start)")
    csrf = next((c.value for c in jar if c.name == "csrftoken"), "")
    req = urllib.request.Request(url + "/api/token/", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json", "X-CSRFToken": csrf,
                                          "Referer": url + "/user/account"})
    try:
        token = json.loads(_open(opener, req, where, {409: f"{email} already has a personal access token (Label "
                                                           f"Studio keeps one per user); use it, or revoke it in "
                                                           f"Account & Settings and run this again"})).get("token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise UserError(f"{where} {url}: /api/token/ made no personal access token; is this Label Studio "
                        f"1.13 or newer with personal access tokens enabled (Organization > Access Token "
                        f"Settings)?")
    return checked_token(token, f"{where} {url}")


def _logged_in(opener, url: str, email: str) -> bool:
    """Whether the session is `email`'s (a failed login still gets a session cookie)."""
    try:
        who = json.loads(_open(opener, urllib.request.Request(url + "/api/current-user/whoami"), "", {401: "", 403: ""}))
    except (UserError, ValueError):
        return False
    return isinstance(who, dict) and str(who.get("email", "")).lower() == email.lower()


def _open(opener, request, where: str, known: dict | None = None) -> bytes:
    try:
        with opener.open(request, timeout=TIMEOUT) as r:
            data = r.read(MAX_PAGE + 1)
    except urllib.error.HTTPError as exc:
        if known and exc.code in known:
            raise UserError(f"{where} {request.full_url}: {known[exc.code]}") from None
        raise UserError(f"{where} {request.full_url}: HTTP {exc.code}; check url and the user, and Label "
                        f"Studio's log there") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(f"{where} {request.full_url}: cannot connect ({reason}); start Label Studio there or "
                        f"fix url in hosts.yaml") from None
    if len(data) > MAX_PAGE:
        raise UserError(f"{where} {request.full_url}: the answer is over {MAX_PAGE >> 20} MiB; is url the "
                        f"Label Studio server?")
    return data


def store(secrets: Path, key: str, token: str) -> None:
    """Put `key: token` in the secrets file (made with mode 0600), the other keys kept."""
    data = {}
    if secrets.is_file():
        try:
            data = yaml.safe_load(secrets.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise UserError(f"{secrets}: not a mapping NAME: secret; fix it before a token can be added")
    data[key] = token
    text = yaml.safe_dump(data, default_flow_style=False, allow_unicode=True)
    atomic_write(secrets, text.encode(), mode=0o600)
