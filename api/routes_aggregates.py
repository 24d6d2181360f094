"""Aggregates, open to anonymous callers: coverage, linkage-model counts, reported vs computed figures, the collective
economy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from partychain import services
from partychain.services.figures import figures as compute_figures

from .deps import ResearcherDep, ScopeQuery, StoreDep
from .paging import PageDep, page_of
from .problems import problem_responses
from .routing import ApiRoute
from .schemas import Changes, Coverage, Economy, Figures, ModelCounts

router = APIRouter(route_class=ApiRoute, tags=["aggregates"],
                   responses=problem_responses(400, 401, 404, 422, 429, 503))


@router.get("/coverage", response_model=Coverage)
def coverage(scope: ScopeQuery, store: StoreDep) -> Coverage:
    """How much of the industry chain a party organization reaches in a division, metric by metric."""
    services.check_scope(store, scope)
    return Coverage.model_validate({"scope": scope, "metrics": services.coverage(store, scope)})


_YEAR = {"ge": 1900, "le": 2100, "examples": [2021]}


@router.get("/changes", response_model=Changes, responses=problem_responses(403))
def changes(
    request: Request, scope: ScopeQuery, _: ResearcherDep,
    from_: Annotated[int, Query(alias="from", description="the earlier ledger year", **_YEAR)],
    to: Annotated[int, Query(description="the later ledger year", **_YEAR)],
    limit: Annotated[int, Query(ge=0, le=100_000, description="ids listed per kind of change (counts are "
                                                              "complete)")] = 1000,
) -> Changes:
    """What changed in a division between two ledger years, matched by stable ids: organizations founded and
    dissolved, cooperatives newly run by a branch, bases newly linked, households newly driven or dropped,
    poverty exits with and without a complete chain, members' load, and coverage then and now for the
    division, its towns and villages.  404 naming the years loaded when either year is not loaded."""
    return Changes.model_validate(services.changes(request.app.state.store, scope=scope, from_year=from_, to_year=to,
                                                   limit=limit))


@router.get("/economy", response_model=Economy)
def economy(
    scope: ScopeQuery, store: StoreDep,
    hollow_below: Annotated[float, Query(ge=0, le=1e10, description=(
        "yuan under which a village is hollow (空壳村); default 50,000: the project's assumption (the source "
        "names no figure), the pairing analysis' weak-village threshold"))] = services.HOLLOW_BELOW,
) -> Economy:
    """The village collective economy of a division, year by year: income in total, from the chain (dividends on
    holdings in cooperatives and companies a party organization runs or leads) and other, by source, hollow
    villages (空壳村) and growth; per town, per linkage model and per village.  Aggregates: no personal data."""
    return Economy.model_validate(services.collective_economy(store, scope=scope, hollow_below=hollow_below))


@router.get("/models", response_model=ModelCounts)
def model_counts(scope: ScopeQuery, store: StoreDep) -> ModelCounts:
    """Instances of the four linkage models the county report names, counted in a division."""
    services.check_scope(store, scope)
    return ModelCounts.model_validate({"scope": scope, "counts": services.model_counts(store, scope)})


@router.get("/figures", response_model=Figures)
def figures(
    store: StoreDep, page: PageDep,
    scope: Annotated[str, Query(max_length=32, description="division code; empty for every reported scope",
                                examples=["520628"])] = "",
) -> Figures:
    """Published figures beside the values computed from the graph (match, mismatch, not computable)."""
    if scope:
        services.check_scope(store, scope)
    rows = compute_figures(store, scope=scope)
    return Figures.model_validate({"scope": scope, **page_of(rows, page, store=store, name="figures", scope=scope)})
