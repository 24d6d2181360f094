"""What the dashboard's pages read: divisions and their scorecards (aggregates, open to everyone), and
organizations, their units, cooperatives and the pairing network (researcher or officer)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from partychain import services
from partychain.services import scorecards

from .deps import ResearcherDep, StoreDep
from .paging import PageDep, page_of
from .problems import problem_responses
from .routes_linkage import labelled
from .routing import ApiRoute
from .schemas import CooperativePage, DivisionPage, OrgPage, OrgUnitPage, PairingNetwork, Scorecard, ScorecardChildren

router = APIRouter(route_class=ApiRoute, tags=["dashboard"],
                   responses=problem_responses(400, 401, 404, 422, 429, 503))
records = APIRouter(route_class=ApiRoute, tags=["dashboard"],
                    responses=problem_responses(400, 401, 403, 404, 422, 429, 503))

ScopePath = Annotated[str, Path(min_length=1, max_length=32, description="division code: 2 digits province, 4 "
                                "prefecture, 6 county, 9 town, 12 village", examples=["520628"])]
ScopeQuery = Annotated[str, Query(min_length=1, max_length=32, description="division code (2, 4, 6, 9 or 12 "
                                  "digits)", examples=["520628"])]
Fragment = Annotated[str, Query(max_length=50, description="a fragment of the name ('' for all)", examples=["盘信"])]


@router.get("/divisions", response_model=DivisionPage)
def divisions(store: StoreDep, page: PageDep, q: Fragment = "",
              scope: Annotated[str, Query(max_length=32, description="division code prefix ('' everywhere)",
                                          examples=["520628"])] = "",
              level: Annotated[Literal["", "county", "town", "village"],
                               Query(description="only this level ('' every level)")] = "") -> DivisionPage:
    """Counties, towns and villages by a fragment of their name, in code order (public names and codes)."""
    return DivisionPage.model_validate(scorecards.search_divisions(store, q, scope=scope, level=level,
                                                                   limit=page.limit, cursor=page.cursor))


@router.get("/scorecards/{scope}", response_model=Scorecard)
def scorecard(scope: ScopePath, store: StoreDep) -> Scorecard:
    """A division's scorecard: coverage, gap counts, organizations, cooperatives, bases, people, linkage models,
    collective income by year and pairings, all counted."""
    return Scorecard.model_validate(scorecards.scorecard(store, scope))


@router.get("/scorecards/{scope}/children", response_model=ScorecardChildren)
def scorecard_children(scope: ScopePath, store: StoreDep, page: PageDep) -> ScorecardChildren:
    """The towns of a county (villages of a town, counties of a province), each with its coverage and gap counts."""
    level = scorecards.CHILD_LEVEL.get(services.check_scope(store, scope)["level"])
    rows = scorecards.children(store, scope)
    return ScorecardChildren.model_validate({"scope": scope, "level": level,
                                             **page_of(rows, page, store=store, name="scorecard_children",
                                                       scope=scope)})


@records.get("/orgs", response_model=OrgPage)
def orgs(scope: ScopeQuery, store: StoreDep, page: PageDep, _: ResearcherDep, q: Fragment = "",
         roots: Annotated[bool, Query(description="only organizations under no other (the tops of the trees)")]
         = False) -> OrgPage:
    """Party organizations seated in a division, joint committees first, each with what is at or under it."""
    services.check_scope(store, scope)
    return OrgPage.model_validate({"scope": scope, **scorecards.orgs_in_scope(store, scope, q=q, roots=roots,
                                                                              limit=page.limit, cursor=page.cursor)})


@records.get("/orgs/{org_id}/units", response_model=OrgUnitPage)
def org_units(org_id: Annotated[str, Path(max_length=64, description="party organization id",
                                          examples=["JC-520628-01"])],
              store: StoreDep, page: PageDep, _: ResearcherDep) -> OrgUnitPage:
    """The cooperatives and companies of an organization's tree (committee → branches → cooperatives → bases),
    each under the organization that runs or leads it, with its bases."""
    result = scorecards.org_units(store, org_id, limit=page.limit, cursor=page.cursor)
    result["items"] = labelled(result["items"], scorecards.org_unit_labels())
    return OrgUnitPage.model_validate({"id": org_id, **result})


@records.get("/cooperatives", response_model=CooperativePage)
def cooperatives(scope: ScopeQuery, store: StoreDep, page: PageDep, _: ResearcherDep,
                 q: Fragment = "") -> CooperativePage:
    """Cooperatives located in a division by a fragment of their name, with the branch or committee over them."""
    services.check_scope(store, scope)
    return CooperativePage.model_validate({"scope": scope, **scorecards.search_cooperatives(
        store, scope, q=q, limit=page.limit, cursor=page.cursor)})


@records.get("/pairings/network", response_model=PairingNetwork)
def pairing_network(scope: ScopeQuery, store: StoreDep, _: ResearcherDep) -> PairingNetwork:
    """The strong/weak pairings (强村带弱村) touching a division, as a network (strong → weak), with each weak
    village's collective income before the pairing and in its latest year."""
    return PairingNetwork.model_validate(scorecards.pairing_network(store, scope))
