"""The dashboard: a web app at ``/``, every asset shipped inside the package (no CDN, works offline).

``api/static/`` holds the app as plain ES modules (no build step) beside the vendored, minified
Apache ECharts (``static/vendor/``, with its licence and a manifest of where it came from:
``tools/dashboard-vendor`` pins it with npm, and a test checks the shipped file against the pinned
package).  The app reads only the JSON API under ``/api/v1`` and the label table of
:mod:`partychain.labels` (``/assets/labels.json``).

Every answer carries a strict Content-Security-Policy (scripts only from this origin, no inline
script, no framing, connections only to this origin), ``X-Content-Type-Options: nosniff`` and
``Referrer-Policy: no-referrer``; assets are compressed (gzip) and revalidated by ETag.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(str(files("partychain.api") / "static"))
LABELS = Path(str(files("partychain") / "labels.json"))

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
"""Inline styles are allowed (ECharts positions its tooltips with them); inline script is not."""
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin",
}


class _Secured:
    """Adds :data:`SECURITY_HEADERS` and a revalidation policy to every response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                headers.append((b"cache-control", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_secured)


def _index(_: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


def _labels(_: Request) -> Response:
    return FileResponse(LABELS, media_type="application/json", headers={**SECURITY_HEADERS,
                                                                        "Cache-Control": "no-cache"})


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard at ``/`` and its assets under ``/assets`` (not part of the OpenAPI document)."""
    app.add_route("/", _index, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_route("/assets/labels.json", _labels, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount("/assets", _Secured(GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=1024)),
              name="assets")
