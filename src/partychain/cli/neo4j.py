"""``partychain neo4j start|stop|status``: a local Neo4j Community server without Docker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .base import app, command, err, out

neo4j_app = typer.Typer(help="A local Neo4j Community server without Docker (tools/neo4j-server; needs java and "
                             "mvn).", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j", rich_help_panel="Serving")

DataOption = Annotated[Path, typer.Option("--data", help="the server's data directory (Neo4j's home: databases, "
                                                        "transaction logs, logs)")]


@command(neo4j_app, "start")
def neo4j_start(
    data: DataOption,
    port: Annotated[int, typer.Option(help="Bolt port on the loopback interface (0: a free one)")] = 7687,
    heap: Annotated[str, typer.Option(help="Java heap of the server (transactions live there)")] = "1g",
    pagecache: Annotated[str, typer.Option(help="page cache (the store files in memory)")] = "512m",
    tx_timeout: Annotated[str, typer.Option("--tx-timeout", help="time limit of a transaction that sets none "
                                                                 "(db.transaction.timeout)")] = "60s",
) -> None:
    """Start Neo4j in the background with the password $PARTYCHAIN_NEO4J_PASSWORD; print its Bolt URI."""
    from partychain import neo4j_server

    info = neo4j_server.start(data, port=port, heap=heap, pagecache=pagecache, tx_timeout=tx_timeout)
    err.print(f"Neo4j {neo4j_server.NEO4J_VERSION} (pid {info.pid}) serves {info.data}; log: "
              f"{info.data / neo4j_server.LOG_FILE}")
    err.print(f"export PARTYCHAIN_NEO4J_URI={info.uri}   # and PARTYCHAIN_NEO4J_PASSWORD as set")
    out.print(info.uri, highlight=False)


@command(neo4j_app, "stop")
def neo4j_stop(data: DataOption) -> None:
    """Stop the server running on DATA (a clean shutdown; the graph stays in DATA)."""
    from partychain import neo4j_server

    info = neo4j_server.stop(data)
    err.print(f"stopped the Neo4j server (pid {info.pid}) on {info.data}" if info
              else f"no Neo4j server runs on {data}")


@command(neo4j_app, "status")
def neo4j_status(data: DataOption) -> None:
    """Print the Bolt URI of the server running on DATA; exit 1 if none runs."""
    from partychain import neo4j_server

    info = neo4j_server.status(data)
    if info is None:
        err.print(f"no Neo4j server runs on {data}")
        raise typer.Exit(1)
    out.print(f"{info.uri} (pid {info.pid}, Neo4j {neo4j_server.NEO4J_VERSION}, data {info.data})", highlight=False)
