"""Does pairing raise a weak village's collective income? A matched difference-in-differences.

The design, on a pairing graph from :func:`partychain.analysis.projections.pairing_graph`
(nodes carry ``income`` {year: yuan}, ``town_code``, ``county_code``; edges strong → weak
carry ``since``):

* **Units.** Weak villages: baseline-year income below ``weak_below`` (default: the graph's
  ``weak_below``, 50,000 yuan). *Treated*: weak villages with at least one incoming pairing
  (first year ``since`` = the earliest of their pairings). *Controls*: weak villages with no
  pairing at all. Paired villages that are not weak at baseline, weak villages that lead
  another village, and villages without an income before ``since`` and from ``since`` on
  are left out (``n_excluded``).
* **Outcome.** For a village and a pairing year s: Δ(s) = mean income of the years ≥ s minus
  mean income of the years < s (all years the ledger holds).
* **Matching.** Each treated village is compared with its ``neighbors`` nearest controls by
  baseline income (absolute difference in yuan, with replacement) *in its own town*; when
  its town has no control village, in its county; when the county has none, among all
  controls (``n_fallback`` counts treated villages matched outside their town). Fewer than
  ``neighbors`` controls in the town means all of them are used.
* **Estimate** (ATT, yuan per year): mean over treated villages of Δ_i(s_i) − mean of the
  matched controls' Δ_j(s_i).
* **Confidence interval.** Percentile bootstrap: treated and control villages are resampled
  with replacement (separately), matching is redone, ``n_boot`` times (seeded).
* **Permutation test.** Null model: degree-preserving rewiring of the strong → weak edges
  (:func:`rewire_pairings`). Every strong village keeps its out-degree and every edge its
  ``since``; the weak side keeps its in-degree *sequence* within each town (``within="town"``,
  default) or county, reassigned to random weak villages of that town, unpaired ones
  included. (Keeping each weak village's own in-degree would keep the treated set, and with
  it the estimate, fixed: the null would be empty.) The estimate is recomputed on ``n_perm``
  rewired graphs; one-sided p = (1 + #{null ≥ observed}) / (1 + n_perm).

Assumptions: pairings were chosen on baseline data (income, town), not on expected growth;
matched controls would have grown like the treated villages without pairing (parallel
trends given town and baseline income); one village's pairing does not change an unpaired
village's income (no spill-over). The bootstrap ignores that nearest-neighbour matching
makes the estimator non-smooth (Abadie & Imbens 2008), so read the interval as approximate;
the permutation p-value is exact under its null.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from partychain.errors import InvalidArgument

from .projections import WEAK_BELOW

log = logging.getLogger(__name__)

__all__ = ["PairingEffect", "matches", "pairing_effect", "rewire_pairings"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Within = Literal["town", "county"]


@dataclass(frozen=True)
class PairingEffect:
    """A matched difference-in-differences estimate of the pairing effect (yuan per year).

    ``estimate`` is the average effect on the paired (treated) weak villages; ``ci_low`` and
    ``ci_high`` its percentile bootstrap interval at ``level``; ``p_value`` the one-sided
    permutation p-value against degree-preserving rewired pairings (None when ``n_perm``
    is 0). ``treated_change`` and ``control_change`` are the mean income changes (post − pre)
    of the treated villages and of their matched controls, whose difference is the estimate.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float | None
    n_treated: int
    n_control: int
    n_fallback: int
    n_excluded: int
    treated_change: float
    control_change: float
    baseline_year: int
    weak_below: float
    level: float
    neighbors: int
    n_boot: int
    n_perm: int
    rewire_within: str
    seed: int
    boot_estimates: tuple[float, ...] = field(default=(), repr=False)
    null_estimates: tuple[float, ...] = field(default=(), repr=False)

    def summary(self) -> str:
        """One line for reports.

        >>> PairingEffect(40_000.0, 35_000.0, 45_000.0, 0.001, 89, 59, 3, 0, 50_000.0, 10_000.0, 2017,
        ...               50_000, 0.95, 3, 999, 999, "town", 2021).summary()  # doctest: +ELLIPSIS
        'pairing effect 40,000 yuan/year (95% CI 35,000 to 45,000), permutation p = 0.001 (999 rewirings); ...'
        """
        p = "not tested" if self.p_value is None else f"{self.p_value:.3g}"
        return (f"pairing effect {self.estimate:,.0f} yuan/year ({self.level:.0%} CI {self.ci_low:,.0f} to "
                f"{self.ci_high:,.0f}), permutation p = {p} ({self.n_perm} rewirings); {self.n_treated} paired vs "
                f"{self.n_control} unpaired weak villages ({self.n_fallback} matched outside their town)")

    def to_dict(self, *, draws: bool = False) -> dict[str, Any]:
        """Fields as a dict (without the bootstrap and null draws unless ``draws``)."""
        d = asdict(self)
        if not draws:
            d.pop("boot_estimates")
            d.pop("null_estimates")
        return d


