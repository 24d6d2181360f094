"""Coverage of the industry chain in a division, and the gap lists behind every shortfall."""

from __future__ import annotations

from typing import Any

from partychain.errors import InvalidArgument
from partychain.storage.base import GraphStore

from .pages import page
from .scopes import validate_scope

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


GAP_RECORD_LABELS: dict[str, str] = {
    "cooperatives_without_org": "Cooperative",
    "demo_points_without_org": "Cooperative",
    "poor_households_not_driven": "Household",
    "bases_without_member": "Base",
    "members_driving_nobody": "PartyMember",
    "poor_households_chain_incomplete": "Household",
}
"""The node label of each gap kind's records (their ``id`` is that label's key)."""


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
    return page(store, f"list_{kind}", {"scope": scope}, limit=limit, cursor=cursor)
