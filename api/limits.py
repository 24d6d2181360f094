"""A cap on request bodies: a huge body is refused (413) before anything reads it into memory.

The only endpoint with a body is ``POST /cypher`` (query text of at most 10,000 characters, and
parameters the store's guard caps at 1 MiB); :data:`MAX_BODY_BYTES` leaves room for JSON escaping.
A declared ``Content-Length`` over the cap is answered at once; a chunked body is counted as it
arrives and cut at the cap.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_response

MAX_BODY_BYTES = 4 << 20


class BodyLimitMiddleware:
    """Pure ASGI middleware: 413 for request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"request bodies are limited to {self.max_bytes:,} bytes"
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await problem_response(Request(scope), 413, "body-too-large", detail)(scope, receive, send)
                    return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # FastAPI passes an HTTPException raised while reading the body on as it is
                    raise HTTPException(413, detail)
            return message

        await self.app(scope, counting_receive, send)
