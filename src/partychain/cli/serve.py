"""``partychain serve``: the dashboard and the HTTP API."""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated, Any

import typer

from partychain.settings import get_settings

from .base import DbOption, command, err

PANEL = "Serving"


@command(panel=PANEL)
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (embedded engine: readers share the "
                                              "read-only graph)")] = 1,
) -> None:
    """Serve the dashboard (/) and the HTTP API (/api/v1) with uvicorn on the configured engine (docs at /docs).

    With no API key configured, on a loopback address, it makes an officer key for this run and prints a
    sign-in link carrying a one-time token (see partychain.api.first_run).
    """
    from partychain.api import first_run
    from partychain.api.server import serve as run_server

    if db is not None:
        os.environ["PARTYCHAIN_DB"] = str(db)
        get_settings.cache_clear()
    settings = get_settings()
    shown = f"[{host}]" if ":" in host else host
    err.print(f"partychain API on http://{shown}:{port}/api/v1  (OpenAPI docs: http://{shown}:{port}/docs)")
    made = first_run.prepare(settings, host=host, port=port)
    # plain writes, one line each: the sign-in link must reach the terminal unwrapped
    if made is not None:
        sys.stderr.write(f"dashboard, signed in as a local officer (this link works once; this run only):\n"
                         f"    {made.url}\n"
                         f"officer key of this run, for curl: {made.key_file}\n")
    else:
        sys.stderr.write(f"dashboard: http://{shown}:{port}/\n")
        if settings.api_keys_file is None and not settings.api_keys.get_secret_value():
            sys.stderr.write("no API keys configured and not on a loopback address: anonymous access (aggregates) "
                             "only; set PARTYCHAIN_API_KEYS or PARTYCHAIN_API_KEYS_FILE\n")
    sys.stderr.flush()
    if made is not None:  # uvicorn re-raises the SIGTERM it stopped on: end through `finally`, removing the key
        signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        run_server(settings, host=host, port=port, workers=workers)
    finally:
        if made is not None:
            made.cleanup()


def _exit_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)
