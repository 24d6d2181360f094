"""Arguments of the query services: scopes (division codes), ids, page sizes, and the graph version.

Checked before any query runs: a malformed argument is :class:`~partychain.errors.InvalidArgument`.
"""

from __future__ import annotations

import logging
from typing import Any

from partychain.errors import InvalidArgument, NotFound
from partychain.graph_model.codes import LEVEL_OF_LENGTH, describe, level_of
from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

MAX_LIMIT = 1000


def validate_scope(scope: str) -> str:
    """``scope`` if it is shaped like a division code, else :class:`InvalidArgument` (no query).

    >>> validate_scope("520628")
    '520628'
    >>> validate_scope("52062")
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: scope '52062' is not a division code: digits only, 2, 4, 6, 9 or 12 of them
    """
    if level_of(scope) is None:
        raise InvalidArgument(f"scope {str(scope)[:40]!r} is not a division code: {describe()}")
    return scope


def validate_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(f"limit must be an integer from 1 to {MAX_LIMIT}, not {limit!r}")
    return limit


def validate_village_code(code: str) -> str:
    if level_of(code) != "village":
        raise InvalidArgument(f"{str(code)[:40]!r} is not a village code (12 digits)")
    return code


def validate_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise InvalidArgument(f"{what} must be a non-empty string of at most 64 characters, not {str(value)[:70]!r}")
    return value


def version_of(store: GraphStore) -> str:
    """The version id of the graph ``store`` serves (what cursors are bound to)."""
    info = store.dataset()
    return info.version if info is not None else ""


def one(store: GraphStore, query: str, what: str, **params: Any) -> dict[str, Any]:
    rows = store.named(query, **params).records()
    if not rows:
        raise NotFound(what)
    if len(rows) > 1:
        log.warning("%s returned %d rows for %s; using the first", query, len(rows), params)
    return rows[0]


def check_scope(store: GraphStore, scope: str, *, live: bool = False) -> dict[str, Any]:
    """The division a scope code names: ``{"code", "name", "level", "kind"}``.

    Answered from the derived index of the graph version (:meth:`DerivedIndex.division
    <partychain.storage.derived.DerivedIndex.division>`: no query per request); with ``live``, or on a
    store without one, by the queries ``get_division`` and ``count_divisions_in_scope``.

    :class:`InvalidArgument` for a malformed code, :class:`NotFound` for one the graph does
    not hold.  A province or prefecture prefix ('52', '5206') is known when some county,
    town or village code starts with it; it has no name in the graph.

    >>> from partychain.testing import mini_store
    >>> check_scope(mini_store(), "520628101")
    {'code': '520628101', 'name': '盘石镇', 'level': 'town', 'kind': 'town'}
    >>> check_scope(mini_store(), "52")
    {'code': '52', 'name': None, 'level': 'province', 'kind': None}
    >>> check_scope(mini_store(), "520628999")
    Traceback (most recent call last):
    ...
    partychain.errors.NotFound: no division 520628999 in the graph
    """
    validate_scope(scope)
    level = LEVEL_OF_LENGTH[len(scope)]
    index = None if live else store.derived()
    if level in ("province", "prefecture"):
        if index is not None:
            known = index.has_divisions_under(scope)
        else:
            known = any(store.named("count_divisions_in_scope", scope=scope).records()[0].values())
        if not known:
            raise NotFound(f"no division under {scope} in the graph")
        return {"code": scope, "name": None, "level": level, "kind": None}
    if index is not None:
        found = index.division(scope)
    else:
        rows = store.named("get_division", code=scope).records()
        found = dict(rows[0]) if rows else None
    if found is None:
        raise NotFound(f"no division {scope} in the graph")
    return found
