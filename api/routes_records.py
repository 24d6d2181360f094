"""Organizations, cooperatives, villages, village search and industry totals (researcher or officer)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from partychain import linkage
from partychain.graph_model import PARTY_ORG_LABELS

from .access_log import request_context
from .deps import ResearcherDep, ScopeQuery, StoreDep
from .paging import PageDep, page_of
from .problems import problem_responses
from .routing import LABELS_KEY, MaskingRoute
from .schemas import (
    CooperativeDetail,
    DownstreamPage,
    Industries,
    OrgDetail,
    OrgDownstream,
    OrgTree,
    VillageDetail,
    VillagePage,
)

router = APIRouter(route_class=MaskingRoute, tags=["records"],
                   responses=problem_responses(400, 401, 403, 404, 422, 429, 503))

OrgId = Annotated[str, Path(max_length=64, description="party organization id", examples=["JC-520628-01"])]
Entity = Literal[linkage.ORG_DOWNSTREAM_ENTITIES]  # type: ignore[valid-type]
ORGS = list(PARTY_ORG_LABELS)

# What the records of each downstream list are, for masking.  Household records name the head of
# household `name`, so they get no label and are masked by every label's flags together.
DOWNSTREAM_LABELS: dict[str, list[str]] = {"units": ["Cooperative", "Company"], "bases": ["Base"],
                                           "members": ["PartyMember"]}


@router.get("/orgs/{org_id}", response_model=OrgDetail, openapi_extra={LABELS_KEY: {"": ORGS}})
def org(org_id: OrgId, store: StoreDep, _: ResearcherDep) -> dict[str, Any]:
    """A party organization: level, kind, seat, parent, secretary, covered villages, units it runs or leads."""
    return linkage.org(store, org_id)


@router.get("/orgs/{org_id}/downstream", response_model=OrgDownstream)
def org_downstream(org_id: OrgId, store: StoreDep, _: ResearcherDep) -> dict[str, Any]:
    """Everything downstream of an organization, counted: sub-organizations, units, bases, members, households.

    The records behind each count: `/orgs/{org_id}/downstream/{entity}`.
    """
    return linkage.org_downstream(store, org_id)


@router.get("/orgs/{org_id}/downstream/{entity}", response_model=DownstreamPage)
def org_downstream_items(org_id: OrgId, entity: Entity, request: Request, store: StoreDep, page: PageDep,
                         _: ResearcherDep) -> dict[str, Any]:
    """The units (cooperatives, companies), bases, members or households downstream of an organization, paged."""
    if entity in DOWNSTREAM_LABELS:
        request_context(request.scope)["record_labels"] = {"items": DOWNSTREAM_LABELS[entity]}
    result = linkage.org_downstream_items(store, org_id, entity, limit=page.limit, cursor=page.cursor)
    return {"id": org_id, "entity": entity, **result}


@router.get("/orgs/{org_id}/tree", response_model=OrgTree, openapi_extra={LABELS_KEY: {"items": ORGS}})
def org_tree(org_id: OrgId, store: StoreDep, page: PageDep, _: ResearcherDep) -> dict[str, Any]:
    """The organization and every organization under it, by depth then id, paged."""
    return {"id": org_id, **page_of(linkage.org_tree(store, org_id), page)}


@router.get("/cooperatives/{cooperative_id}", response_model=CooperativeDetail,
            openapi_extra={LABELS_KEY: {"": "Cooperative"}})
def cooperative(cooperative_id: Annotated[str, Path(max_length=64, examples=["CO-520628-0001"])],
                store: StoreDep, _: ResearcherDep) -> dict[str, Any]:
    """A cooperative: where it is, who runs or leads it, its chair, bases, contracts, shareholders, households."""
    return linkage.cooperative(store, cooperative_id)


@router.get("/villages/{code}", response_model=VillageDetail, openapi_extra={LABELS_KEY: {"": "Village"}})
def village(code: Annotated[str, Path(max_length=32, examples=["520628101001"])],
            store: StoreDep, _: ResearcherDep) -> dict[str, Any]:
    """A village: its town, collective income by year, what is located and lives in it, its pairings."""
    return linkage.village(store, code)


@router.get("/search", response_model=VillagePage, openapi_extra={LABELS_KEY: {"items": "Village"}})
def search(q: Annotated[str, Query(min_length=1, max_length=50, description="a fragment of a village or town name",
                                   examples=["盘石"])],
           store: StoreDep, page: PageDep, _: ResearcherDep) -> dict[str, Any]:
    """Villages whose name, or whose town's name, contains a (Chinese) fragment, paged in code order."""
    return linkage.search_villages(store, q, limit=page.limit, cursor=page.cursor)


@router.get("/industries", response_model=Industries, openapi_extra={LABELS_KEY: {"items": "Industry"}})
def industries(scope: ScopeQuery, store: StoreDep, page: PageDep, _: ResearcherDep) -> dict[str, Any]:
    """Per industry in a division: cooperatives, companies, bases, summed scale, households employed."""
    linkage.check_scope(store, scope)
    return {"scope": scope, **page_of(linkage.industry_totals(store, scope), page)}
