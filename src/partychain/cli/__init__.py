"""The ``partychain`` command line: a thin layer over the library, one module per group of commands.

:mod:`.base` holds the app, the output helpers and the one error handler every command runs under;
:mod:`.ledger` the commands on ledgers, :mod:`.graph` the commands that read the graph, :mod:`.docs`
the generated pages, :mod:`.serve` the HTTP API.
"""

from __future__ import annotations

from . import docs, graph, ledger, neo4j, serve
from .base import app

__all__ = ["app", "docs", "graph", "ledger", "main", "neo4j", "serve"]


def main() -> None:
    app()