@dataclass
class _Design:
    """Arrays of the eligible weak villages and the rewirable pairing edges."""

    codes: list[Hashable]
    baseline: FloatArray
    town: IntArray
    county: IntArray
    sinces: IntArray  # distinct pairing years
    delta: FloatArray  # (len(sinces), n): Δ of every eligible village for every pairing year
    edge_src: list[Hashable]  # strong end of each rewirable edge
    edge_since: IntArray  # index into sinces
    edge_dst: IntArray  # index into codes
    fixed_edges: list[tuple[Hashable, Hashable, dict[str, Any]]]
    n_excluded: int
    baseline_year: int
    weak_below: float

    def treatment(self, dst: IntArray) -> tuple[npt.NDArray[np.bool_], IntArray]:
        """Treated mask and pairing-year index per village for edges ending at ``dst``."""
        n = len(self.codes)
        first = np.full(n, len(self.sinces), dtype=np.int64)
        np.minimum.at(first, dst, self.edge_since)
        treated = first < len(self.sinces)
        return treated, np.where(treated, first, 0)


def _baseline_year(g: nx.DiGraph, baseline_year: int | None) -> int:
    if baseline_year is not None:
        return int(baseline_year)
    if g.graph.get("baseline_year") is not None:
        return int(g.graph["baseline_year"])
    sinces = [d for _, _, d in g.edges(data="since") if d is not None]
    if not sinces:
        raise InvalidArgument("no baseline year: pass baseline_year, or give the graph pairings with 'since'")
    return int(min(sinces)) - 1


def _design(g: nx.DiGraph, *, baseline_year: int | None, weak_below: float | None) -> _Design:
    if not g.is_directed():
        raise InvalidArgument("the pairing effect needs the directed pairing graph (strong → weak)")
    year0 = _baseline_year(g, baseline_year)
    weak_below = float(g.graph.get("weak_below", WEAK_BELOW) if weak_below is None else weak_below)
    years = np.array(sorted({int(y) for _, inc in g.nodes(data="income") if inc for y in inc}), dtype=np.int64)
    if not len(years):
        raise InvalidArgument("no village in the graph has incomes")
    weak = []
    for v, a in g.nodes(data=True):
        base = (a.get("income") or {}).get(year0)
        if base is not None and base < weak_below:
            weak.append(v)
    excluded = 0
    eligible: list[Hashable] = []
    first_since: dict[Hashable, int] = {}
    for v in weak:
        if g.out_degree(v):
            excluded += 1
            continue
        preds = list(g.in_edges(v, data="since"))
        if any(s is None for _, _, s in preds):
            log.warning("pairing of %s has no 'since': village left out", v)
            excluded += 1
            continue
        if preds:
            s = min(int(x) for _, _, x in preds)
            inc = g.nodes[v]["income"]
            if not any(y < s for y in inc) or not any(y >= s for y in inc):
                excluded += 1
                continue
            first_since[v] = s
        eligible.append(v)
    weak_set = set(weak)
    excluded += len({w for _, w in g.edges() if w not in weak_set})  # paired, but not weak at baseline
    index = {v: i for i, v in enumerate(eligible)}
    sinces = np.array(sorted({int(s) for _, w, s in g.edges(data="since") if w in index}), dtype=np.int64)
    n = len(eligible)
    inc = np.full((n, len(years)), np.nan)
    ycol = {int(y): j for j, y in enumerate(years)}
    for i, v in enumerate(eligible):
        for y, yuan in g.nodes[v]["income"].items():
            inc[i, ycol[int(y)]] = float(yuan)
    delta = np.full((len(sinces), n), np.nan)
    with np.errstate(all="ignore"):
        for k, s in enumerate(sinces):
            pre, post = inc[:, years < s], inc[:, years >= s]
            ok = (~np.isnan(pre)).any(1) & (~np.isnan(post)).any(1)
            delta[k, ok] = np.nanmean(post[ok], 1) - np.nanmean(pre[ok], 1)
    towns = {t: i for i, t in enumerate(sorted({str(g.nodes[v].get("town_code")) for v in eligible}))}
    counties = {c: i for i, c in enumerate(sorted({str(g.nodes[v].get("county_code")) for v in eligible}))}
    sidx = {int(s): k for k, s in enumerate(sinces)}
    edge_src, edge_since, edge_dst, fixed = [], [], [], []
    for s, w, d in g.edges(data=True):
        if w in index:
            edge_src.append(s)
            edge_since.append(sidx[int(d["since"])])
            edge_dst.append(index[w])
        else:
            fixed.append((s, w, dict(d)))
    return _Design(
        codes=eligible,
        baseline=np.array([float(g.nodes[v]["income"][year0]) for v in eligible]),
        town=np.array([towns[str(g.nodes[v].get("town_code"))] for v in eligible], dtype=np.int64),
        county=np.array([counties[str(g.nodes[v].get("county_code"))] for v in eligible], dtype=np.int64),
        sinces=sinces, delta=delta, edge_src=edge_src, edge_since=np.array(edge_since, dtype=np.int64),
        edge_dst=np.array(edge_dst, dtype=np.int64), fixed_edges=fixed, n_excluded=excluded,
        baseline_year=year0, weak_below=weak_below)


