"""The industry chain, record by record (researcher or officer): chains, gaps, pairings, model instances."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from partychain import services

from .deps import PersonalDep, ResearcherDep, ScopeQuery, StoreDep
from .paging import PageDep, page_of
from .personal import NAME_FIELD, PersonalReader
from .problems import problem_responses
from .routing import ApiRoute
from .schemas import Chains, GapPage, ModelInstances, Pairings

router = APIRouter(route_class=ApiRoute, tags=["linkage"],
                   responses=problem_responses(400, 401, 403, 404, 422, 429, 503))

GapKind = Literal[services.GAP_KINDS]  # type: ignore[valid-type]
ModelName = Literal[services.MODELS]  # type: ignore[valid-type]


def labelled(items: list[dict[str, Any]], labels: tuple[str, ...],
             personal: PersonalReader | None = None) -> list[dict[str, Any]]:
    """The records of a list whose query declares ``labels`` (its ``records:`` header line), with ``_label`` set:
    the one label, or, in a list of several, the one its ``type`` column names (the label in lower case).
    Records of people get their name joined from the personal-data store (``personal``), which their
    response type then masks unless the caller is an officer.
    """
    if not labels:
        raise ValueError("the list's query declares no `records:` header line")
    by_type = {lb.lower(): lb for lb in labels}
    out = [{"_label": labels[0] if len(labels) == 1 else by_type[i["type"]], **i} for i in items]
    for label in labels:
        if label in NAME_FIELD:
            if personal is None:
                raise TypeError(f"records of {label} name people: pass the request's PersonalReader")
            named = iter(personal.with_names([r for r in out if r["_label"] == label], label))
            out = [next(named) if r["_label"] == label else r for r in out]
    return out


@router.get("/households/{household_id}/chains", response_model=Chains)
def household_chains(household_id: Annotated[str, Path(max_length=64, examples=["HH-520628-000002"])],
                     store: StoreDep, page: PageDep, _: ResearcherDep) -> Chains:
    """Who leads a household: member → base → cooperative/company → branch → general branch → joint committee.

    One chain per distinct path; where a chain breaks, the rest of it is null.  A household no
    member drives has no chains; an unknown household is a 404.
    """
    paged = page_of(services.household_chains(store, household_id), page, store=store, name="chains",
                    household_id=household_id)
    return Chains.model_validate({"household_id": household_id, "chains": paged.pop("items"), **paged})


@router.get("/gaps", response_model=GapPage)
def gaps(scope: ScopeQuery, kind: Annotated[GapKind, Query(description="which gap to list")],
         store: StoreDep, personal: PersonalDep, page: PageDep, _: ResearcherDep) -> GapPage:
    """Where the chain is broken: the records behind a coverage metric's shortfall, paged.

    Records of households and members carry the person's `name` (the head of household's for
    households): masked unless the caller is an officer, whose read is audited.
    """
    services.check_scope(store, scope)
    result = services.gaps(store, scope, kind, limit=page.limit, cursor=page.cursor)
    result["items"] = labelled(result["items"], (services.gap_record_label(kind),), personal)
    return GapPage.model_validate({"scope": scope, "kind": kind, **result})


@router.get("/pairings", response_model=Pairings)
def pairings(village: Annotated[str, Query(max_length=32, description="village code (12 digits)",
                                           examples=["520628101001"])],
             store: StoreDep, _: ResearcherDep) -> Pairings:
    """Strong-weak village pairings (强村带弱村) of a village, both ways (`_detail`: names, since, kind)."""
    p = services.pairings(store, village)
    return Pairings.model_validate({
        "village": p["village"], "as_strong": [x["code"] for x in p["as_strong"]],
        "as_weak": [x["code"] for x in p["as_weak"]], "as_strong_detail": p["as_strong"],
        "as_weak_detail": p["as_weak"]})


@router.get("/models/{model}/instances", response_model=ModelInstances)
def model_instances(model: ModelName, scope: ScopeQuery, store: StoreDep, page: PageDep,
                    _: ResearcherDep) -> ModelInstances:
    """The instances of one linkage model in a division, paged."""
    services.check_scope(store, scope)
    result = services.model_instances(store, scope, model, limit=page.limit, cursor=page.cursor)
    return ModelInstances.model_validate({"scope": scope, "model": model, **result})
