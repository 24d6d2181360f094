"""The industry chain, question by question: chains, coverage, gaps, linkage models, profiles.

Plain functions over a :class:`~partychain.storage.base.GraphStore` that the API and the CLI
call.  Each runs named queries from the catalog (:mod:`partychain.cypher`; their headers
define every column and every rule), passes values only as parameters, and returns plain
dicts and lists.

Scopes are division codes: 2 digits (province), 4 (prefecture), 6 (county), 9 (town) or 12
(village).  Things count where they are: cooperatives, companies and bases by the village
they are ``LOCATED_IN``, households and members by the village they ``LIVE_IN``, party
organizations by their ``seat_code``.

Paged functions return ``{"items": [...], "total": int, "next_cursor": str | None}``; a
cursor is an opaque string handed out by the previous page (:mod:`partychain.paging`: signed,
valid for one list of one graph version), and ``None`` asks for the first page.

The graph holds no personal data, so neither do these answers: records of people carry their
pseudonymous ids (:data:`GAP_RECORD_LABELS` and :data:`DOWNSTREAM_RECORD_LABELS` say which label
a list's records are, for whoever joins the personal-data store by id).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from partychain.errors import InvalidArgument, NotFound
from partychain.graph_model.codes import LEVEL_OF_LENGTH, describe, level_of
from partychain.paging import decode_cursor, encode_cursor, list_identity
from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

GAP_KINDS: tuple[str, ...] = (
    "cooperatives_without_org",
    "demo_points_without_org",
    "poor_households_not_driven",
    "bases_without_member",
    "members_driving_nobody",
    "poor_households_chain_incomplete",
)
"""The gap lists: each is the named query ``list_<kind>``."""

COVERAGE_METRICS: tuple[str, ...] = (
    "cooperative_party_org",
    "demo_point_party_org",
    "poor_households_driven",
    "households_driven",
    "bases_linked",
    "poor_chain_complete",
)
"""The coverage metrics of the named query ``count_coverage_in_scope``, in the order of the API's answers."""

MODELS: tuple[str, ...] = (
    "jc_coop_poor",
    "branch_specialized_coop_collective_poor",
    "branch_company_collective_households",
    "village_branch_industry_group",
)
"""The four linkage models of the county report; each is the named query ``list_model_<model>``."""

GAP_RECORD_LABELS: dict[str, str] = {
    "cooperatives_without_org": "Cooperative",
    "demo_points_without_org": "Cooperative",
    "poor_households_not_driven": "Household",
    "bases_without_member": "Base",
    "members_driving_nobody": "PartyMember",
    "poor_households_chain_incomplete": "Household",
}
"""The node label of each gap kind's records (their ``id`` is that label's key)."""

ORG_DOWNSTREAM_ENTITIES: tuple[str, ...] = ("units", "bases", "members", "households")
"""What :func:`org_downstream_items` lists; each is the named query ``list_org_downstream_<entity>``."""

DOWNSTREAM_RECORD_LABELS: dict[str, tuple[str, ...]] = {
    "units": ("Cooperative", "Company"), "bases": ("Base",), "members": ("PartyMember",),
    "households": ("Household",)}
"""The node labels of each downstream entity's records."""

MAX_LIMIT = 1000


# --- arguments ------------------------------------------------------------------------------


def validate_scope(scope: str) -> str:
    """``scope`` if it is shaped like a division code, else :class:`InvalidArgument` (no query).

    >>> validate_scope("520628")
    '520628'
    >>> validate_scope("52062")
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: scope '52062' is not a division code: digits only, 2, 4, 6, 9 or 12 of them
    """
    if level_of(scope) is None:
        raise InvalidArgument(f"scope {str(scope)[:40]!r} is not a division code: {describe()}")
    return scope


def _validate_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(f"limit must be an integer from 1 to {MAX_LIMIT}, not {limit!r}")
    return limit


def _validate_village_code(code: str) -> str:
    if level_of(code) != "village":
        raise InvalidArgument(f"{str(code)[:40]!r} is not a village code (12 digits)")
    return code


def _validate_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise InvalidArgument(f"{what} must be a non-empty string of at most 64 characters, not {str(value)[:70]!r}")
    return value


def version_of(store: GraphStore) -> str:
    """The version id of the graph ``store`` serves (what cursors are bound to)."""
    info = store.dataset()
    return info.version if info is not None else ""


