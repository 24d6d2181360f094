"""How ``partychain serve`` runs the app: uvicorn, hardened where the app itself cannot reach.

* **Header size.** :class:`LimitedHttpToolsProtocol` counts the bytes of a request's line and headers
  as they arrive, before they are parsed, and answers ``431`` and closes the connection past
  ``PARTYCHAIN_MAX_HEADER_BYTES`` (32 KiB by default).  Without it a 64 MiB header kept the event
  loop parsing for ~10 s and stalled every other caller.
* **Forwarding headers.** ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are ignored (the client is the
  connecting address) unless ``PARTYCHAIN_TRUSTED_PROXIES`` names the proxies allowed to set them:
  uvicorn trusts them from loopback by default, which let anyone on the host rotate the address
  the failed-key limit counts, or lock another client out.
* **Cursor key.** Workers share one key for paging cursors (``PARTYCHAIN_SECRET_KEY``; a random one
  per run when unset).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from partychain.settings import Settings, get_settings

log = logging.getLogger(__name__)

_APP = "partychain.api.app:create_app"


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a limit on the bytes of a request line and its headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._max_header_bytes = get_settings().max_header_bytes
        self._header_bytes = 0
        self._in_body = False

    def data_received(self, data: bytes) -> None:
        if not self._in_body:
            self._header_bytes += len(data)
            if self._header_bytes > self._max_header_bytes:
                self._refuse()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_body = False
        self._header_bytes = 0

    def _refuse(self) -> None:
        body = json.dumps({
            "type": "urn:partychain:problem:headers-too-large", "title": "Request Header Fields Too Large",
            "status": 431, "detail": f"the request line and headers are limited to {self._max_header_bytes:,} bytes",
        }).encode()
        head = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/problem+json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
        log.warning("refused a request whose headers exceed %d bytes", self._max_header_bytes)
        if not self.transport.is_closing():
            self.transport.write(head + body)
            self.transport.close()


def uvicorn_config(settings: Settings, *, host: str, port: int, workers: int) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` for the app under ``settings``.

    >>> cfg = uvicorn_config(Settings(_env_file=None), host="127.0.0.1", port=8000, workers=1)
    >>> cfg["proxy_headers"], cfg["http"].__name__
    (False, 'LimitedHttpToolsProtocol')
    """
    proxies = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    return {
        "factory": True, "host": host, "port": port, "workers": workers, "log_level": "info",
        "access_log": False, "server_header": False, "http": LimitedHttpToolsProtocol,
        "proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None,
    }


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Run the API with uvicorn until interrupted."""
    if not settings.secret_key.get_secret_value():
        # one key for every worker of this run (they inherit the environment)
        os.environ["PARTYCHAIN_SECRET_KEY"] = secrets.token_urlsafe(32)
        get_settings.cache_clear()
    uvicorn.run(_APP, **uvicorn_config(settings, host=host, port=port, workers=workers))
