"""Coverage of the industry chain in a division, and the gap lists behind every shortfall."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from partychain import cypher
from partychain.errors import InvalidArgument, QueryCatalogError
from partychain.storage.base import GraphStore
from partychain.storage.derived import GAP_KINDS

from .cursors import list_identity
from .pages import page, page_of_slice
from .scopes import validate_scope

"""The gap lists: each is the named query ``list_<kind>``."""


COVERAGE_METRICS: tuple[str, ...] = (
    "cooperative_party_org",
    "demo_point_party_org",
    "poor_households_driven",
    "households_driven",
    "bases_linked",
    "poor_chain_complete",
    "poor_chain_joint_committee",
)
"""The coverage metrics of the named query ``count_coverage_in_scope``, in the order of the API's answers."""


def gap_record_label(kind: str) -> str:
    """The node label of the records of gap kind ``kind``, as its query ``list_<kind>`` declares them (its
    ``records:`` header line); their ``id`` is that label's key.

    >>> gap_record_label("members_driving_nobody"), gap_record_label("demo_points_without_org")
    ('PartyMember', 'Cooperative')
    """
    if kind not in GAP_KINDS:
        raise InvalidArgument(f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}")
    query = cypher.get(f"list_{kind}")
    if len(query.records) != 1:
        raise QueryCatalogError(f"{query.file}: a gap list's `records:` header line names one node label")
    return query.records[0]

METRIC_PARTS: dict[str, tuple[str, str]] = {
    "cooperative_party_org": ("cooperatives_run", "cooperatives"),
    "demo_point_party_org": ("demo_points_run", "demo_points"),
    "poor_households_driven": ("poor_driven", "poor"),
    "households_driven": ("households_driven", "households"),
    "bases_linked": ("bases_linked", "bases"),
    "poor_chain_complete": ("poor_complete", "poor"),
    "poor_chain_joint_committee": ("poor_complete_jc", "poor"),
}
"""Per coverage metric, the parts of ``list_coverage_by_village`` that are its (covered, total)."""


def coverage_from_parts(parts: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """The coverage metrics of :data:`COVERAGE_METRICS` from parts of ``list_coverage_by_village`` summed over
    a division's villages.

    >>> coverage_from_parts({"cooperatives": 4, "cooperatives_run": 3})["cooperative_party_org"]
    {'covered': 3, 'total': 4, 'ratio': 0.75}
    """
    out = {}
    for metric in COVERAGE_METRICS:
        c, t = (int(parts.get(p, 0)) for p in METRIC_PARTS[metric])
        out[metric] = {"covered": c, "total": t, "ratio": c / t if t else None}
    return out


def coverage(store: GraphStore, scope: str, *, live: bool = False) -> dict[str, dict[str, Any]]:
    """Every coverage metric of :data:`COVERAGE_METRICS` in a division.

    ``{metric: {"covered": int, "total": int, "ratio": float | None}}``; ratio is null when
    total is 0.  Summed from the counters the load derived village by village (:meth:`GraphStore.derived`,
    :mod:`partychain.storage.derived`); with ``live``, or on a store without a derived index, from the query
    ``count_coverage_in_scope`` (the reference: the parity tests compare both).

    >>> from partychain.testing import mini_store
    >>> coverage(mini_store(), "520628")["cooperative_party_org"]
    {'covered': 2, 'total': 4, 'ratio': 0.5}
    >>> coverage(mini_store(), "520628102")["demo_point_party_org"]
    {'covered': 0, 'total': 0, 'ratio': None}
    """
    validate_scope(scope)
    index = None if live else store.derived()
    if index is not None:
        return coverage_from_parts(index.parts(scope))
    got = {r["metric"]: r for r in store.named("count_coverage_in_scope", scope=scope).records()}
    out: dict[str, dict[str, Any]] = {}
    for metric in COVERAGE_METRICS:
        covered, total = int(got[metric]["covered"]), int(got[metric]["total"])
        out[metric] = {"covered": covered, "total": total, "ratio": covered / total if total else None}
    return out


def activity_days(store: GraphStore, scope: str, *, year: int | None = None) -> dict[str, Any]:
    """Which party branches seated in a division held their monthly activity day (党员活动日, "严格执行党员活动日"):
    a branch holds it in a year when it held an ``activity_day`` meeting in each of the twelve months.

    ``year`` defaults to the latest year of any activity day held in the division (the project's reading:
    the source gives no period). Returns ``{"year", "covered", "total", "ratio", "months": {org_id: n}}``,
    ``months`` counting the months with an activity day per branch.

    >>> from partychain.testing import mini_store
    >>> a = activity_days(mini_store(), "520628")
    >>> a["year"], a["covered"], a["total"], a["months"]["BR-1"]
    (2020, 1, 4, 6)
    """
    validate_scope(scope)
    rows = store.named("list_branch_activity_days", scope=scope).rows
    dates = [(org, dt.date.fromisoformat(d) if isinstance(d, str) else d) for org, d in rows]
    years = [d.year for _, d in dates if d is not None]
    year = year if year is not None else (max(years) if years else None)
    months: dict[str, set[int]] = {org: set() for org, _ in dates}
    for org, d in dates:
        if d is not None and d.year == year:
            months[org].add(d.month)
    covered = sum(1 for m in months.values() if len(m) == 12)
    total = len(months)
    return {"year": year, "covered": covered, "total": total, "ratio": covered / total if total else None,
            "months": {org: len(m) for org, m in sorted(months.items())}}


def gaps(store: GraphStore, scope: str, kind: str, *, limit: int = 50, cursor: str | None = None,
         live: bool = False) -> dict[str, Any]:
    """One page of a gap list of :data:`GAP_KINDS` in a division, in id order: a slice of the list the load
    derived (:meth:`GraphStore.derived`); with ``live``, or on a store without a derived index, a page of the
    query ``list_<kind>`` (the reference).  Cursors are the same either way.

    Items are ``{"id", "name", "village_code", "village_name"}`` (``name`` is the head of
    household's for household kinds, the member's for members), plus ``breaks_at`` for
    ``poor_households_chain_incomplete``.

    >>> from partychain.testing import mini_store
    >>> page = gaps(mini_store(), "520628", "cooperatives_without_org", limit=1)
    >>> page["items"], page["total"], page["next_cursor"] is not None
    ([{'id': 'CO-3', 'name': '丙村食用菌合作社', 'village_code': '520628102001', 'village_name': '丙村'}], 2, True)
    >>> gaps(mini_store(), "520628", "cooperatives_without_org", limit=1, cursor=page["next_cursor"])["items"][0]["id"]
    'CO-4'
    >>> gaps(mini_store(), "520628", "poor_households_chain_incomplete")["items"][0]["breaks_at"]
    'member'
    """
    validate_scope(scope)
    if kind not in GAP_KINDS:
        raise InvalidArgument(f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}")
    index = None if live else store.derived()
    if index is not None:
        return page_of_slice(lambda offset, n: index.gap_items(kind, scope, offset=offset, limit=n),
                             index.gap_total(kind, scope), list_id=list_identity(f"list_{kind}", scope=scope),
                             version=index.version, limit=limit, cursor=cursor)
    return page(store, f"list_{kind}", {"scope": scope}, limit=limit, cursor=cursor)
