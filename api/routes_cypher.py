"""Researcher Cypher: read-only, time-limited, row-capped; the graph it reads holds no personal data."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from partychain.errors import (
    BadParameters,
    QueryCrashed,
    QueryError,
    QueryResourceExceeded,
    QueryTimeout,
    QueryTooComplex,
    QueryTooLarge,
    ReadOnlyViolation,
    SlotsBusy,
    StatementNotAllowed,
)

from .deps import ResearcherDep, SettingsDep, StoreDep
from .problems import ApiError, problem_responses
from .query_slots import QuerySlots
from .routing import ApiRoute
from .schemas import CypherRequest, CypherResult

router = APIRouter(route_class=ApiRoute, tags=["cypher"],
                   responses=problem_responses(400, 401, 403, 404, 413, 422, 429, 503, 504))

# refusals of the store's guard and its workers: answered as problems.py maps them (403, 400, 413)
_REFUSALS = (QueryTimeout, ReadOnlyViolation, StatementNotAllowed, QueryTooComplex, QueryTooLarge, BadParameters,
             QueryCrashed, QueryResourceExceeded)

_DETAIL_MAX = 2_000


def jsonable(v: Any) -> Any:
    """Engine values JSON cannot hold as they are (NaN, intervals, blobs, UUIDs) → JSON-friendly ones.

    >>> jsonable([float("nan"), b"ab", {"x": dt.timedelta(days=1)}])
    ['NaN', '6162', {'x': '1 day, 0:00:00'}]
    """
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, bytes | bytearray):
        return bytes(v).hex()
    if isinstance(v, dt.date | dt.datetime | dt.time):
        return v.isoformat()
    return str(v)


@router.post("/cypher", response_model=CypherResult)
def run_cypher(body: CypherRequest, request: Request, store: StoreDep, settings: SettingsDep,
               _: ResearcherDep) -> Response:
    """Run read-only Cypher against the graph (researcher or officer).

    The engine itself refuses writes (403 `read-only`); reading or writing server files, engine
    settings and non-schema procedures are refused before the query runs (403
    `statement-not-allowed`), as are shapes that would stall the engine's parser (400
    `query-too-complex`) and oversized parameters (413 `query-too-large`).  A query is cut at the
    time limit (504 `query-timeout`) and its rows at the row cap (`truncated: true`); on the embedded
    engine it runs in a worker process with a memory limit (400 `query-too-expensive` past it).
    The row cap counts the elements of returned lists and maps too (`collect(...)`).
    The graph holds no personal data (names, ID numbers and phones are kept apart, by id), so
    nothing a query returns, or an error echoes, can carry any.
    """
    slots: QuerySlots = request.app.state.query_slots
    timeout_s, max_rows = settings.query_timeout_s, settings.query_max_rows
    try:
        result, truncated = slots.run(
            lambda: store.run_readonly(body.query, body.parameters, timeout_s=timeout_s, max_rows=max_rows),
            timeout_s=timeout_s)
    except SlotsBusy as e:
        raise ApiError(503, "busy", "every researcher-query slot is busy; try again shortly",
                       headers={"Retry-After": str(max(1, math.ceil(timeout_s)))}) from e
    except _REFUSALS:
        raise
    except QueryError as e:
        raise ApiError(400, "cypher-error", str(e)[:_DETAIL_MAX]) from e
    except (TypeError, ValueError, OverflowError) as e:
        raise ApiError(400, "cypher-parameters", f"the engine cannot take these parameters: {e}"[:_DETAIL_MAX]) from e
    # Rendered here, on the request's worker thread: a large answer never holds up the event loop.
    body_bytes = json.dumps({"columns": result.columns, "rows": jsonable(result.rows), "truncated": truncated},
                            ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(body_bytes, media_type="application/json")