def page_of(items: Sequence[Any], *, list_id: str, version: str, limit: int,
            cursor: str | None) -> dict[str, Any]:
    """One page of a list computed whole: ``{"items", "total", "next_cursor"}`` with signed cursors.

    >>> p = page_of(list(range(5)), list_id="x", version="v", limit=2, cursor=None)
    >>> p["items"], p["total"], page_of(list(range(5)), list_id="x", version="v", limit=2,
    ...                                  cursor=p["next_cursor"])["items"]
    ([0, 1], 5, [2, 3])
    """
    _validate_limit(limit)
    start = decode_cursor(cursor, list_id=list_id, version=version)
    end = start + limit
    return {"items": list(items[start:end]), "total": len(items),
            "next_cursor": encode_cursor(end, list_id=list_id, version=version) if end < len(items) else None}


def _page(store: GraphStore, query: str, params: Mapping[str, Any], *, limit: int,
          cursor: str | None) -> dict[str, Any]:
    """One page of a paged named query (one with ``$skip``, ``$limit`` and a ``total`` column).

    The offset comes only from a cursor this list handed out for this graph version, so it is always
    below the list's total: the engine never skips past the end (see :mod:`partychain.paging`).
    """
    _validate_limit(limit)
    list_id, version = list_identity(query, **params), version_of(store)
    offset = decode_cursor(cursor, list_id=list_id, version=version)
    rows = store.named(query, **params, skip=offset, limit=limit).records()
    total = int(rows[0]["total"]) if rows else 0
    items = [{k: v for k, v in r.items() if k != "total"} for r in rows]
    end = offset + len(items)
    log.debug("%s %s: %d of %d from %d", query, dict(params), len(items), total, offset)
    nxt = encode_cursor(end, list_id=list_id, version=version) if items and end < total else None
    return {"items": items, "total": total, "next_cursor": nxt}


def _one(store: GraphStore, query: str, what: str, **params: Any) -> dict[str, Any]:
    rows = store.named(query, **params).records()
    if not rows:
        raise NotFound(what)
    if len(rows) > 1:
        log.warning("%s returned %d rows for %s; using the first", query, len(rows), params)
    return rows[0]


def _null_last(values: Iterable[Any]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, "" if v is None else str(v)) for v in values)


# --- scope -----------------------------------------------------------------------------------


def check_scope(store: GraphStore, scope: str) -> dict[str, Any]:
    """The division a scope code names: ``{"code", "name", "level", "kind"}``.

    :class:`InvalidArgument` for a malformed code, :class:`NotFound` for one the graph does
    not hold.  A province or prefecture prefix ('52', '5206') is known when some county,
    town or village code starts with it; it has no name in the graph.

    >>> from partychain.testing import mini_store
    >>> check_scope(mini_store(), "520628101")
    {'code': '520628101', 'name': '盘石镇', 'level': 'town', 'kind': 'town'}
    >>> check_scope(mini_store(), "52")
    {'code': '52', 'name': None, 'level': 'province', 'kind': None}
    >>> check_scope(mini_store(), "520628999")
    Traceback (most recent call last):
    ...
    partychain.errors.NotFound: no division 520628999 in the graph
    """
    validate_scope(scope)
    level = LEVEL_OF_LENGTH[len(scope)]
    if level in ("province", "prefecture"):
        counts = store.named("count_divisions_in_scope", scope=scope).records()[0]
        if not any(counts.values()):
            raise NotFound(f"no division under {scope} in the graph")
        return {"code": scope, "name": None, "level": level, "kind": None}
    rows = store.named("get_division", code=scope).records()
    if not rows:
        raise NotFound(f"no division {scope} in the graph")
    return dict(rows[0])


# --- chains and coverage ---------------------------------------------------------------------

CHAIN_COLUMNS = ("member_id", "base_id", "owner_id", "branch_id", "general_branch_id", "joint_committee_id")


def household_chains(store: GraphStore, household_id: str) -> list[dict[str, Any]]:
    """The leadership chains of a household, one per distinct path (query ``list_household_chains``).

    Each chain is ``{"member_id", "base_id", "owner_id", "branch_id", "general_branch_id",
    "joint_committee_id"}``, null from where it breaks.  A household no member drives has no
    chain (``[]``); an unknown household raises :class:`NotFound`.

    >>> from partychain.testing import mini_store
    >>> [list(c.values()) for c in household_chains(mini_store(), "HH-1")]
    [['PM-1', 'BS-1', 'CO-1', 'BR-2', 'GB-1', 'JC-1']]
    >>> [list(c.values()) for c in household_chains(mini_store(), "HH-2")]  # its member is linked to no base
    [['PM-3', None, None, None, None, None]]
    >>> list(household_chains(mini_store(), "HH-3")[0].items())[-3:]  # CO-2: no branch, a leading committee
    [('branch_id', None), ('general_branch_id', None), ('joint_committee_id', 'JC-1')]
    >>> household_chains(mini_store(), "HH-4")  # no member drives it
    []
    """
    _validate_id(household_id, "household_id")
    links = store.named("list_household_chain_links", household_id=household_id).rows
    if not links and not store.named("get_household", household_id=household_id).rows:
        raise NotFound(f"no household {household_id!r}")
    rows = [dict(zip(CHAIN_COLUMNS, chain, strict=True)) for chain in assemble_chains(links)]
    return sorted(rows, key=lambda r: _null_last(r.values()))


def assemble_chains(links: Iterable[Sequence[Any]]) -> set[tuple[Any, ...]]:
    """The rows of ``list_household_chains`` from the rows (hop, a, b) of ``list_household_chain_links``.

    The same left-join semantics as the one-query spelling: every member; each of its bases, or
    none; each base's owners; each owner's running branches, or none; for a branch, every general
    branch and every joint committee above it, or none; the joint committee column falls back to
    a committee leading the owner.  The links query is the fast spelling on LadybugDB (plain
    MATCHes anchored on the household instead of OPTIONAL MATCH hash joins).

    >>> sorted(assemble_chains([("member", "PM-1", "HH-1"), ("base", "PM-1", "BS-1"), ("owner", "BS-1", "CO-1"),
    ...                         ("leads", "CO-1", "JC-1")]))
    [('PM-1', 'BS-1', 'CO-1', None, None, 'JC-1')]
    """
    below: dict[tuple[str, Any], set[Any]] = {}
    members: list[Any] = []
    for hop, a, b in links:
        if hop == "member":
            members.append(a)
        else:
            below.setdefault((hop, a), set()).add(b)

    def each(hop: str, a: Any) -> list[Any]:
        return sorted(below.get((hop, a), ())) or [None] if a is not None else [None]

    out: set[tuple[Any, ...]] = set()
    for m in dict.fromkeys(members):
        for b in each("base", m):
            for o in each("owner", b):
                leads = each("leads", o)
                for br in each("branch", o):
                    for g in each("general_branch", br):
                        for j in each("joint_committee", br):
                            for lj in leads:
                                out.add((m, b, o, br, g, j if j is not None else lj))
    return out


def coverage(store: GraphStore, scope: str) -> dict[str, dict[str, Any]]:
    """Every coverage metric of :data:`COVERAGE_METRICS` in a division (query ``count_coverage_in_scope``).

    ``{metric: {"covered": int, "total": int, "ratio": float | None}}``; ratio is null when
    total is 0.

    >>> from partychain.testing import mini_store
    >>> coverage(mini_store(), "520628")["cooperative_party_org"]
    {'covered': 1, 'total': 3, 'ratio': 0.3333333333333333}
    >>> coverage(mini_store(), "520628102")["demo_point_party_org"]
    {'covered': 0, 'total': 0, 'ratio': None}
    """
    validate_scope(scope)
    got = {r["metric"]: r for r in store.named("count_coverage_in_scope", scope=scope).records()}
    out: dict[str, dict[str, Any]] = {}
    for metric in COVERAGE_METRICS:
        covered, total = int(got[metric]["covered"]), int(got[metric]["total"])
        out[metric] = {"covered": covered, "total": total, "ratio": covered / total if total else None}
    return out


def gaps(store: GraphStore, scope: str, kind: str, *, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    """One page of a gap list of :data:`GAP_KINDS` in a division (query ``list_<kind>``), in id order.

    Items are ``{"id", "name", "village_code", "village_name"}`` (``name`` is the head of
    household's for household kinds, the member's for members), plus ``breaks_at`` for
    ``poor_households_chain_incomplete``.

    >>> from partychain.testing import mini_store
    >>> page = gaps(mini_store(), "520628", "cooperatives_without_org", limit=1)
    >>> page["items"], page["total"], page["next_cursor"] is not None
    ([{'id': 'CO-2', 'name': '乙村生猪合作社', 'village_code': '520628101002', 'village_name': '乙村'}], 2, True)
    >>> gaps(mini_store(), "520628", "cooperatives_without_org", limit=1, cursor=page["next_cursor"])["items"][0]["id"]
    'CO-3'
    >>> gaps(mini_store(), "520628", "poor_households_chain_incomplete")["items"][0]["breaks_at"]
    'member'
    """
    validate_scope(scope)
    if kind not in GAP_KINDS:
        raise InvalidArgument(f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}")
    return _page(store, f"list_{kind}", {"scope": scope}, limit=limit, cursor=cursor)


# --- pairings and models -----------------------------------------------------------------------


def pairings(store: GraphStore, village_code: str) -> dict[str, Any]:
    """A village's pairings (强村带弱村) both ways (query ``list_village_pairings``).

    ``{"village": code, "as_strong": [...], "as_weak": [...]}``, each partner
    ``{"code", "name", "since", "kind"}`` in code order: ``as_strong`` lists the weak
    villages this one leads, ``as_weak`` the strong villages leading it.

    >>> from partychain.testing import mini_store
    >>> p = pairings(mini_store(), "520628101002")
    >>> p["as_strong"], p["as_weak"]
    ([], [{'code': '520628101001', 'name': '甲村', 'since': 2018, 'kind': 'strong_weak'}])
    """
    _validate_village_code(village_code)
    if not store.named("get_division", code=village_code).rows:
        raise NotFound(f"no village {village_code} in the graph")
    out: dict[str, Any] = {"village": village_code, "as_strong": [], "as_weak": []}
    for r in store.named("list_village_pairings", village_code=village_code).records():
        out[r["role"]].append({"code": r["code"], "name": r["name"], "since": r["since"], "kind": r["kind"]})
    for role in ("as_strong", "as_weak"):
        out[role].sort(key=lambda x: x["code"])
    return out


def model_counts(store: GraphStore, scope: str) -> dict[str, int]:
    """Instances of each linkage model of :data:`MODELS` in a division (query ``count_linkage_models``).

    >>> from partychain.testing import mini_store
    >>> list(model_counts(mini_store(), "520628101").values())
    [1, 1, 0, 1]
    """
    validate_scope(scope)
    got = {r["model"]: int(r["instances"]) for r in store.named("count_linkage_models", scope=scope).records()}
    return {m: got[m] for m in MODELS}


def model_instances(store: GraphStore, scope: str, model: str, *, limit: int = 50,
                    cursor: str | None = None) -> dict[str, Any]:
    """One page of a linkage model's instances in a division (query ``list_model_<model>``).

    Items are ``{"org_id", "org_name", "unit_id", "unit_name", "village_code",
    "village_name", "households"}``, ordered by org then unit.

    >>> from partychain.testing import mini_store
    >>> page = model_instances(mini_store(), "520628", "jc_coop_poor")
    >>> [(i["org_id"], i["unit_id"], i["households"]) for i in page["items"]], page["total"]
    ([('JC-1', 'CO-2', 1)], 1)
    """
    validate_scope(scope)
    if model not in MODELS:
        raise InvalidArgument(f"unknown linkage model {model!r}; expected one of {', '.join(MODELS)}")
    return _page(store, f"list_model_{model}", {"scope": scope}, limit=limit, cursor=cursor)


# --- organizations ------------------------------------------------------------------------------


def org(store: GraphStore, org_id: str) -> dict[str, Any]:
    """A party organization's profile (query ``get_org``); :class:`NotFound` for an unknown id.

    >>> from partychain.testing import mini_store
    >>> o = org(mini_store(), "JC-1")
    >>> o["level"], o["kind"], o["seat_name"], o["covers"], o["children"], o["units"]
    ('joint_committee', 'joint_village', '盘石镇', ['520628101001', '520628101002'], 1, ['CO-2'])
    """
    _validate_id(org_id, "org_id")
    rec = _one(store, "get_org", f"no party organization {org_id!r}", org_id=org_id)
    rec["covers"] = sorted(rec["covers"] or [])
    rec["units"] = sorted(rec["units"] or [])
    return rec


def org_downstream(store: GraphStore, org_id: str) -> dict[str, Any]:
    """Everything downstream of a party organization, counted (query ``count_org_downstream``).

    ``{"id": org_id, "counts": {"orgs", "cooperatives", "companies", "bases", "members",
    "households", "poor_households"}}``: organizations under it; cooperatives and companies
    it or those run (RUNS) or lead (LEADS); the bases those build; the members those bases
    link; the households those members drive.  The lists behind the counts are paged by
    :func:`org_downstream_items`.

    >>> from partychain.testing import mini_store
    >>> org_downstream(mini_store(), "JC-1")["counts"]
    {'orgs': 4, 'cooperatives': 2, 'companies': 0, 'bases': 2, 'members': 2, 'households': 2, 'poor_households': 2}
    """
    _validate_id(org_id, "org_id")
    rec = _one(store, "count_org_downstream", f"no party organization {org_id!r}", org_id=org_id)
    return {"id": org_id, "counts": {k: int(v) for k, v in rec.items()}}


def org_downstream_items(store: GraphStore, org_id: str, entity: str, *, limit: int = 50,
                         cursor: str | None = None) -> dict[str, Any]:
    """One page of what is downstream of a party organization (query ``list_org_downstream_<entity>``).

    ``entity`` is one of :data:`ORG_DOWNSTREAM_ENTITIES`: ``units`` (cooperatives and
    companies, with ``type``), ``bases`` (with ``owner_id``), ``members``, ``households``
    (with ``poor``); every item has ``id``, ``name``, ``village_code``, ``village_name``.

    >>> from partychain.testing import mini_store
    >>> [b["id"] for b in org_downstream_items(mini_store(), "JC-1", "bases")["items"]]
    ['BS-1', 'BS-2']
    """
    _validate_id(org_id, "org_id")
    if entity not in ORG_DOWNSTREAM_ENTITIES:
        raise InvalidArgument(f"unknown entity {entity!r}; expected one of {', '.join(ORG_DOWNSTREAM_ENTITIES)}")
    if not store.named("list_org_tree", org_id=org_id).rows:
        raise NotFound(f"no party organization {org_id!r}")
    return _page(store, f"list_org_downstream_{entity}", {"org_id": org_id}, limit=limit, cursor=cursor)


def org_tree(store: GraphStore, org_id: str) -> list[dict[str, Any]]:
    """The organization and every organization under it (query ``list_org_tree``), by depth then id.

    Each node is ``{"id", "name", "level", "kind", "parent_id", "depth"}``; the organization
    asked for comes first, at depth 0.

    >>> from partychain.testing import mini_store
    >>> for n in org_tree(mini_store(), "GB-1"):
    ...     print(n["id"], n["level"], n["parent_id"], n["depth"])
    GB-1 general_branch JC-1 0
    BR-1 branch GB-1 1
    BR-2 branch GB-1 1
    PG-1 group BR-1 2
    """
    _validate_id(org_id, "org_id")
    rows = store.named("list_org_tree", org_id=org_id).records()
    if not rows:
        raise NotFound(f"no party organization {org_id!r}")
    return sorted(rows, key=lambda r: (r["depth"], r["id"]))


# --- records ------------------------------------------------------------------------------------


def cooperative(store: GraphStore, coop_id: str) -> dict[str, Any]:
    """A cooperative's profile (query ``get_cooperative``); :class:`NotFound` for an unknown id.

    >>> from partychain.testing import mini_store
    >>> c = cooperative(mini_store(), "CO-1")
    >>> c["branch_id"], c["joint_committee_id"], c["industry_code"], c["bases"], c["households"]
    ('BR-2', None, 'tea', ['BS-1'], 1)
    """
    _validate_id(coop_id, "coop_id")
    rec = _one(store, "get_cooperative", f"no cooperative {coop_id!r}", cooperative_id=coop_id)
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
    _validate_village_code(code)
    rec = _one(store, "get_village", f"no village {code!r}", village_code=code)
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
    _validate_id(household_id, "household_id")
    rec = _one(store, "get_household", f"no household {household_id!r}", household_id=household_id)
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
    _validate_id(member_id, "member_id")
    rec = _one(store, "get_member", f"no party member {member_id!r}", member_id=member_id)
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
    return _page(store, "search_villages", {"q": q, "scope": ""}, limit=limit, cursor=cursor)


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
