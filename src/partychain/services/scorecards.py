"""Scorecards of a division and the lists a dashboard and a report need, question by question.

Plain functions over a :class:`~partychain.storage.base.GraphStore`, beside :mod:`partychain.services`
and in its manner: named queries only, values as parameters, plain dicts back, paged lists as
``{"items", "total", "next_cursor"}`` with the signed cursors of :mod:`partychain.services.cursors`.

A *scorecard* is everything the county organization department reports about one division:
the coverage metrics of the industry chain, how many records each gap list holds, how many
organizations, cooperatives, bases, members and households there are, the instances of the four
linkage models, the village collective income year by year and the strong/weak pairings.  The
*children* of a division are its towns (of a county), villages (of a town) or counties (of a
province or prefecture), each with the same coverage and gap counts, computed from one query
village by village (``list_coverage_by_village``: every cooperative, base, household and member
is in exactly one village, so the parts add up).

The gap counts are the coverage metrics' shortfalls (``total - covered``: the gap lists are defined
as the records behind each shortfall, see their headers) and, for members driving nobody, the
party members who drive no household.  The graph holds no personal data, so neither do these
answers.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from partychain import cypher
from partychain.errors import InvalidArgument, NotFound
from partychain.graph_model.codes import CODE_LENGTHS
from partychain.services import models as _models
from partychain.services import scopes
from partychain.services.coverage import GAP_KINDS, coverage_from_parts
from partychain.services.memo import memo
from partychain.services.pages import page as named_page
from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

CHILD_LEVEL: dict[str, str] = {"province": "county", "prefecture": "county", "county": "town", "town": "village"}
"""The level of a division's children (a village has none)."""

GAP_METRIC: dict[str, str] = {
    "cooperatives_without_org": "cooperative_party_org",
    "demo_points_without_org": "demo_point_party_org",
    "poor_households_not_driven": "poor_households_driven",
    "bases_without_member": "bases_linked",
    "poor_households_chain_incomplete": "poor_chain_complete",
}
"""The gap lists that are a coverage metric's shortfall; ``members_driving_nobody`` is the sixth."""

COUNT_PARTS: tuple[str, ...] = ("households", "poor", "members", "cooperatives", "demo_points", "bases")
"""The parts a child division's row reports as plain counts."""

EXPORT_BATCH = 10_000
"""Rows read from the engine at a time when a gap list is exported whole."""


def _int(v: Any) -> int:
    """An engine's integer (LadybugDB sums integers as INT128, which Python reads as ``Decimal``)."""
    return int(v) if isinstance(v, int | Decimal | float) and v is not None else 0


def _ratio(covered: int, total: int) -> float | None:
    return covered / total if total else None


def gaps_from_coverage(coverage: Mapping[str, Mapping[str, Any]], *, members: int,
                       members_driving: int) -> dict[str, int]:
    """How many records each gap list of :data:`partychain.GAP_KINDS` holds.

    >>> cov = {m: {"covered": 1, "total": 3} for m in GAP_METRIC.values()}
    >>> gaps_from_coverage(cov, members=5, members_driving=2)["members_driving_nobody"]
    3
    """
    out = {}
    for kind in GAP_KINDS:
        if kind == "members_driving_nobody":
            out[kind] = members - members_driving
        else:
            m = coverage[GAP_METRIC[kind]]
            out[kind] = int(m["total"]) - int(m["covered"])
    return out


def village_parts(store: GraphStore, scope: str, *, live: bool = False) -> dict[str, Counter[str]]:
    """Per village of a division, the parts of ``list_coverage_by_village`` (missing parts read as 0), from
    the version's derived index (:meth:`GraphStore.derived`) or, with ``live``, from the query.

    >>> from partychain.testing import mini_store
    >>> village_parts(mini_store(), "520628101")["520628101001"]["households"]
    2
    """
    scopes.validate_scope(scope)
    index = None if live else store.derived()
    if index is not None:
        return index.village_parts(scope)

    def compute() -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for r in store.named("list_coverage_by_village", scope=scope).records():
            out.setdefault(r["village_code"], Counter())[r["part"]] += _int(r["n"])
        return out

    return memo("village_parts", store, scope, compute)


