"""Graph storage behind one interface: the embedded engine (default) or a Neo4j server.

Both load through the one template of :meth:`GraphStore.load` and write through a
:class:`~partychain.storage.writer.GraphWriter` (``COPY`` on the embedded engine, batched ``UNWIND`` on
Neo4j); the third writer, :mod:`~partychain.storage.neo4j_admin`, writes neo4j-admin import files.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partychain.settings import Settings

    from .base import DatasetInfo, GraphStore
    from .result import QueryResult

__all__ = ["DatasetInfo", "GraphStore", "QueryResult", "open_store"]

# Imported on first use, not with the package: the embedded engine's query workers run
# ``python -m partychain.storage.sandbox``, which imports this package first, and a worker needs none of the
# stores, the settings or pandas (a pool of four starts on 1.7 CPU-seconds instead of 4.4 without them).
_LAZY = {"DatasetInfo": ".base", "GraphStore": ".base", "QueryResult": ".result"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: Settings | None = None, *, db: Path | None = None) -> GraphStore:
    """The configured store: Neo4j when ``PARTYCHAIN_NEO4J_URI`` is set (or engine=neo4j), else embedded.

    Nothing is connected until the first query.
    """
    from partychain.settings import get_settings

    settings = settings or get_settings()
    if settings.engine_name == "neo4j":
        from .neo4j import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from .embedded import EmbeddedStore
    from .sandbox import Limits

    return EmbeddedStore(db or settings.db, keep_versions=settings.keep_versions, query_workers=settings.query_workers,
                         worker_limits=Limits(memory_mb=settings.query_memory_mb),
                         buffer_pool_mb=settings.buffer_pool_mb)
