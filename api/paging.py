"""Pagination: ``limit`` and an opaque ``cursor`` on every list.

Lists the linkage functions page themselves pass the parameters through; lists that come whole
are cut here with the same cursors (:func:`partychain.linkage.encode_cursor`), so a client sees one
kind of cursor everywhere.  A cursor the API did not hand out is a 400.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query

from partychain.linkage import MAX_LIMIT, decode_cursor, encode_cursor

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]


def page_of(items: Sequence[Any], page: PageParams) -> dict[str, Any]:
    """One page of a whole list: ``{"items", "total", "next_cursor"}``.

    >>> p = page_of(list(range(5)), PageParams(limit=2, cursor=None))
    >>> p["items"], p["total"], page_of(list(range(5)), PageParams(2, p["next_cursor"]))["items"]
    ([0, 1], 5, [2, 3])
    """
    start = decode_cursor(page.cursor)
    end = start + page.limit
    return {"items": list(items[start:end]), "total": len(items),
            "next_cursor": encode_cursor(end) if end < len(items) else None}