def income_by_year(store: GraphStore, scope: str) -> list[dict[str, int]]:
    """Village collective income in a division, year by year (query ``list_income_by_year``).

    Each row: ``year``, ``villages`` (that recorded an income that year), ``yuan`` (their sum),
    ``min_yuan``, ``max_yuan``.

    >>> from partychain.testing import mini_store
    >>> [(r["year"], r["villages"], r["yuan"]) for r in income_by_year(mini_store(), "520628101")]
    [(2017, 2, 320000), (2020, 2, 500000)]
    """
    scopes.validate_scope(scope)
    return [{k: _int(r[k]) for k in ("year", "villages", "yuan", "min_yuan", "max_yuan")}
            for r in store.named("list_income_by_year", scope=scope).records()]


def pairing_counts(store: GraphStore, scope: str) -> dict[str, int]:
    """Strong/weak pairings (强村带弱村) touching a division: ``pairings`` (with at least one end in it),
    ``strong_villages`` and ``weak_villages`` in it that are in one, ``crossing`` (one end outside).

    >>> from partychain.testing import mini_store
    >>> pairing_counts(mini_store(), "520628101")
    {'pairings': 2, 'strong_villages': 1, 'weak_villages': 1, 'crossing': 1}
    """
    scopes.validate_scope(scope)
    rows = store.named("list_pairing_edges", scope=scope).records()
    strong = {r["strong_code"] for r in rows if r["strong_code"].startswith(scope)}
    weak = {r["weak_code"] for r in rows if r["weak_code"].startswith(scope)}
    crossing = sum(1 for r in rows if r["strong_code"].startswith(scope) != r["weak_code"].startswith(scope))
    return {"pairings": len(rows), "strong_villages": len(strong), "weak_villages": len(weak), "crossing": crossing}


def scorecard(store: GraphStore, scope: str) -> dict[str, Any]:
    """Everything about one division, counted: the answer of ``GET /scorecards/{scope}``.

    Keys: ``code``, ``name``, ``level``, ``kind`` (of :func:`partychain.scopes.check_scope`);
    ``child_level`` (what :func:`children` lists; ``None`` for a village); ``coverage`` (as
    :func:`partychain.services.coverage`, summed over the division's villages); ``gaps`` (records per
    gap kind); ``counts`` (households, poor households, party members, cooperatives, demonstration
    points, bases, and the party organizations seated in it by level); ``models`` (instances per
    linkage model); ``incomes`` (:func:`income_by_year`); ``pairings`` (:func:`pairing_counts`).

    >>> from partychain.testing import mini_store
    >>> card = scorecard(mini_store(), "520628101")
    >>> card["name"], card["child_level"], card["gaps"]["cooperatives_without_org"], card["counts"]["households"]
    ('盘石镇', 'village', 0, 3)
    """
    return copy.deepcopy(memo("scorecard", store, scopes.validate_scope(scope), lambda: _scorecard(store, scope)))


def _scorecard(store: GraphStore, scope: str) -> dict[str, Any]:
    division = scopes.check_scope(store, scope)
    parts: Counter[str] = Counter()
    for village in village_parts(store, scope).values():
        parts.update(village)
    coverage = coverage_from_parts(parts)
    orgs = store.named("count_orgs_in_scope", scope=scope).records()[0]
    counts = {
        "households": parts["households"], "poor_households": parts["poor"], "party_members": parts["members"],
        "cooperatives": parts["cooperatives"], "demo_points": parts["demo_points"], "bases": parts["bases"],
        **{k: _int(orgs[k]) for k in ("joint_committees", "general_branches", "branches",
                                      "cooperative_joint_branches", "party_groups")},
    }
    return {
        **division, "child_level": CHILD_LEVEL.get(division["level"]), "coverage": coverage,
        "gaps": gaps_from_coverage(coverage, members=parts["members"], members_driving=parts["members_driving"]),
        "counts": counts, "models": _models.model_counts(store, scope), "incomes": income_by_year(store, scope),
        "pairings": pairing_counts(store, scope),
    }


