"""What the benchmark runs in fresh child processes (module-level, so that ``spawn`` can import them).

Functions defined in ``bench/__main__`` cannot be: under ``python -m bench`` a spawned child
does not re-import the package's ``__main__`` by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_db(ledger: str, db: str) -> dict[str, Any]:
    from partychain.loaders import check_ledger
    from partychain.storage.embedded import EmbeddedStore

    info = EmbeddedStore(Path(db)).load(check_ledger(Path(ledger)), source=ledger)
    return {"version": info.version}


def queries(db: str, ledger: str, quick: bool, baselines: bool = True, buffer_pool_mb: int = 0) -> dict[str, Any]:
    from partychain.storage.embedded import EmbeddedStore

    from . import queries as bench_queries

    store = EmbeddedStore(Path(db), buffer_pool_mb=buffer_pool_mb)
    try:
        return bench_queries.run(store, Path(ledger), quick=quick, pandas_baseline=baselines, live_baseline=baselines)
    finally:
        store.close()


def analysis(db: str, repeat: int, n_perm: int) -> dict[str, Any]:
    from partychain.storage.embedded import EmbeddedStore

    from . import analysis as bench_analysis

    store = EmbeddedStore(Path(db))
    try:
        return bench_analysis.run(store, repeat=repeat, n_perm=n_perm)
    finally:
        store.close()


def engine_queries(spec: dict[str, str], ledger: str, quick: bool) -> dict[str, Any]:
    """The query benchmark (graph families and every named query, no pandas) on either engine."""
    from partychain.storage.base import GraphStore

    from . import queries as bench_queries

    store: GraphStore
    if spec["engine"] == "neo4j":
        from partychain.storage.neo4j import Neo4jStore

        store = Neo4jStore(spec["uri"], password=spec["password"], personal_dir=Path(spec["personal_dir"]))
    else:
        from partychain.storage.embedded import EmbeddedStore

        store = EmbeddedStore(Path(spec["db"]), buffer_pool_mb=int(spec.get("buffer_pool_mb") or 0))
    try:
        return bench_queries.run(store, Path(ledger), quick=quick, pandas_baseline=False)
    finally:
        store.close()
