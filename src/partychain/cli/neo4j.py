"""``partychain neo4j start|stop|status|import``: a local Neo4j Community server without Docker."""

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
    heap: Annotated[str, typer.Option(help="Java heap of the server (transactions live there; a county reload "
                                           "takes 1.5 GB of it, see docs/neo4j.md)")] = "3g",
    pagecache: Annotated[str, typer.Option(help="page cache (the store files in memory)")] = "512m",
    tx_timeout: Annotated[str, typer.Option("--tx-timeout", help="time limit of a transaction that sets none "
                                                                 "(db.transaction.timeout)")] = "60s",
    wait: Annotated[float, typer.Option(help="seconds to wait for the server to be ready (the first start after "
                                             "an import builds the key indexes first)")] = 900.0,
) -> None:
    """Start Neo4j in the background with the password $PARTYCHAIN_NEO4J_PASSWORD; print its Bolt URI."""
    from partychain import neo4j_server

    info = neo4j_server.start(data, port=port, heap=heap, pagecache=pagecache, tx_timeout=tx_timeout, wait_s=wait)
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


@command(neo4j_app, "import")
def neo4j_import(
    export_dir: Annotated[Path, typer.Argument(help="a `partychain export --format neo4j-admin` folder")],
    data: DataOption,
    heap: Annotated[str, typer.Option(help="Java heap of the importer")] = "1g",
    max_off_heap: Annotated[str | None, typer.Option("--max-off-heap", help="the importer's off-heap memory "
                                                     "(--max-off-heap-memory; default: 90 % of free memory)")] = None,
) -> None:
    """Build the graph on DATA from an export with Neo4j's own bulk importer (replaces it; the server must be
    stopped); the next `partychain neo4j start` creates the model's constraints."""
    from partychain import neo4j_server

    res = neo4j_server.import_export(export_dir, data, heap=heap, max_off_heap=max_off_heap)
    err.print(f"imported {res.nodes:,} nodes, {res.relationships:,} relationships, {res.properties:,} properties "
              f"in {res.seconds:.1f} s (importer's peak memory {res.peak_memory}); store "
              f"{res.store_bytes / 1e6:,.1f} MB on {res.data}")
    err.print(f"next: partychain neo4j start --data {res.data}   # creates the constraints, then serves")
    out.print(f"{res.nodes} nodes {res.relationships} relationships", highlight=False)