# --- its children --------------------------------------------------------------------------------


def _all(store: GraphStore, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every row of a paged named query, one call per 100,000 rows (its declared page size at most)."""
    out: list[dict[str, Any]] = []
    while True:
        rows = store.named(query, **params, skip=len(out), limit=100_000).records()
        out.extend(rows)
        if not rows or len(out) >= int(rows[0]["total"]):
            return out


def divisions_under(store: GraphStore, scope: str, level: str) -> list[dict[str, Any]]:
    """The counties, towns or villages (``level``) in a division, in code order (query ``search_divisions``)."""
    rows = _all(store, "search_divisions", {"q": "", "scope": scope, "level": level})
    return [{k: v for k, v in r.items() if k != "total"} for r in rows]


def children(store: GraphStore, scope: str) -> list[dict[str, Any]]:
    """The children of a division (:data:`CHILD_LEVEL`), each with its coverage, gap counts and counts.

    Each row: ``code``, ``name``, ``level``, ``kind``; ``counts`` (``households``, ``poor``
    households, party ``members``, ``cooperatives``, ``demo_points``, ``bases``); ``coverage``
    (as :func:`coverage_from_parts`); ``gaps`` (as :func:`gaps_from_coverage`).  A village has no
    children (``[]``).

    >>> from partychain.testing import mini_store
    >>> rows = children(mini_store(), "520628")
    >>> [(r["name"], r["counts"]["households"], r["gaps"]["cooperatives_without_org"]) for r in rows]
    [('盘石镇', 3, 0), ('盘信镇', 2, 2)]
    """
    return copy.deepcopy(memo("children", store, scopes.validate_scope(scope), lambda: _children(store, scope)))


def _children(store: GraphStore, scope: str) -> list[dict[str, Any]]:
    division = scopes.check_scope(store, scope)
    level = CHILD_LEVEL.get(division["level"])
    if level is None:
        return []
    width = CODE_LENGTHS[level]
    parts: dict[str, Counter[str]] = {}
    for village, p in village_parts(store, scope).items():
        parts.setdefault(village[:width], Counter()).update(p)
    out = []
    for d in divisions_under(store, scope, level):
        p = parts.get(d["code"], Counter())
        coverage = coverage_from_parts(p)
        out.append({"code": d["code"], "name": d["name"], "level": d["level"], "kind": d["kind"],
                    "counts": {k: p[k] for k in COUNT_PARTS}, "coverage": coverage,
                    "gaps": gaps_from_coverage(coverage, members=p["members"], members_driving=p["members_driving"])})
    return out


# --- lists: divisions, organizations, cooperatives -------------------------------------------------

DIVISION_LEVELS: tuple[str, ...] = ("county", "town", "village")


def search_divisions(store: GraphStore, q: str = "", *, scope: str = "", level: str = "", limit: int = 20,
                     cursor: str | None = None) -> dict[str, Any]:
    """Counties, towns and villages whose name contains ``q``, within ``scope``, of ``level`` (``''``: any), paged
    in code order (query ``search_divisions``).

    Items: ``code``, ``name``, ``level``, ``kind``, ``parent_code``, ``parent_name``.

    >>> from partychain.testing import mini_store
    >>> [(d["name"], d["level"]) for d in search_divisions(mini_store(), "盘信")["items"]]
    [('盘信镇', 'town')]
    """
    if scope:
        scopes.validate_scope(scope)
    if level and level not in DIVISION_LEVELS:
        raise InvalidArgument(f"unknown level {level!r}; expected one of {', '.join(DIVISION_LEVELS)}")
    return named_page(store, "search_divisions", {"q": q, "scope": scope, "level": level}, limit=limit,
                         cursor=cursor)


def orgs_in_scope(store: GraphStore, scope: str, *, q: str = "", roots: bool = False, limit: int = 50,
                  cursor: str | None = None) -> dict[str, Any]:
    """Party organizations seated in a division, optionally only the roots of their trees and by a fragment of
    their name, paged joint committees first (query ``list_orgs_in_scope``).

    Items: ``id``, ``name``, ``level``, ``kind``, ``seat_code``, ``seat_name``, ``parent_id``,
    ``parent_name`` and what is at or under each: ``orgs``, ``cooperatives``, ``companies``,
    ``bases``, ``party_members``.

    >>> from partychain.testing import mini_store
    >>> [(o["id"], o["orgs"], o["cooperatives"]) for o in orgs_in_scope(mini_store(), "520628", roots=True)["items"]]
    [('CC-1', 9, 2)]
    """
    scopes.validate_scope(scope)
    page = named_page(store, "list_orgs_in_scope", {"scope": scope, "q": q, "roots": int(bool(roots))},
                         limit=limit, cursor=cursor)
    page["items"] = [{k: v for k, v in i.items() if k != "rank"} for i in page["items"]]
    return page


def org_unit_labels() -> tuple[str, ...]:
    """The node labels of :func:`org_units`' records, as its query ``list_org_units`` declares them (its
    ``records:`` header line); each record's ``type`` is its label in lower case.

    >>> org_unit_labels()
    ('Cooperative', 'Company')
    """
    return cypher.get("list_org_units").records


def org_units(store: GraphStore, org_id: str, *, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    """The cooperatives and companies of an organization's tree, each under the organization that runs or leads
    it, with their bases (query ``list_org_units``), paged; :class:`NotFound` for an unknown organization.

    Items: ``org_id``, ``id``, ``name``, ``type`` (cooperative or company), ``village_code``,
    ``village_name``, ``bases`` (each ``id``, ``name``, ``scale``, ``unit``, ``members``, by id).

    >>> from partychain.testing import mini_store
    >>> [(u["org_id"], u["id"], [b["id"] for b in u["bases"]]) for u in org_units(mini_store(), "JC-1")["items"]]
    [('BR-2', 'CO-1', ['BS-1']), ('JC-1', 'CO-2', ['BS-2'])]
    """
    if not isinstance(org_id, str) or not org_id or len(org_id) > 64:
        raise InvalidArgument(f"org_id must be a non-empty string of at most 64 characters, not {str(org_id)[:70]!r}")
    if not store.named("list_org_tree", org_id=org_id).rows:
        raise NotFound(f"no party organization {org_id!r}")
    page = named_page(store, "list_org_units", {"org_id": org_id}, limit=limit, cursor=cursor)
    for item in page["items"]:
        item["bases"] = sorted((b for b in item["bases"] or [] if b is not None), key=lambda b: b["id"])
    return page


def search_cooperatives(store: GraphStore, scope: str, *, q: str = "", limit: int = 20,
                        cursor: str | None = None) -> dict[str, Any]:
    """Cooperatives located in a division whose name contains ``q``, paged in id order (query
    ``search_cooperatives``), with their village and the branch running or committee leading them.

    >>> from partychain.testing import mini_store
    >>> [(c["id"], c["branch_id"]) for c in search_cooperatives(mini_store(), "520628", q="茶")["items"]]
    [('CO-1', 'BR-2'), ('CO-4', None)]
    """
    scopes.validate_scope(scope)
    return named_page(store, "search_cooperatives", {"q": q, "scope": scope}, limit=limit, cursor=cursor)


# --- the pairing network ---------------------------------------------------------------------------


def pairing_network(store: GraphStore, scope: str) -> dict[str, Any]:
    """The strong/weak pairings (强村带弱村) touching a division, as a network, with collective income.

    ``{"scope", "nodes", "edges"}``.  Nodes are the villages in a pairing: ``code``, ``name``,
    ``town_code``, ``town_name``, ``role`` (``strong``, ``weak`` or ``both``), ``in_scope``,
    ``incomes`` (``[{year, yuan}]`` by year).  Edges run strong → weak: ``strong``, ``weak``,
    ``since``, ``kind``, and the weak village's collective income the year before the pairing
    began (``before_year``, ``weak_income_before``), in its latest recorded year
    (``latest_year``, ``weak_income_latest``) and the change between them
    (``weak_income_change``; null when either year is not recorded).  The change describes; it
    does not estimate an effect (that needs comparable unpaired villages: see
    :func:`partychain.analysis.effect.pairing_effect`).

    >>> from partychain.testing import mini_store
    >>> net = pairing_network(mini_store(), "520628")
    >>> [(e["strong"], e["weak"], e["weak_income_change"]) for e in net["edges"]]
    [('520628101001', '520628101002', 60000), ('520628101001', '520628102001', 20000)]
    """
    scopes.check_scope(store, scope)
    rows = store.named("list_pairing_network", scope=scope).records()
    nodes: dict[str, dict[str, Any]] = {}
    for r in rows:
        for end, role in (("strong", "strong"), ("weak", "weak")):
            code = r[f"{end}_code"]
            node = nodes.setdefault(code, {
                "code": code, "name": r[f"{end}_name"], "town_code": r[f"{end}_town_code"],
                "town_name": r[f"{end}_town_name"], "role": role, "in_scope": code.startswith(scope), "incomes": []})
            if node["role"] != role:
                node["role"] = "both"
    outside = sorted(c for c in nodes if not c.startswith(scope))
    income: dict[str, dict[int, int]] = {}
    for r in store.named("list_village_income", scope=scope, codes=outside).records():
        if r["village_code"] in nodes:
            income.setdefault(r["village_code"], {})[_int(r["year"])] = _int(r["yuan"])
    for code, node in nodes.items():
        node["incomes"] = [{"year": y, "yuan": v} for y, v in sorted(income.get(code, {}).items())]
    edges = []
    for r in rows:
        by_year = income.get(r["weak_code"], {})
        since = r["since"]
        before = since - 1 if since is not None else None
        latest = max(by_year) if by_year else None
        v0 = by_year.get(before) if before is not None else None
        v1 = by_year.get(latest) if latest is not None else None
        edges.append({"strong": r["strong_code"], "weak": r["weak_code"], "since": since, "kind": r["kind"],
                      "before_year": before, "weak_income_before": v0, "latest_year": latest,
                      "weak_income_latest": v1,
                      "weak_income_change": v1 - v0 if v0 is not None and v1 is not None and latest != before
                      else None})
    return {"scope": scope, "nodes": sorted(nodes.values(), key=lambda n: n["code"]), "edges": edges}


# --- gap lists, whole ------------------------------------------------------------------------------


def gap_rows(store: GraphStore, scope: str, kind: str, *,
             batch: int = EXPORT_BATCH) -> tuple[int, Iterator[list[dict[str, Any]]]]:
    """A whole gap list for export: its length, and its records in batches of ``batch`` in id order.

    The first batch is read now (it carries the length), the others as the iterator is consumed,
    each one call of the list's named query; ``store`` must stay pinned to one graph version until
    the iterator is done.  Records are as :func:`partychain.services.gaps` gives them.

    >>> from partychain.testing import mini_store
    >>> total, batches = gap_rows(mini_store(), "520628", "cooperatives_without_org", batch=1)
    >>> total, [[r["id"] for r in b] for b in batches]
    (2, [['CO-3'], ['CO-4']])
    """
    scopes.validate_scope(scope)
    if kind not in GAP_KINDS:
        raise InvalidArgument(f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}")
    if not 1 <= batch <= 100_000:
        raise InvalidArgument(f"batch must be from 1 to 100,000, not {batch!r}")
    query = f"list_{kind}"

    def read(skip: int) -> list[dict[str, Any]]:
        rows = store.named(query, scope=scope, skip=skip, limit=batch).records()
        return rows

    first = read(0)
    total = int(first[0]["total"]) if first else 0

    def strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "total"} for r in rows]

    def batches() -> Iterator[list[dict[str, Any]]]:
        done = len(first)
        if first:
            yield strip(first)
        while done < total:
            rows = read(done)
            if not rows:
                return
            done += len(rows)
            yield strip(rows)

    return total, batches()
