"""The industry chain, record by record (researcher or officer): chains, gaps, pairings, model instances."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from partychain import linkage

from .access_log import request_context
from .deps import ResearcherDep, ScopeQuery, StoreDep
from .paging import PageDep, page_of
from .problems import problem_responses
from .routing import LABELS_KEY, MaskingRoute
from .schemas import Chains, GapPage, ModelInstances, Pairings

router = APIRouter(route_class=MaskingRoute, tags=["linkage"],
                   responses=problem_responses(400, 401, 403, 404, 422, 429, 503))

GapKind = Literal[linkage.GAP_KINDS]  # type: ignore[valid-type]
ModelName = Literal[linkage.MODELS]  # type: ignore[valid-type]


@router.get("/households/{household_id}/chains", response_model=Chains)
def household_chains(household_id: Annotated[str, Path(max_length=64, examples=["HH-520628-000001"])],
                     store: StoreDep, page: PageDep, _: ResearcherDep) -> dict[str, Any]:
    """Who leads a household: member → base → cooperative/company → branch → general branch → joint committee.

    One chain per distinct path; where a chain breaks, the rest of it is null.  A household no
    member drives has no chains; an unknown household is a 404.
    """
    paged = page_of(linkage.household_chains(store, household_id), page)
    return {"household_id": household_id, "chains": paged.pop("items"), **paged}


@router.get("/gaps", response_model=GapPage)
def gaps(scope: ScopeQuery, kind: Annotated[GapKind, Query(description="which gap to list")],
         request: Request, store: StoreDep, page: PageDep, _: ResearcherDep) -> dict[str, Any]:
    """Where the chain is broken: the records behind a coverage metric's shortfall, paged.

    Household records name the head of household `name`; they are masked by every label's
    personal flags together (so `name` is masked for researchers).
    """
    linkage.check_scope(store, scope)
    label = linkage.GAP_RECORD_LABELS.get(kind)
    if label:
        request_context(request.scope)["record_labels"] = {"items": label}
    result = linkage.gaps(store, scope, kind, limit=page.limit, cursor=page.cursor)
    return {"scope": scope, "kind": kind, **result}


@router.get("/pairings", response_model=Pairings, openapi_extra={LABELS_KEY: {
    "as_strong_detail": ["Village", "PAIRED_WITH"], "as_weak_detail": ["Village", "PAIRED_WITH"]}})
def pairings(village: Annotated[str, Query(max_length=32, description="village code (12 digits)",
                                           examples=["520628101001"])],
             store: StoreDep, _: ResearcherDep) -> dict[str, Any]:
    """Strong-weak village pairings (强村带弱村) of a village, both ways (`_detail`: names, since, kind)."""
    p = linkage.pairings(store, village)
    return {"village": p["village"],
            "as_strong": [x["code"] for x in p["as_strong"]], "as_weak": [x["code"] for x in p["as_weak"]],
            "as_strong_detail": p["as_strong"], "as_weak_detail": p["as_weak"]}


@router.get("/models/{model}/instances", response_model=ModelInstances)
def model_instances(model: ModelName, scope: ScopeQuery, store: StoreDep, page: PageDep,
                    _: ResearcherDep) -> dict[str, Any]:
    """The instances of one linkage model in a division, paged."""
    linkage.check_scope(store, scope)
    result = linkage.model_instances(store, scope, model, limit=page.limit, cursor=page.cursor)
    return {"scope": scope, "model": model, **result}
