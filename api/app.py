"""The FastAPI application: ``create_app()`` (also the uvicorn factory).

    uvicorn --factory partychain.api.app:create_app

The store is opened once per app (default: :func:`partychain.storage.open_store` from the
settings); the embedded engine keeps a connection per thread and follows its ``current`` link
on every call, so a new load is served without a restart.  Endpoints are sync functions: the
engine blocks, and FastAPI runs them in its thread pool.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

import partychain
from partychain.settings import Settings, get_settings
from partychain.storage import open_store
from partychain.storage.base import GraphStore

from . import (
    routes_aggregates,
    routes_cypher,
    routes_dashboard,
    routes_exports,
    routes_linkage,
    routes_meta,
    routes_records,
    routes_session,
)
from .access_log import AccessLogMiddleware
from .audit import AuditLog
from .auth import FailureLimiter, KeyRing, RateLimiter
from .dashboard import mount_dashboard
from .deps import current_role
from .endpoint_table import anonymous_paths, api_routes
from .limits import BodyLimitMiddleware
from .problems import PROBLEM_JSON, FieldError, Problem, ValidationProblem, install_handlers
from .query_slots import QuerySlots
from .routing import ApiRoute

log = logging.getLogger(__name__)

PREFIX = "/api/v1"

DESCRIPTION = """\
Ledgers of rural party building along the industry chain (联合建党委、支部办合作社、合作社建基地、
基地联党员、党员带农户), as a graph researchers and officers can question.

**Access.** Send `Authorization: Bearer KEY`. Without a key you are *anonymous* and see aggregates
only (ANONYMOUS_PATHS), at a limited rate per address. A
*researcher* key adds records — with personal fields masked (names `张*`, ID numbers
`999999**********12`, phones `138****5678`) — and `POST /cypher`. An *officer* key sees personal
fields unmasked (every such read is written to an audit log) and may search people by name
(`/people`). The graph itself holds no personal data: names, ID numbers and phones are kept apart,
by id, and only these endpoints join them. An unknown key is answered 401, a role that may not 403;
too many failed keys, or anonymous requests, from one address 429 with `Retry-After`.

**Errors** are `application/problem+json` (`type`, `title`, `status`, `detail`, `instance`,
`request_id`). Every response carries `X-Request-ID` (send your own to correlate).

**Lists** take `limit` and `cursor`; pass a page's `next_cursor` to get the next one.
"""


def create_app(store: GraphStore | None = None, settings: Settings | None = None, *,
               query_slots: int = 4, auth_failures_per_minute: int = 10) -> FastAPI:
    """The API over ``store`` (default: the configured store, opened now and closed on shutdown)."""
    settings = settings or get_settings()
    keys = KeyRing.from_settings(settings)
    owned = store is None
    graph = store if store is not None else open_store(settings)
    if not len(keys):
        log.warning("no API keys configured: only anonymous (aggregate) access is possible")

    slots = QuerySlots(query_slots)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:  # the embedded engine starts its query workers now, not on the first researcher query
            await anyio.to_thread.run_sync(graph.prepare_readonly)
        except Exception as e:  # researcher queries will say what is wrong; everything else still works
            log.warning("could not prepare researcher queries: %s", e)
        yield
        if owned:  # let running researcher queries end (or give up on them) before closing the store
            if not slots.wait_idle(settings.query_timeout_s + 5):
                log.warning("closing the store with researcher queries still running")
            graph.close()

    app = FastAPI(
        title="partychain API", version=partychain.__version__, description=DESCRIPTION,
        lifespan=lifespan, dependencies=[Depends(current_role)],
        docs_url="/docs", redoc_url=None, openapi_url=f"{PREFIX}/openapi.json",
    )
    app.state.store = graph
    app.state.settings = settings
    app.state.keys = keys
    app.state.auth_failures = FailureLimiter(max_failures=auth_failures_per_minute, window_s=60.0)
    app.state.query_slots = slots
    app.state.anonymous_rate = RateLimiter(rate=settings.anonymous_rate, burst=settings.anonymous_burst)
    app.state.audit = AuditLog(settings.audit_log or _audit_default(graph))

    install_handlers(app)
    app.add_middleware(BodyLimitMiddleware)  # inside the access log: a refused body is logged too
    app.add_middleware(AccessLogMiddleware)
    for module in (routes_meta, routes_aggregates, routes_linkage, routes_records, routes_cypher):
        app.include_router(module.router, prefix=PREFIX)
    # the dashboard's reads, downloads and sessions (api/routes_dashboard.py, routes_exports.py, routes_session.py)
    for router in (routes_dashboard.router, routes_dashboard.records, routes_exports.router, routes_session.router):
        app.include_router(router, prefix=PREFIX)
    mount_dashboard(app)  # the web app at / (api/dashboard.py)
    app.description = DESCRIPTION.replace(  # stated once: read from the routes' dependencies
        "ANONYMOUS_PATHS", ", ".join(f"`{p}`" for p in anonymous_paths(app, PREFIX)))
    plain = [path for path, _methods, r in api_routes(app) if not isinstance(r, ApiRoute)]
    if plain:  # every endpoint answers with only the fields its records have
        raise RuntimeError(f"routes without ApiRoute: {plain}")
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _audit_default(store: GraphStore) -> Path | None:
    if store.local_dir is None:
        log.warning("no audit log file: set PARTYCHAIN_AUDIT_LOG; officers' reads are logged on partychain.audit only")
        return None
    return store.local_dir / "audit.jsonl"


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with every error answered as problem+json (its default 422 replaced)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, FieldError, ValidationProblem):
        defs = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(defs.pop("$defs", {}))
        components[model.__name__] = defs
    ref = {"$ref": "#/components/schemas/ValidationProblem"}
    for path in schema.get("paths", {}).values():
        for op in path.values():
            if "422" in op.get("responses", {}):
                op["responses"]["422"] = {"description": "Unprocessable Content",
                                          "content": {PROBLEM_JSON: {"schema": ref}}}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema
