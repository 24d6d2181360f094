"""Answers kept per graph version: a version never changes (a load makes a new one), so an answer about
one stays true for as long as the version is served.

The key is (kind, engine, version, scope).  The engine is part of it because an embedded store and a
Neo4j server can serve the same version (``partychain neo4j import`` of an export keeps its version
id), and an answer from one must never stand in for the other: comparing them is how parity is checked.
Values are shared between callers: cache only values nobody mutates (or copy them on the way out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from partychain.services import scopes
from partychain.storage.base import GraphStore

T = TypeVar("T")

SIZE = 256
"""Answers kept (the least recently asked go first)."""

_CACHE: OrderedDict[tuple[str, str, str, str], Any] = OrderedDict()
_lock = threading.Lock()
_INFLIGHT: dict[tuple[str, str, str, str], threading.Lock] = {}


def memo(kind: str, store: GraphStore, scope: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept per (``kind``, the store's engine, its graph version, ``scope``).

    Callers asking for the same key at once wait for one computation.  An exception is not kept.

    >>> from partychain.testing import mini_store
    >>> calls = []
    >>> def answer() -> int:
    ...     calls.append(1)
    ...     return 42
    >>> store = mini_store()
    >>> memo("doctest", store, "52", answer), memo("doctest", store, "52", answer), len(calls)
    (42, 42, 1)
    """
    key = (kind, type(store).engine, scopes.version_of(store), scope)
    with _lock:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        computing = _INFLIGHT.setdefault(key, threading.Lock())
    with computing:
        with _lock:
            if key in _CACHE:
                return _CACHE[key]
        try:
            value = compute()
            with _lock:
                _CACHE[key] = value
                while len(_CACHE) > SIZE:
                    _CACHE.popitem(last=False)
        finally:
            with _lock:
                _INFLIGHT.pop(key, None)
    return value
