"""Pagination: ``limit`` and an opaque, signed ``cursor`` on every list.

Lists that :mod:`partychain.services` pages itself get the parameters passed through; lists that come whole
are cut here with the same cursors (:mod:`partychain.services.cursors`: signed, bound to one list of one
graph version), so a client sees one kind of cursor everywhere.  A cursor the API did not hand
out for that list is a 400, before any query runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query

from partychain.services import MAX_LIMIT, version_of
from partychain.services import page_of as _page_of
from partychain.services.cursors import list_identity
from partychain.storage.base import GraphStore

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=64, description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]


def page_of(items: Sequence[Any], page: PageParams, *, store: GraphStore, name: str,
            **params: object) -> dict[str, Any]:
    """One page of a whole list named ``name`` with ``params``: ``{"items", "total", "next_cursor"}``."""
    return _page_of(items, list_id=list_identity(name, **params), version=version_of(store), limit=page.limit,
                    cursor=page.cursor)
