"""Records of the graph: cooperatives, villages, households, members, pairings, village search, industries.

The graph holds no personal data, so neither do these records; the API joins the personal-data store
by id where an answer names people.
"""

from __future__ import annotations

from typing import Any

from partychain.errors import InvalidArgument, NotFound
from partychain.storage.base import GraphStore

from .pages import page
from .scopes import one, validate_id, validate_scope, validate_village_code


def pairings(store: GraphStore, village_code: str, *, live: bool = False) -> dict[str, Any]:
    """A village's pairings (强村带弱村) both ways: those the load derived (:meth:`GraphStore.derived`); with
    ``live``, or on a store without a derived index, the query ``list_village_pairings`` (the reference).

    ``{"village": code, "as_strong": [...], "as_weak": [...]}``, each partner
    ``{"code", "name", "since", "kind"}`` in code order: ``as_strong`` lists the weak
    villages this one leads, ``as_weak`` the strong villages leading it.

    >>> from partychain.testing import mini_store
    >>> p = pairings(mini_store(), "520628101002")
    >>> p["as_strong"], p["as_weak"]
    ([], [{'code': '520628101001', 'name': '甲村', 'since': 2018, 'kind': 'strong_weak'}])
    """
    validate_village_code(village_code)
    index = None if live else store.derived()
    if index is not None:
        rows = index.pairings(village_code)
    elif store.named("get_division", code=village_code).rows:
        rows = store.named("list_village_pairings", village_code=village_code).records()
    else:
        rows = None
    if rows is None:
        raise NotFound(f"no village {village_code} in the graph")
    out: dict[str, Any] = {"village": village_code, "as_strong": [], "as_weak": []}
    for r in rows:
        out[r["role"]].append({"code": r["code"], "name": r["name"], "since": r["since"], "kind": r["kind"]})
    for role in ("as_strong", "as_weak"):
        out[role].sort(key=lambda x: x["code"])
    return out


def cooperative(store: GraphStore, coop_id: str) -> dict[str, Any]:
    """A cooperative's profile (query ``get_cooperative``); :class:`NotFound` for an unknown id.

    >>> from partychain.testing import mini_store
    >>> c = cooperative(mini_store(), "CO-1")
    >>> c["branch_id"], c["joint_committee_id"], c["industry_code"], c["bases"], c["households"]
    ('BR-2', None, 'tea', ['BS-1'], 1)
    """
    validate_id(coop_id, "coop_id")
    rec = one(store, "get_cooperative", f"no cooperative {coop_id!r}", cooperative_id=coop_id)
    for k in ("bases", "companies", "shareholders"):
        rec[k] = sorted(rec[k] or [])
    return rec


def village(store: GraphStore, code: str) -> dict[str, Any]:
    """A village's profile (query ``get_village``), incomes by year; :class:`NotFound` for an unknown code.

    >>> from partychain.testing import mini_store
    >>> v = village(mini_store(), "520628101001")
    >>> v["town_name"], v["incomes"], v["households"], v["pairings_as_strong"]
    ('盘石镇', [{'year': 2017, 'yuan': 300000}, {'year': 2020, 'yuan': 420000}], 2, 2)
    """
    validate_village_code(code)
    rec = one(store, "get_village", f"no village {code!r}", village_code=code)
    rec["incomes"] = sorted((i for i in rec["incomes"] or [] if i is not None), key=lambda i: i["year"])
    return rec


def household(store: GraphStore, household_id: str) -> dict[str, Any]:
    """A household's record in the graph (query ``get_household``): no personal data, which the personal-data
    store holds by id; :class:`NotFound` for an unknown id.

    >>> from partychain.testing import mini_store
    >>> h = household(mini_store(), "HH-1")
    >>> h["poor"], h["village_code"], h["driven_by"], h["cooperatives"]
    (True, '520628101001', ['PM-1'], ['CO-1'])
    """
    validate_id(household_id, "household_id")
    rec = one(store, "get_household", f"no household {household_id!r}", household_id=household_id)
    for k in ("driven_by", "cooperatives"):
        rec[k] = sorted(rec[k] or [])
    return rec


def member(store: GraphStore, member_id: str) -> dict[str, Any]:
    """A party member's record in the graph (query ``get_member``): no personal data, which the personal-data
    store holds by id; :class:`NotFound` for an unknown id.

    >>> from partychain.testing import mini_store
    >>> m = member(mini_store(), "PM-1")
    >>> m["org_id"], m["bases"], m["households"], m["roles"]
    ('BR-1', ['BS-1'], 1, ['lead_goose', 'policy_publicist'])
    """
    validate_id(member_id, "member_id")
    rec = one(store, "get_member", f"no party member {member_id!r}", member_id=member_id)
    rec["bases"] = sorted(rec["bases"] or [])
    return rec


def search_villages(store: GraphStore, q: str, *, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
    """Villages whose name, or whose town's name, contains ``q`` (query ``search_villages``), paged.

    Items are ``{"code", "name", "kind", "town_code", "town_name"}`` in code order.

    >>> from partychain.testing import mini_store
    >>> page = search_villages(mini_store(), "盘信")
    >>> [(v["name"], v["town_name"]) for v in page["items"]], page["total"]
    ([('丙村', '盘信镇'), ('丁社区', '盘信镇')], 2)
    """
    if not isinstance(q, str):
        raise InvalidArgument(f"q must be a string, not {q!r}")
    return page(store, "search_villages", {"q": q, "scope": ""}, limit=limit, cursor=cursor)


def industry_totals(store: GraphStore, scope: str) -> list[dict[str, Any]]:
    """Per-industry totals in a division (query ``list_industry_totals``), by industry code.

    Each row: ``code``, ``name``, ``unit`` (the industry's), ``cooperatives``, ``companies``,
    ``bases``, ``scale`` (summed in the industry's unit), ``households_employed``, ``person_times``.

    >>> from partychain.testing import mini_store
    >>> [(r["code"], r["bases"], r["scale"]) for r in industry_totals(mini_store(), "520628")]
    [('edible_fungi', 1, 200000.0), ('pigs', 1, 1200.0), ('tea', 2, 800.0)]
    """
    validate_scope(scope)
    rows = store.named("list_industry_totals", scope=scope).records()
    for r in rows:
        r["scale"] = float(r["scale"] or 0)
    return sorted(rows, key=lambda r: r["code"])
