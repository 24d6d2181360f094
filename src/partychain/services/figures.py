"""Reported vs computed: the county's published figures beside what the graph holds.

Every metric here is computed from named queries for any division scope (things count
where they are located or live; a party organization where its ``seat_code`` is).
A reported figure whose metric is not known here is listed as not computable, never
dropped; a mismatch is shown, never hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

Status = Literal["match", "mismatch", "not_computable", "unreported"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    description: str


METRICS: tuple[Metric, ...] = (
    Metric("joint_committees", "count", "joint party committees (联合党委) seated in the scope"),
    Metric("general_branches", "count", "area general party branches (片区党总支)"),
    Metric("cooperative_joint_branches", "count", "branches of kind cooperative_joint (合作社联合党支部)"),
    Metric("demo_points", "count", "村社合一 demonstration-point cooperatives"),
    Metric("demo_points_with_party_org", "count", "demonstration cooperatives run by a branch"),
    Metric("dam_areas_with_bases", "count", "dam areas holding at least one base"),
    Metric("planting_mu", "mu", "sum of base scale in mu"),
    Metric("fungus_sticks", "stick", "sum of base scale in sticks"),
    Metric("poultry_birds", "bird", "sum of base scale in birds"),
    Metric("pigs_head", "head", "sum of base scale in head"),
    Metric("employment_person_times", "person_times", "person-times employed at bases, all years"),
    Metric("cooperatives", "count", "cooperatives located in the scope"),
    Metric("cooperatives_with_party_org", "count", "cooperatives run by a branch"),
    Metric("party_members", "count", "party members living in the scope"),
    Metric("households", "count", "households living in the scope"),
    Metric("poor_households", "count", "registered poor households"),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}
_UNIT_METRIC = {"mu": "planting_mu", "stick": "fungus_sticks", "bird": "poultry_birds", "head": "pigs_head"}


def compute_metrics(store: GraphStore, scope: str) -> dict[str, float]:
    """Every metric of :data:`METRICS` for the division ``scope``.

    >>> from partychain.testing import mini_store
    >>> compute_metrics(mini_store(), "520628101")["cooperatives"]
    2
    """
    out: dict[str, float] = {}
    orgs = store.named("count_orgs_in_scope", scope=scope).records()[0]
    for k in ("joint_committees", "general_branches", "cooperative_joint_branches"):
        out[k] = orgs[k]
    out.update(store.named("count_cooperatives_in_scope", scope=scope).records()[0])
    out["dam_areas_with_bases"] = store.named("count_dam_areas_with_bases", scope=scope).scalar()
    for m in _UNIT_METRIC.values():
        out[m] = 0
    for row in store.named("sum_base_scale_in_scope", scope=scope).records():
        if row["unit"] in _UNIT_METRIC:
            out[_UNIT_METRIC[row["unit"]]] = _num(row["scale"])
    out["employment_person_times"] = sum(
        r["person_times"] for r in store.named("sum_employment_in_scope", scope=scope).records())
    out.update(store.named("count_people_in_scope", scope=scope).records()[0])
    return {m.name: _num(out[m.name]) for m in METRICS}


def _num(v: Any) -> float:
    if v is None:
        return 0
    f = float(v)
    return int(f) if f.is_integer() else f


@dataclass(frozen=True)
class FigureRow:
    """One reported figure beside its computed value."""

    metric: str
    scope_code: str
    as_of: str | None
    unit: str | None
    reported: float | None
    computed: float | None
    status: Status
    source_title: str | None = None
    publisher: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def figures(store: GraphStore, *, scope: str = "", include_unreported: bool = False,
            on_scope: Callable[[str], None] | None = None) -> list[FigureRow]:
    """Every reported figure (about ``scope`` or below) beside the value computed from the graph.

    With ``include_unreported``, metrics without a reported figure are listed for each
    scope that has reported figures, with status ``unreported``.
    """
    reported = store.named("list_reported_figures", scope=scope).records()
    cache: dict[str, dict[str, float]] = {}
    rows: list[FigureRow] = []
    for r in reported:
        sc = r["scope_code"]
        if sc not in cache:
            if on_scope:
                on_scope(sc)
            cache[sc] = compute_metrics(store, sc)
        computed = cache[sc].get(r["metric"])
        rep = _num(r["value"])
        status: Status
        if computed is None:
            status = "not_computable"
        else:
            status = "match" if abs(float(computed) - float(rep)) < 1e-9 else "mismatch"
        rows.append(FigureRow(metric=r["metric"], scope_code=sc, as_of=r["as_of"], unit=r["unit"], reported=rep,
                              computed=computed, status=status, source_title=r["source_title"],
                              publisher=r["publisher"]))
    if include_unreported:
        seen = {(r.metric, r.scope_code) for r in rows}
        for sc, values in cache.items():
            for m in METRICS:
                if (m.name, sc) not in seen:
                    rows.append(FigureRow(metric=m.name, scope_code=sc, as_of=None, unit=m.unit, reported=None,
                                          computed=values[m.name], status="unreported"))
    mism = sum(1 for r in rows if r.status == "mismatch")
    if mism:
        log.warning("%d reported figure(s) do not match the graph", mism)
    return rows
