"""Dashboard sessions: an API key (or a first run's one-time token) exchanged once for a session cookie.

The dashboard never keeps a key where script or a URL could carry it: ``POST /api/v1/session`` takes
the key once and answers with a cookie that is

* ``HttpOnly`` (no script reads it), ``SameSite=Strict`` (no other site's page sends it),
  ``Secure`` when the request came over HTTPS, ``Path=/``, without ``Max-Age`` (it ends with the
  browser session);
* a signed statement, not a secret store: ``role.key-id.issued-at.MAC`` with an HMAC-SHA256 under
  a key derived from ``PARTYCHAIN_SECRET_KEY`` (the key paging cursors are signed with, shared by
  the workers of one ``partychain serve``), so every worker checks it without shared state;
* bound to the key it came from by the key's non-secret id: removing the key from the
  configuration ends its sessions, and so does a restart with a new random secret;
* valid for ``PARTYCHAIN_SESSION_HOURS`` (12 by default) from sign-in.

Against cross-site request forgery, besides ``SameSite=Strict``: a request authenticated by the
cookie with a method other than GET or HEAD (``POST /cypher``), and every sign-in and sign-out,
must carry the header :data:`CSRF_HEADER`, which a page of another origin cannot send without a
CORS preflight this server never approves.  An ``Authorization`` header always wins over the
cookie.

The one-time token of a first run (:mod:`partychain.api.first_run`) is exchanged here too, once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass

from fastapi import Request, Response

from partychain.services.cursors import cursor_key

from .auth import KeyRing, Role

COOKIE = "partychain_session"
CSRF_HEADER = "X-Partychain-Request"
"""Header the dashboard sends with every request; required where the cookie could be abused."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _key() -> bytes:
    return hmac.new(cursor_key(), b"partychain dashboard session", hashlib.sha256).digest()


def _mac(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class SessionInfo:
    role: Role
    who: str
    issued: int

    def expires(self, hours: float) -> str:
        return dt.datetime.fromtimestamp(self.issued + hours * 3600, dt.UTC).isoformat(timespec="seconds")


def issue(role: Role, who: str, *, now: float | None = None) -> str:
    """The cookie value of a session of ``role`` for the key with id ``who``.

    >>> from partychain.api.auth import KeyRing
    >>> ring = KeyRing([("k-123", Role.officer)])
    >>> value = issue(Role.officer, ring.identify("k-123")[1], now=1_000)
    >>> verify(value, ring, hours=1, now=1_500).role.name, verify(value, ring, hours=1, now=5_000)
    ('officer', None)
    >>> verify(value.replace("officer", "researcher"), ring, hours=1, now=1_500) is None
    True
    """
    payload = f"{role.name}.{who}.{int(time.time() if now is None else now)}"
    return f"{payload}.{_mac(payload)}"


def verify(value: str, keys: KeyRing, *, hours: float, now: float | None = None) -> SessionInfo | None:
    """The session a cookie value stands for, or ``None`` (forged, altered, expired, or its key is gone)."""
    if not value or len(value) > 256 or not value.isascii():
        return None
    payload, sep, mac = value.rpartition(".")
    parts = payload.split(".")
    if not sep or len(parts) != 3 or not hmac.compare_digest(mac, _mac(payload)):
        return None
    role_name, who, issued_s = parts
    if role_name not in ("researcher", "officer") or not issued_s.isdigit():
        return None
    issued = int(issued_s)
    now = time.time() if now is None else now
    if not issued - 60 <= now < issued + hours * 3600:
        return None
    role = Role[role_name]
    if keys.role_of_id(who) != role:  # the key was removed, or now has another role
        return None
    return SessionInfo(role, who, issued)


def from_request(request: Request) -> SessionInfo | None:
    """The session of a request's cookie; marks ``request.state.session_expired`` when one was sent in vain."""
    value = request.cookies.get(COOKIE)
    if value is None:
        return None
    info = verify(value, request.app.state.keys, hours=request.app.state.settings.session_hours)
    if info is None:
        request.state.session_expired = True
    return info


def set_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(COOKIE, value, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


def has_csrf_header(request: Request) -> bool:
    return bool(request.headers.get(CSRF_HEADER))