@dataclass
class _Fit:
    estimate: float
    treated_change: float
    control_change: float
    n_fallback: int
    rows: IntArray  # treated village indices used
    chosen: list[IntArray]  # matched control indices per row
    tier: IntArray  # 0 town, 1 county, 2 all


def _knn(t_group: IntArray, t_val: FloatArray, c_group: IntArray, c_val: FloatArray,
         k: int) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Up to ``k`` nearest controls by value within the same group, for each treated row.

    Controls are sorted by (group, value); each treated value's k nearest in its group lie
    among the k positions either side of its insertion point. Returns positions into the
    control arrays (m, k) and which of them are real matches.
    """
    q = len(c_val)
    order = np.lexsort((c_val, c_group))
    cg, cv = c_group[order], c_val[order]
    _, rank = np.unique(np.concatenate([cv, t_val]), return_inverse=True)
    width = int(rank.max()) + 1
    c_key = cg * width + rank[:q]  # sorted: by group, then value
    t_key = t_group * width + rank[q:]
    starts = np.searchsorted(cg, t_group, "left")
    ends = np.searchsorted(cg, t_group, "right")
    pos = np.searchsorted(c_key, t_key, "left")
    cand = pos[:, None] + np.arange(-k, k)[None, :]
    inside = (cand >= starts[:, None]) & (cand < ends[:, None])
    safe = np.clip(cand, 0, q - 1)
    dist = np.where(inside, np.abs(cv[safe] - t_val[:, None]), np.inf)
    part = np.argpartition(dist, k - 1, axis=1)[:, :k]
    ok = np.isfinite(np.take_along_axis(dist, part, 1))
    return order[np.take_along_axis(safe, part, 1)], ok


def _fit(design: _Design, t_idx: IntArray, t_since: IntArray, c_idx: IntArray, k: int, *, detail: bool = False) -> _Fit:
    """Matched DiD on treated rows ``t_idx`` (pairing-year index ``t_since``) against controls ``c_idx``.

    Matching tiers: controls of the treated village's town; if none, of its county; if none, all.
    """
    nan = _Fit(math.nan, math.nan, math.nan, 0, np.zeros(0, np.int64), [], np.zeros(0, np.int64))
    if not len(t_idx) or not len(c_idx):
        return nan
    m = len(t_idx)
    dt = design.delta[t_since, t_idx]
    total, count = np.zeros(m), np.zeros(m, dtype=np.int64)
    tier = np.full(m, -1, dtype=np.int64)
    chosen: dict[int, IntArray] = {}
    zeros = np.zeros(len(design.codes), dtype=np.int64)
    for s in np.unique(t_since):
        cs = c_idx[~np.isnan(design.delta[s, c_idx])]
        if not len(cs):
            continue
        remaining = np.flatnonzero(t_since == s)
        for level, groups in enumerate((design.town, design.county, zeros)):
            if not len(remaining):
                break
            rows = t_idx[remaining]
            idx, ok = _knn(groups[rows], design.baseline[rows], groups[cs], design.baseline[cs], k)
            found = ok.any(1)
            r = remaining[found]
            picks = cs[idx[found]]
            total[r] = np.where(ok[found], design.delta[s, picks], 0.0).sum(1)
            count[r] = ok[found].sum(1)
            tier[r] = level
            if detail:
                for i, row, good in zip(r, picks, ok[found], strict=True):
                    chosen[int(i)] = row[good]
            remaining = remaining[~found]
    use = (count > 0) & ~np.isnan(dt)
    if not use.any():
        return nan
    control = total[use] / count[use]
    return _Fit(estimate=float(np.mean(dt[use] - control)), treated_change=float(np.mean(dt[use])),
                control_change=float(np.mean(control)), n_fallback=int((tier[use] > 0).sum()),
                rows=t_idx[use], chosen=[chosen[int(i)] for i in np.flatnonzero(use)] if detail else [],
                tier=tier[use])


def _rewired_dst(design: _Design, rng: np.random.Generator, within: Within) -> IntArray:
    """New weak ends of the rewirable edges (the null model of :func:`rewire_pairings`).

    Within each stratum (town or county): the eligible villages' in-degrees are permuted,
    then the stratum's edges take the resulting stubs in random order. Vectorised: one
    sort by (stratum, random key) for the degrees, one for the stubs.
    """
    strata = design.town if within == "town" else design.county
    n = len(design.codes)
    indeg = np.bincount(design.edge_dst, minlength=n)
    by_stratum = np.argsort(strata, kind="stable")
    shuffled = np.lexsort((rng.random(n), strata))
    degree = np.empty(n, dtype=np.int64)
    degree[by_stratum] = indeg[shuffled]
    stubs = np.repeat(np.arange(n), degree)
    stub_order = np.lexsort((rng.random(len(stubs)), strata[stubs]))
    edge_order = np.argsort(strata[design.edge_dst], kind="stable")
    new_dst = np.empty_like(design.edge_dst)
    new_dst[edge_order] = stubs[stub_order]
    return new_dst


def rewire_pairings(g: nx.DiGraph, *, seed: int = 2021, within: Within = "town", baseline_year: int | None = None,
                    weak_below: float | None = None) -> nx.DiGraph:
    """A copy of the pairing graph with the strong → weak edges rewired (the permutation null model).

    A bipartite configuration model on strong villages × eligible weak villages (see the
    module docstring): each strong village keeps its out-degree and each edge its attributes;
    within each town (``within="town"``) or county, the in-degrees of the weak villages are
    shuffled over all of that town's eligible weak villages (paired or not) and the edges'
    weak ends are drawn from the resulting stubs. Edges into villages that are not eligible
    weak villages stay as they are. A parallel edge (the same strong village drawn twice
    for one weak village) is merged, so such a weak village loses an in-degree.

    >>> g = nx.DiGraph(baseline_year=2017)
    >>> g.add_nodes_from([(f"w{i}", {"town_code": "t", "county_code": "c", "income": {2017: 10_000, 2018: 12_000}})
    ...                   for i in range(4)])
    >>> g.add_node("s", town_code="t", county_code="c", income={2017: 300_000, 2018: 300_000})
    >>> g.add_edge("s", "w0", since=2018)
    >>> rewired = rewire_pairings(g, seed=1)
    >>> rewired.out_degree("s"), sorted(d for _, d in rewired.in_degree() if d)
    (1, [1])
    """
    design = _design(g, baseline_year=baseline_year, weak_below=weak_below)
    dst = _rewired_dst(design, np.random.default_rng(seed), within)
    rewired = g.copy()
    rewired.remove_edges_from(list(g.edges()))
    for s, w, d in design.fixed_edges:
        rewired.add_edge(s, w, **d)
    for e, (s, w) in enumerate(zip(design.edge_src, dst, strict=True)):
        rewired.add_edge(s, design.codes[int(w)], **g.edges[s, design.codes[int(design.edge_dst[e])]])
    return rewired


def _check(neighbors: int, n_boot: int, n_perm: int, level: float, within: str) -> None:
    if neighbors < 1:
        raise InvalidArgument(f"neighbors must be at least 1, got {neighbors}")
    if n_boot < 0 or n_perm < 0:
        raise InvalidArgument("n_boot and n_perm must not be negative")
    if not 0 < level < 1:
        raise InvalidArgument(f"level must be between 0 and 1, got {level}")
    if within not in ("town", "county"):
        raise InvalidArgument(f"within must be 'town' or 'county', got {within!r}")


def pairing_effect(g: nx.DiGraph, *, neighbors: int = 3, n_boot: int = 999, n_perm: int = 999,
                   level: float = 0.95, seed: int = 2021, rewire_within: Within = "town",
                   baseline_year: int | None = None, weak_below: float | None = None) -> PairingEffect:
    """Effect of pairing on weak villages' collective income: matched DiD, bootstrap CI, permutation p.

    See the module docstring for the design. In short: paired weak villages' change in mean
    income (years from the pairing on minus years before) minus that of their ``neighbors``
    nearest unpaired weak villages by baseline income in the same town (falling back to the
    county, then to all, when a town has no unpaired weak village).

    Parameters
    ----------
    g : networkx.DiGraph
        A pairing graph (:func:`~partychain.analysis.projections.pairing_graph`).
    neighbors : int, optional
        Controls matched to each treated village (default 3).
    n_boot : int, optional
        Bootstrap replicates for the interval (default 999; 0 gives a NaN interval).
    n_perm : int, optional
        Rewired graphs for the permutation test (default 999; 0 skips it, p_value None).
    level : float, optional
        Confidence level of the interval (default 0.95).
    seed : int, optional
        Seed of all random draws (bootstrap and rewiring).
    rewire_within : {"town", "county"}, optional
        Stratum of the rewiring null model (default "town").
    baseline_year, weak_below : optional
        Override the graph's baseline year and weak threshold.

    Returns
    -------
    PairingEffect

    Raises
    ------
    InvalidArgument
        When there is no paired or no unpaired weak village, or an option is out of range.

    Examples
    --------
    Six weak villages in two towns, three of them paired in 2018 and given 10,000 yuan more:

    >>> g = nx.DiGraph(baseline_year=2017)
    >>> for i, (town, base) in enumerate([("t1", 20_000), ("t1", 21_000), ("t1", 30_000), ("t1", 31_000),
    ...                                    ("t2", 40_000), ("t2", 41_000)]):
    ...     bump = 10_000 if i % 2 == 0 else 0
    ...     g.add_node(f"w{i}", town_code=town, county_code="c",
    ...                income={2016: base, 2017: base, 2018: base + 1_000 + bump, 2019: base + 2_000 + bump})
    >>> g.add_node("s", town_code="t1", county_code="c", income={2016: 300_000, 2017: 300_000})
    >>> g.add_edges_from([("s", "w0"), ("s", "w2"), ("s", "w4")], since=2018)
    >>> e = pairing_effect(g, neighbors=1, n_boot=200, n_perm=200)
    >>> e.estimate, e.ci_low, e.ci_high, e.n_treated, e.n_control
    (10000.0, 10000.0, 10000.0, 3, 3)
    >>> e.p_value < 0.2
    True
    """
    _check(neighbors, n_boot, n_perm, level, rewire_within)
    design = _design(g, baseline_year=baseline_year, weak_below=weak_below)
    treated, tsince = design.treatment(design.edge_dst)
    t_idx, c_idx = np.flatnonzero(treated), np.flatnonzero(~treated)
    if not len(t_idx):
        raise InvalidArgument("no paired weak village to estimate the effect on")
    if not len(c_idx):
        raise InvalidArgument("no unpaired weak village to compare with")
    fit = _fit(design, t_idx, tsince[t_idx], c_idx, neighbors)
    rng = np.random.default_rng(seed)
    boot_rng, perm_rng = rng.spawn(2)
    draws = []
    for _ in range(n_boot):
        t = boot_rng.choice(t_idx, len(t_idx))
        c = boot_rng.choice(c_idx, len(c_idx))
        draws.append(_fit(design, t, tsince[t], c, neighbors).estimate)
    boots = np.array(draws)
    boots = boots[~np.isnan(boots)]
    alpha = (1 - level) / 2
    lo, hi = (np.quantile(boots, [alpha, 1 - alpha]) if len(boots) else (math.nan, math.nan))
    null: list[float] = []
    for _ in range(n_perm):
        ptreated, psince = design.treatment(_rewired_dst(design, perm_rng, rewire_within))
        pt, pc = np.flatnonzero(ptreated), np.flatnonzero(~ptreated)
        null.append(_fit(design, pt, psince[pt], pc, neighbors).estimate)
    null_arr = np.array(null)
    p = (1 + int(np.sum(null_arr >= fit.estimate - 1e-9))) / (1 + n_perm) if n_perm else None
    result = PairingEffect(
        estimate=fit.estimate, ci_low=float(lo), ci_high=float(hi), p_value=p, n_treated=len(t_idx),
        n_control=len(c_idx), n_fallback=fit.n_fallback, n_excluded=design.n_excluded,
        treated_change=fit.treated_change, control_change=fit.control_change, baseline_year=design.baseline_year,
        weak_below=design.weak_below, level=level, neighbors=neighbors, n_boot=n_boot, n_perm=n_perm,
        rewire_within=rewire_within, seed=seed, boot_estimates=tuple(float(x) for x in boots),
        null_estimates=tuple(float(x) for x in null_arr))
    log.info("%s", result.summary())
    return result


def matches(g: nx.DiGraph, *, neighbors: int = 3, baseline_year: int | None = None,
            weak_below: float | None = None) -> pd.DataFrame:
    """The matched comparison behind :func:`pairing_effect`, one row per paired weak village.

    Columns: ``code``, ``name``, ``town_code``, ``baseline_income``, ``since``, ``change``
    (its mean income from ``since`` on minus before), ``controls`` (matched unpaired weak
    villages, ';'-joined), ``control_change`` (their mean change over the same years),
    ``matched_in`` (``'town'``, ``'county'`` or ``'all'``), ``difference`` (change −
    control_change; the estimate is the mean of this column).

    >>> g = nx.DiGraph(baseline_year=2017)
    >>> g.add_node("w0", town_code="t", county_code="c", income={2017: 20_000, 2018: 35_000})
    >>> g.add_node("w1", town_code="t", county_code="c", income={2017: 22_000, 2018: 24_000})
    >>> g.add_node("s", town_code="t", county_code="c", income={2017: 300_000})
    >>> g.add_edge("s", "w0", since=2018)
    >>> matches(g)[["code", "change", "controls", "difference", "matched_in"]].values.tolist()
    [['w0', 15000.0, 'w1', 13000.0, 'town']]
    """
    _check(neighbors, 0, 0, 0.5, "town")
    design = _design(g, baseline_year=baseline_year, weak_below=weak_below)
    treated, tsince = design.treatment(design.edge_dst)
    t_idx, c_idx = np.flatnonzero(treated), np.flatnonzero(~treated)
    cols = ["code", "name", "town_code", "baseline_income", "since", "change", "controls", "control_change",
            "matched_in", "difference"]
    fit = _fit(design, t_idx, tsince[t_idx], c_idx, neighbors, detail=True)
    rows = []
    for i, picked, tier in zip(fit.rows, fit.chosen, fit.tier, strict=True):
        v = design.codes[int(i)]
        k = int(tsince[i])
        change = float(design.delta[k, i])
        control = float(np.mean(design.delta[k, picked]))
        rows.append({"code": v, "name": g.nodes[v].get("name"), "town_code": g.nodes[v].get("town_code"),
                     "baseline_income": design.baseline[i], "since": int(design.sinces[k]), "change": change,
                     "controls": ";".join(str(design.codes[int(c)]) for c in picked), "control_change": control,
                     "matched_in": ("town", "county", "all")[int(tier)], "difference": change - control})
    return pd.DataFrame(rows, columns=cols)
