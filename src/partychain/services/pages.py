"""Pages of lists: paged named queries and lists computed whole, both with signed cursors (:mod:`.cursors`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from partychain.storage.base import GraphStore

from .cursors import decode_cursor, encode_cursor, list_identity
from .scopes import validate_limit, version_of

log = logging.getLogger(__name__)


def page_of(items: Sequence[Any], *, list_id: str, version: str, limit: int,
            cursor: str | None) -> dict[str, Any]:
    """One page of a list computed whole: ``{"items", "total", "next_cursor"}`` with signed cursors.

    >>> p = page_of(list(range(5)), list_id="x", version="v", limit=2, cursor=None)
    >>> p["items"], p["total"], page_of(list(range(5)), list_id="x", version="v", limit=2,
    ...                                  cursor=p["next_cursor"])["items"]
    ([0, 1], 5, [2, 3])
    """
    validate_limit(limit)
    start = decode_cursor(cursor, list_id=list_id, version=version)
    end = start + limit
    return {"items": list(items[start:end]), "total": len(items),
            "next_cursor": encode_cursor(end, list_id=list_id, version=version) if end < len(items) else None}


def page_of_slice(read: Callable[[int, int], list[Any]], total: int, *, list_id: str, version: str, limit: int,
                  cursor: str | None) -> dict[str, Any]:
    """One page of a list held in an index: ``read(offset, limit)`` gives its items, ``total`` its length.

    The same page and cursors as :func:`page` gives for the named query of the list (same ``list_id``).

    >>> p = page_of_slice(lambda o, n: list(range(5))[o:o + n], 5, list_id="x", version="v", limit=2, cursor=None)
    >>> p["items"], p["total"], page_of_slice(lambda o, n: list(range(5))[o:o + n], 5, list_id="x", version="v",
    ...                                        limit=2, cursor=p["next_cursor"])["items"]
    ([0, 1], 5, [2, 3])
    """
    validate_limit(limit)
    offset = decode_cursor(cursor, list_id=list_id, version=version)
    items = read(offset, limit) if offset < total else []
    end = offset + len(items)
    nxt = encode_cursor(end, list_id=list_id, version=version) if items and end < total else None
    return {"items": items, "total": total, "next_cursor": nxt}


def page(store: GraphStore, query: str, params: Mapping[str, Any], *, limit: int,
          cursor: str | None) -> dict[str, Any]:
    """One page of a paged named query (one with ``$skip``, ``$limit`` and a ``total`` column).

    The offset comes only from a cursor this list handed out for this graph version, so it is always
    below the list's total: the engine never skips past the end (see :mod:`partychain.services.cursors`).
    """
    validate_limit(limit)
    list_id, version = list_identity(query, **params), version_of(store)
    offset = decode_cursor(cursor, list_id=list_id, version=version)
    rows = store.named(query, **params, skip=offset, limit=limit).records()
    total = int(rows[0]["total"]) if rows else 0
    items = [{k: v for k, v in r.items() if k != "total"} for r in rows]
    end = offset + len(items)
    log.debug("%s %s: %d of %d from %d", query, dict(params), len(items), total, offset)
    nxt = encode_cursor(end, list_id=list_id, version=version) if items and end < total else None
    return {"items": items, "total": total, "next_cursor": nxt}
