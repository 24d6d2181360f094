"""The embedded engine's answers in the store's terms: result rows and one map of its errors.

Both paths that run Cypher on LadybugDB read their results and map its failures here — the store's
own process (:mod:`.embedded`: trusted named queries, and untrusted text when no worker processes are
configured) and the query workers (:mod:`.sandbox`: untrusted text) — so a row and an error have one
shape whichever path ran the query.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from partychain.errors import (
    PartychainError,
    QueryError,
    QueryResourceExceeded,
    QueryTimeout,
    ReadOnlyViolation,
    StoreBusy,
)
from partychain.graph_model import NODES, RELS, graph_properties_of

from .result import RowBudget, normalize_value

POOL_FULL = "buffer pool is full"
"""How the engine says its buffer pool (the query memory of the read handle) is full."""

OUT_OF_MEMORY = ("MemoryError", "bad_alloc", "Unable to allocate", POOL_FULL)
"""How a query worker says a query needs more memory than the worker may use (``MemoryError``: Python's own)."""


def strip_internal(row: list[Any]) -> list[Any]:
    """Turn ladybug node/relationship dicts into their label's properties only (``_label`` or ``_type`` added)."""
    out = []
    for v in row:
        if isinstance(v, dict) and "_LABEL" in v:
            label = v["_LABEL"]
            model = NODES.get(label) or RELS.get(label)
            keep = set(graph_properties_of(model)) if model else set()
            item = {k: x for k, x in v.items() if k in keep}
            item["_label" if label in NODES else "_type"] = label
            out.append(item)
        else:
            out.append(v)
    return out


def read_result(res: Any, max_rows: int | None = None) -> tuple[list[str], list[list[Any]], bool]:
    """Columns, rows (plain values, stripped nodes and relationships) and whether the row cap cut them.

    ``res`` is what ``Connection.execute`` returned (of several statements, the last one answers);
    ``max_rows`` is a :class:`~.result.RowBudget` (list elements count too), ``None`` for no cap.
    """
    if isinstance(res, list):  # several statements: the last one answers
        res = res[-1]
    columns = list(res.get_column_names())
    rows: list[list[Any]] = []
    budget = RowBudget(max_rows) if max_rows is not None else None
    while res.has_next():
        row: list[Any] | None = strip_internal([normalize_value(v) for v in res.get_next()])
        if budget is not None:
            row = budget.take(row)  # type: ignore[arg-type]
            if row is None:
                break
        rows.append(row)  # type: ignore[arg-type]
    res.close()
    return columns, rows, bool(budget and budget.cut)


def _plain(t: pa.DataType) -> bool:
    """Arrow types whose Python values are already the store's plain values (no dates, decimals or nodes)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _plain(t.value_type)
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t)
            or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_null(t))


def read_columns(res: Any) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of a whole result as :func:`read_result` gives them, read through Arrow: the engine
    converts column by column instead of a Python call per row (for large trusted answers: the derivation).

    Columns of dates, decimals, nodes or maps go through :func:`~.result.normalize_value` and
    :func:`strip_internal` as in :func:`read_result`.
    """
    if isinstance(res, list):
        res = res[-1]
    try:
        table = res.get_as_arrow(0)  # one chunk
    finally:
        res.close()
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        values = column.to_pylist()
        columns.append(values if _plain(field.type) else [normalize_value(v) for v in values])
    rows = [list(r) for r in zip(*columns, strict=True)]
    if not all(_plain(f.type) for f in table.schema):
        rows = [strip_internal(r) for r in rows]
    return list(table.column_names), rows


def engine_error(msg: str, *, timeout_s: float | None = None, memory_mb: int | None = None) -> PartychainError:
    """The store's error for an engine failure message.

    A trusted query (no ``timeout_s``) fails as :class:`~partychain.errors.StoreBusy` when the buffer
    pool is full (retryable, 503) and as :class:`~partychain.errors.QueryError` otherwise.  An
    untrusted query (run under ``timeout_s``) fails as :class:`~partychain.errors.QueryTimeout` when
    the engine interrupted it, :class:`~partychain.errors.ReadOnlyViolation` when it tried to write,
    :class:`~partychain.errors.QueryResourceExceeded` when it ran out of memory in a query worker
    (``memory_mb``, the worker's limit), else :class:`~partychain.errors.QueryError`.

    >>> type(engine_error("Buffer manager exception: buffer pool is full")).__name__
    'StoreBusy'
    >>> type(engine_error("Interrupted.", timeout_s=2)).__name__
    'QueryTimeout'
    >>> type(engine_error("std::bad_alloc", timeout_s=2, memory_mb=512)).__name__
    'QueryResourceExceeded'
    >>> type(engine_error("std::bad_alloc", timeout_s=2)).__name__
    'QueryError'
    """
    if timeout_s is None:
        if POOL_FULL in msg:
            return StoreBusy(f"the graph engine is out of query memory: {msg}")
        return QueryError(msg)
    if "Interrupted" in msg:
        return QueryTimeout(f"query cut off at the time limit of {timeout_s:g} s")
    if "read only" in msg.lower() or "read-only" in msg.lower():
        return ReadOnlyViolation(f"the graph is read-only on this path: {msg}")
    if memory_mb is not None and any(sign in msg for sign in OUT_OF_MEMORY):
        return QueryResourceExceeded(f"the query needs more memory than a query worker may use ({memory_mb} MB): {msg}")
    return QueryError(msg)
