"""Organizations, cooperatives, villages, people, search and industry totals (researcher or officer)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from partychain import services
from partychain.services.cursors import decode_cursor, encode_cursor, list_identity

from .deps import OfficerDep, PersonalDep, ResearcherDep, ScopeQuery, StoreDep
from .paging import PageDep, page_of
from .problems import problem_responses
from .routes_linkage import labelled
from .routing import ApiRoute
from .schemas import (
    ActivityDays,
    CooperativeDetail,
    DownstreamPage,
    HouseholdRecord,
    Industries,
    MemberRecord,
    OrgDetail,
    OrgDownstream,
    OrgTree,
    PeoplePage,
    Record,
    VillageDetail,
    VillagePage,
)

router = APIRouter(route_class=ApiRoute, tags=["records"],
                   responses=problem_responses(400, 401, 403, 404, 422, 429, 503))

OrgId = Annotated[str, Path(max_length=64, description="party organization id", examples=["JC-520628-01"])]
Entity = Literal[services.ORG_DOWNSTREAM_ENTITIES]  # type: ignore[valid-type]


@router.get("/orgs/{org_id}", response_model=OrgDetail)
def org(org_id: OrgId, store: StoreDep, _: ResearcherDep) -> Record:
    """A party organization: level, kind, seat, parent, secretary, covered villages, units it runs or leads."""
    return OrgDetail.model_validate(services.org(store, org_id))


@router.get("/orgs/{org_id}/downstream", response_model=OrgDownstream)
def org_downstream(org_id: OrgId, store: StoreDep, _: ResearcherDep) -> OrgDownstream:
    """Everything downstream of an organization, counted: sub-organizations, units, bases, members, households.

    The records behind each count: `/orgs/{org_id}/downstream/{entity}`.
    """
    return OrgDownstream.model_validate(services.org_downstream(store, org_id))


@router.get("/orgs/{org_id}/downstream/{entity}", response_model=DownstreamPage)
def org_downstream_items(org_id: OrgId, entity: Entity, store: StoreDep, personal: PersonalDep, page: PageDep,
                         _: ResearcherDep) -> DownstreamPage:
    """The units (cooperatives, companies), bases, members or households downstream of an organization, paged.

    Members and households carry the person's `name`: masked unless the caller is an officer, whose
    read is audited.
    """
    result = services.org_downstream_items(store, org_id, entity, limit=page.limit, cursor=page.cursor)
    result["items"] = labelled(result["items"], services.downstream_record_labels(entity), personal)
    return DownstreamPage.model_validate({"id": org_id, "entity": entity, **result})


@router.get("/orgs/{org_id}/tree", response_model=OrgTree)
def org_tree(org_id: OrgId, store: StoreDep, page: PageDep, _: ResearcherDep) -> OrgTree:
    """The organization and every organization under it, by depth then id, paged."""
    return OrgTree.model_validate({"id": org_id, **page_of(services.org_tree(store, org_id), page, store=store,
                                                           name="org_tree", org_id=org_id)})


@router.get("/cooperatives/{cooperative_id}", response_model=CooperativeDetail)
def cooperative(cooperative_id: Annotated[str, Path(max_length=64, examples=["CO-520628-0001"])],
                store: StoreDep, _: ResearcherDep) -> Record:
    """A cooperative: where it is, who runs or leads it, its chair, bases, contracts, shareholders, households."""
    return CooperativeDetail.model_validate(services.cooperative(store, cooperative_id))


@router.get("/villages/{code}", response_model=VillageDetail)
def village(code: Annotated[str, Path(max_length=32, examples=["520628101001"])],
            store: StoreDep, _: ResearcherDep) -> Record:
    """A village: its town, collective income by year, what is located and lives in it, its pairings."""
    return VillageDetail.model_validate(services.village(store, code))


@router.get("/households/{household_id}", response_model=HouseholdRecord)
def household(household_id: Annotated[str, Path(max_length=64, examples=["HH-520628-000001"])],
              store: StoreDep, personal: PersonalDep, _: ResearcherDep) -> Record:
    """A household: size, poverty registry, village, the members who drive it, the cooperatives it joined,
    and its head's name, ID number and phone (personal: masked unless the caller is an officer, whose read
    is audited)."""
    rec = services.household(store, household_id)
    return HouseholdRecord.model_validate({**rec, **personal.fetch("Household", [household_id]).get(household_id,
                                                                                                    {})})


@router.get("/members/{member_id}", response_model=MemberRecord)
def member(member_id: Annotated[str, Path(max_length=64, examples=["PM-520628-00001"])],
           store: StoreDep, personal: PersonalDep, _: ResearcherDep) -> Record:
    """A party member: gender, years, roles, branch, village, linked bases, households driven, and the member's
    name and phone (personal: masked unless the caller is an officer, whose read is audited)."""
    rec = services.member(store, member_id)
    return MemberRecord.model_validate({**rec, **personal.fetch("PartyMember", [member_id]).get(member_id, {})})


@router.get("/people", response_model=PeoplePage)
def people(q: Annotated[str, Query(min_length=2, max_length=32, description="part of a name (at least two "
                                   "characters), or a whole ID number or phone number")],
           store: StoreDep, personal: PersonalDep, page: PageDep, _: OfficerDep) -> PeoplePage:
    """Households and party members found by name, ID number or phone (officers only; every read is audited)."""
    version = services.version_of(store)
    list_id = list_identity("people", q=q)
    offset = decode_cursor(page.cursor, list_id=list_id, version=version)
    rows, total = personal.search(q, limit=page.limit, offset=offset)
    end = offset + len(rows)
    items = [{"_label": r.pop("label"), **r} for r in rows]
    return PeoplePage.model_validate({
        "items": items, "total": total,
        "next_cursor": encode_cursor(end, list_id=list_id, version=version) if rows and end < total else None})


@router.get("/activity-days", response_model=ActivityDays)
def activity_days(scope: ScopeQuery, store: StoreDep, _: ResearcherDep,
                  year: Annotated[int | None, Query(ge=1921, le=2100, description="the year (default: the latest "
                                                    "with an activity day in the division)")] = None) -> ActivityDays:
    """Which party branches seated in a division held their monthly activity day (党员活动日) in every month of a
    year, with the months each held one in."""
    services.check_scope(store, scope)
    return ActivityDays.model_validate({"scope": scope, **services.activity_days(store, scope, year=year)})


@router.get("/search", response_model=VillagePage)
def search(q: Annotated[str, Query(min_length=1, max_length=50, description="a fragment of a village or town name",
                                   examples=["盘石"])],
           store: StoreDep, page: PageDep, _: ResearcherDep) -> VillagePage:
    """Villages whose name, or whose town's name, contains a (Chinese) fragment, paged in code order."""
    return VillagePage.model_validate(services.search_villages(store, q, limit=page.limit, cursor=page.cursor))


@router.get("/industries", response_model=Industries)
def industries(scope: ScopeQuery, store: StoreDep, page: PageDep, _: ResearcherDep) -> Industries:
    """Per industry in a division: cooperatives, companies, bases, summed scale, households employed."""
    services.check_scope(store, scope)
    return Industries.model_validate({"scope": scope, **page_of(services.industry_totals(store, scope), page,
                                                                 store=store, name="industries", scope=scope)})
