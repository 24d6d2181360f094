"""Request ids and structured access logs (one JSON line per request).

Each request gets an id — the incoming ``X-Request-ID`` when it is a sane token, else a new
one — sent back as ``X-Request-ID`` and written to the access log on the logger
``partychain.api.access`` with method, path, status, duration and role.  The log never holds the
query string (search terms may be names), request bodies, or the API key.

Per-request facts the rest of the API shares (request id, role) live in ``scope["partychain"]``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response

access_log = logging.getLogger("partychain.api.access")

_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
HEADER = "X-Request-ID"


def request_context(scope: Scope) -> dict[str, Any]:
    """The per-request dict of facts (``request_id``, ``role``), created on first use."""
    ctx = scope.get("partychain")
    if not isinstance(ctx, dict):
        ctx = scope["partychain"] = {}
    return ctx


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            try:
                text = value.decode("ascii")
            except UnicodeDecodeError:
                return None
            return text if _SANE_ID.match(text) else None
    return None


class AccessLogMiddleware:
    """Pure ASGI middleware: request id in and out, one access-log line per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx = request_context(scope)
        ctx["request_id"] = rid = _incoming_id(scope) or uuid.uuid4().hex
        ctx.setdefault("role", "anonymous")
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Answer an unexpected error here, with the request id; the server error middleware
            # outside still logs it (and sends nothing more: the response has started).
            if not response_started:
                await problem_response(Request(scope), 500, "internal", "internal error")(scope, receive, send_with_id)
            raise
        finally:
            record = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "request_id": rid,
                "role": ctx.get("role"),
            }
            access_log.info(json.dumps(record, ensure_ascii=False), extra={"access": record})
