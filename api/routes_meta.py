"""Health and statistics: open to anonymous callers."""

from __future__ import annotations

from fastapi import APIRouter, Request

from partychain.errors import PartychainError
from partychain.storage.base import DatasetInfo

from .deps import StoreDep
from .problems import ApiError, problem_responses
from .routing import ApiRoute
from .schemas import DatasetSummary, Health, Stats, Versions

router = APIRouter(route_class=ApiRoute, tags=["meta"], responses=problem_responses(401, 429))


@router.get("/health", response_model=Health, responses=problem_responses(503))
def health(request: Request) -> Health:
    """Whether the graph answers a real query (503 when it cannot: nothing loaded, broken files)."""
    try:
        with request.app.state.store.pinned() as store:  # not StoreDep: a store that cannot open is an answer here
            villages = store.named("check_health").scalar()
            info = store.dataset()
    except PartychainError as e:
        raise ApiError(503, "unhealthy", f"the graph cannot answer: {type(e).__name__}",
                       headers={"Retry-After": "10"}) from e
    return Health(status="ok", villages=int(villages or 0), dataset_version=info.version if info else None)


@router.get("/stats", response_model=Stats, responses=problem_responses(404, 503))
def stats(store: StoreDep) -> Stats:
    """Nodes per label, relationships per type, and which dataset is loaded since when."""
    nodes, rels = store.counts()
    info = store.dataset()
    summary = None
    if info is not None:
        summary = _summary(info)
    return Stats(nodes=nodes, relationships=rels, dataset=summary)


def _summary(info: DatasetInfo) -> DatasetSummary:
    return DatasetSummary(year=info.year, as_of=info.as_of, version=info.version, loaded_at=info.loaded_at,
                          engine=info.engine, fingerprint=info.fingerprint, warnings=info.warnings)


@router.get("/versions", response_model=Versions, responses=problem_responses(503))
def versions(request: Request) -> Versions:
    """The dataset versions kept, one per ledger year, oldest first; every endpoint reads the latest unless asked
    for another with ``?year=``."""
    store = request.app.state.store
    latest = store.dataset()
    return Versions(versions=[_summary(v) for v in store.versions()], default=latest.version if latest else None)
