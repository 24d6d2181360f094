"""``partychain serve``: the HTTP API."""

from __future__ import annotations

from typing import Annotated

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
    """Serve the HTTP API with uvicorn on the configured engine (docs at /docs)."""
    import os

    from partychain.api.server import serve as run_server

    if db is not None:
        os.environ["PARTYCHAIN_DB"] = str(db)
        get_settings.cache_clear()
    err.print(f"partychain API on http://{host}:{port}/api/v1  (OpenAPI docs: http://{host}:{port}/docs)")
    run_server(get_settings(), host=host, port=port, workers=workers)
