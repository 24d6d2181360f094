"""Reported vs computed: the county's published figures beside what the graph holds, compared as worded.

Every metric (:data:`partychain.graph_model.metrics.METRICS`) is computed from named queries for any
division scope (things count where they are located or live; a party organization where its
``seat_code`` is).  Each reported figure is compared as its qualifiers say, from the source's wording:

* ``exact`` (the default): equal → ``match``, else ``mismatch``;
* ``at_least`` (余, "more than"): computed ≥ reported → ``meets_bound``, else ``mismatch``;
* ``planned`` (规划): compared with the ledger's planned quantity (``bases.planned_scale``); without one,
  ``not_computable`` with the reason;
* ``per_year`` (年出栏): compared with the ledger's yearly output (``bases.annual_output``), not with what
  stands at the bases; without one, ``not_computable``;
* ``can_reach`` (可达): a reach, a capacity: computed ≥ reported → ``meets_bound``; fewer recorded than the
  reach neither confirms nor contradicts it → ``not_computable`` with the reason.

A figure whose metric is not known here is listed as not computable, never dropped; a mismatch is
shown, never hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from partychain.graph_model.metrics import METRICS, UNIT_METRICS
from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

Status = Literal["match", "meets_bound", "mismatch", "not_computable", "unreported"]
HOLDS: tuple[Status, ...] = ("match", "meets_bound")
"""Statuses under which a published figure holds."""


def compute_metrics(store: GraphStore, scope: str) -> dict[str, float | None]:
    """Every metric of :data:`~partychain.graph_model.metrics.METRICS` for the division ``scope``, and for each
    base-scale metric its ``_planned`` and ``_per_year`` readings (``None`` where the ledger records none).

    >>> from partychain.testing import mini_store
    >>> m = compute_metrics(mini_store(), "520628")
    >>> m["cooperatives"], m["planting_mu"], m["planting_mu_planned"], m["pigs_head_per_year"]
    (4, 800, 900, 2400)
    >>> m["fungus_sticks_planned"] is None  # no base measured in sticks has a planned scale
    True
    """
    out: dict[str, float | None] = {}
    orgs = store.named("count_orgs_in_scope", scope=scope).records()[0]
    for k in ("joint_committees", "general_branches", "cooperative_joint_branches"):
        out[k] = orgs[k]
    out.update(store.named("count_cooperatives_in_scope", scope=scope).records()[0])
    out.update(store.named("count_dam_areas_in_scope", scope=scope).records()[0])
    for m in UNIT_METRICS.values():
        out[m], out[f"{m}_planned"], out[f"{m}_per_year"] = 0, None, None
    for row in store.named("sum_base_scale_in_scope", scope=scope).records():
        metric = UNIT_METRICS.get(row["unit"])
        if metric is None:
            continue
        out[metric] = _num(row["scale"])
        out[f"{metric}_planned"] = _num(row["planned"]) if row["planned_bases"] else None
        out[f"{metric}_per_year"] = _num(row["annual_output"]) if row["output_bases"] else None
    out["employment_person_times"] = sum(
        r["person_times"] for r in store.named("sum_employment_in_scope", scope=scope).records())
    out["cooperative_work_rules"] = store.named("count_work_rules_in_scope", scope=scope).records()[0]["work_rules"]
    out.update(store.named("count_people_in_scope", scope=scope).records()[0])
    names = [m.name for m in METRICS] + [f"{u}_{r}" for u in UNIT_METRICS.values() for r in ("planned", "per_year")]
    return {n: (None if out[n] is None else _num(out[n])) for n in names}


def _num(v: Any) -> float:
    if v is None:
        return 0
    f = float(v)
    return int(f) if f.is_integer() else f


@dataclass(frozen=True)
class FigureRow:
    """One reported figure beside its computed value, compared as its qualifiers say."""

    metric: str
    scope_code: str
    as_of: str | None
    unit: str | None
    reported: float | None
    computed: float | None
    status: Status
    qualifiers: list[str] = field(default_factory=list)
    reason: str | None = None
    wording: str | None = None
    source_title: str | None = None
    source_author: str | None = None
    source_published_at: str | None = None
    publisher: str | None = None
    year: int | None = None  # the ledger year (dataset version) the figure was compared with; None: no year

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(metric: str, reported: float, qualifiers: Sequence[str],
            values: dict[str, float | None]) -> tuple[float | None, Status, str | None]:
    """(computed value, status, reason) of one reported figure.

    >>> compare("planting_mu", 600_000, ["planned", "at_least"], {"planting_mu": 5e5, "planting_mu_planned": 612_300})
    (612300, 'meets_bound', None)
    >>> compare("pigs_head", 765_200, ["per_year"], {"pigs_head": 480_000, "pigs_head_per_year": None})[1:]
    ('not_computable', 'the ledger records no yearly output for pigs_head (bases.annual_output); a yearly flow is not \
compared with what stands at the bases')
    """
    q = set(qualifiers) or {"exact"}
    key = metric
    if "planned" in q:
        key = f"{metric}_planned"
        if key not in values:
            return None, "not_computable", f"{metric} has no planned reading (only base-scale metrics are planned)"
        if values[key] is None:
            return None, "not_computable", (f"the ledger records no planned quantity for {metric} "
                                            "(bases.planned_scale)")
    elif "per_year" in q:
        key = f"{metric}_per_year"
        if key not in values:
            return None, "not_computable", f"{metric} has no yearly reading (only base-scale metrics are yearly)"
        if values[key] is None:
            return None, "not_computable", (f"the ledger records no yearly output for {metric} (bases.annual_output); "
                                            "a yearly flow is not compared with what stands at the bases")
    computed = values.get(key)
    if computed is None:
        return None, "not_computable", f"no metric {metric!r} is known (see `partychain figures --all`)"
    if "can_reach" in q:
        if computed >= reported:
            return computed, "meets_bound", None
        return computed, "not_computable", ("a reach (可达) is a capacity: the ledger records fewer, which neither "
                                            "confirms nor contradicts it")
    if "at_least" in q:
        return computed, ("meets_bound" if computed >= reported else "mismatch"), None
    return computed, ("match" if abs(float(computed) - float(reported)) < 1e-9 else "mismatch"), None


def figures(store: GraphStore, *, scope: str = "", include_unreported: bool = False,
            on_scope: Callable[[str], None] | None = None) -> list[FigureRow]:
    """Every reported figure (about ``scope`` or below) beside the value computed from the graph.

    Each figure is compared with the ledger year of its as-of date when that year is loaded (a dataset
    version, ``partychain versions``), else with the graph of ``store``; ``FigureRow.year`` says which.
    With ``include_unreported``, metrics without a reported figure are listed for each
    scope that has reported figures, with status ``unreported``.
    """
    reported = store.named("list_reported_figures", scope=scope).records()
    info = store.dataset()
    own = info.year if info is not None else None
    years = set(store.years()) if reported else set()
    cache: dict[tuple[str, int | None], dict[str, float | None]] = {}
    rows: list[FigureRow] = []
    for r in reported:
        sc = r["scope_code"]
        as_of_year = int(str(r["as_of"])[:4]) if r["as_of"] else None
        year = as_of_year if as_of_year in years else own
        if (sc, year) not in cache:
            if on_scope:
                on_scope(sc)
            if year == own:
                cache[(sc, year)] = compute_metrics(store, sc)
            else:
                with store.pinned(year) as then:
                    cache[(sc, year)] = compute_metrics(then, sc)
        rep = _num(r["value"])
        qualifiers = list(r["qualifiers"] or [])
        computed, status, reason = compare(r["metric"], rep, qualifiers, cache[(sc, year)])
        rows.append(FigureRow(metric=r["metric"], scope_code=sc, as_of=r["as_of"], unit=r["unit"], reported=rep,
                              computed=computed, status=status, qualifiers=qualifiers or ["exact"], reason=reason,
                              wording=r["wording"], source_title=r["source_title"], source_author=r["source_author"],
                              source_published_at=r["source_published_at"], publisher=r["publisher"], year=year))
    if include_unreported:
        seen = {(r.metric, r.scope_code) for r in rows}
        for (sc, year), values in cache.items():
            for m in METRICS:
                if (m.name, sc) not in seen:
                    seen.add((m.name, sc))
                    rows.append(FigureRow(metric=m.name, scope_code=sc, as_of=None, unit=m.unit, reported=None,
                                          computed=values[m.name], status="unreported", year=year))
    mism = sum(1 for r in rows if r.status == "mismatch")
    if mism:
        log.warning("%d reported figure(s) do not match the graph", mism)
    return rows
