"""What a researcher checks around the pairing effect: event study, balance, power, hidden bias, spill-over, subgroups.

Every function takes the data first — a pairing graph or a
:class:`~partychain.analysis.panel.PairingPanel` — and the matching options of
:func:`~partychain.analysis.effect.pairing_effect` (same names, same defaults), so that each
diagnostic describes the same comparison as the estimate it checks:

* :func:`event_study` — the effect year by year, with the years just before pairing as a
  placebo (matching then uses only the years before the placebo window);
* :func:`balance_table` — covariates of the paired villages against all and against the
  matched unpaired villages, standardised mean differences before and after matching;
* :func:`power_analysis` — the smallest effect the design detects with 80 % power, and power
  by effect size, from the clustered standard error and its degrees of freedom;
* :func:`sensitivity` — Rosenbaum bounds: how strong a hidden bias in who got paired (odds Γ)
  would have to be to explain the matched differences away;
* :func:`spillover_checks` — whether unpaired villages fare differently when many villages of
  their town are paired, or when they cooperate closely with paired villages;
* :func:`heterogeneity` — the effect by subgroup (partners per leader, within or across towns,
  shared industry, linkage model, village or 社区) with Holm-adjusted p-values for the differences.

See ``docs/analysis.md`` for how to read each one.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import optimize, stats

from partychain.errors import InvalidArgument

from .effect import (
    DEFAULT_CALIPER,
    NEVER,
    BoolArray,
    Cluster,
    Design,
    Fit,
    FloatArray,
    IntArray,
    Model,
    PairingEffect,
    Within,
    check_options,
    clustered,
    cohort_influence,
    design_of,
    fit_cohort,
    fit_design,
    t_interval,
)
from .panel import BALANCE_COVARIATES, PairingPanel

log = logging.getLogger(__name__)

__all__ = [
    "HETEROGENEITY_DIMENSIONS",
    "Power",
    "balance_table",
    "event_study",
    "heterogeneity",
    "holm",
    "power_analysis",
    "sensitivity",
    "spillover_checks",
]


def _prepared(data: nx.DiGraph | PairingPanel, *, neighbors: int, caliper: float, within: Within, model: Model,
              cluster: Cluster, selection_year: int | None, weak_below: float | None) -> tuple[Design, Fit]:
    check_options(neighbors, 0, 0.5, within, caliper, cluster)
    d = design_of(data, selection_year=selection_year, weak_below=weak_below)
    if not (d.cohort != NEVER).any() or not (d.cohort == NEVER).any():
        raise InvalidArgument("needs both paired and unpaired weak villages")
    return d, fit_design(d, neighbors=neighbors, caliper=caliper, within=within, model=model)


# --- event study ------------------------------------------------------------------------------------------------


def event_study(data: nx.DiGraph | PairingPanel, *, placebo_years: int = 1, neighbors: int = 3,
                caliper: float = DEFAULT_CALIPER, within: Within = "town_first", model: Model = "log",
                cluster: Cluster = "town", level: float = 0.95, selection_year: int | None = None,
                weak_below: float | None = None) -> pd.DataFrame:
    """The pairing effect year by year around the pairing year, with a pre-period placebo.

    For each cohort (pairing year s), villages are matched and bias-corrected on the incomes of
    the years before s − ``placebo_years`` only; the outcome of year t is its income minus the
    mean income of those matching years. The rows with ``relative_year`` −``placebo_years`` … −1
    are placebos: pairing had not started, so their estimates should be near 0 — unless paired
    villages were chosen on a shock in those years (see ``docs/analysis.md``). Rows from 0 on
    are the effect in each year since pairing. Cohorts are pooled by relative year, weighted by
    their matched villages; intervals are clustered like :func:`~partychain.analysis.effect.pairing_effect`.

    Columns: ``relative_year``, ``years`` (calendar years pooled, ';'-joined), ``placebo``,
    ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n_treated``, ``n_clusters``.

    >>> from partychain.analysis.simulate import simulate_panel
    >>> es = event_study(simulate_panel("as_generated_effect", seed=3))
    >>> es[["relative_year", "placebo"]].values.tolist()
    [[-1, True], [0, False], [1, False], [2, False], [3, False]]
    >>> bool(abs(es["estimate"].iloc[0]) < 5_000 and (es["estimate"].iloc[1:] > 30_000).all())
    True
    """
    if placebo_years < 0:
        raise InvalidArgument(f"placebo_years must not be negative, got {placebo_years}")
    if not 0 < level < 1:
        raise InvalidArgument(f"level must be between 0 and 1, got {level}")
    check_options(neighbors, 0, level, within, caliper, cluster)
    d = design_of(data, selection_year=selection_year, weak_below=weak_below)
    controls = np.flatnonzero(d.cohort == NEVER)
    parts: dict[int, list[tuple[int, Any]]] = {}
    years = d.years
    for s in np.unique(d.cohort[d.cohort != NEVER]):
        cov_years = years[years < s - placebo_years]
        if not len(cov_years):
            log.warning("cohort %d has no year before its placebo window: left out of the event study", s)
            continue
        ccols = np.flatnonzero(np.isin(years, cov_years))
        with np.errstate(all="ignore"):
            base = np.nanmean(d.income[:, ccols], axis=1)
        treated = np.flatnonzero(d.cohort == s)
        for j, t in enumerate(years):
            if t < s - placebo_years:
                continue
            fit = fit_cohort(d, int(s), treated, controls, neighbors=neighbors, caliper=caliper, within=within,
                              model=model, cov_years=cov_years, level=d.income[:, j], base=base)
            if len(fit.treated):
                parts.setdefault(int(t - s), []).append((int(t), fit))
    rows = []
    for e in sorted(parts):
        fits = parts[e]
        total = sum(len(f.treated) for _, f in fits)
        est = sum(len(f.treated) * f.estimate for _, f in fits) / total
        psi = sum(len(f.treated) / total * cohort_influence(f, f.weights, f.treated, f.estimate) for _, f in fits)
        se, g = clustered(np.asarray(psi), d.cluster_id[cluster])
        lo, hi, _ = t_interval(est, se, g, level)
        rows.append({"relative_year": e, "years": ";".join(str(t) for t in sorted({t for t, _ in fits})),
                     "placebo": e < 0, "estimate": est, "se": se, "ci_low": lo, "ci_high": hi, "n_treated": total,
                     "n_clusters": g})
    return pd.DataFrame(rows, columns=["relative_year", "years", "placebo", "estimate", "se", "ci_low", "ci_high",
                                       "n_treated", "n_clusters"])


# --- balance ----------------------------------------------------------------------------------------------------


def _weighted(values: FloatArray, weights: FloatArray) -> float:
    ok = np.isfinite(values) & (weights > 0)
    return float(np.sum(values[ok] * weights[ok]) / np.sum(weights[ok])) if ok.any() else math.nan


def _wvar(values: FloatArray, weights: FloatArray) -> float:
    ok = np.isfinite(values) & (weights > 0)
    if not ok.any():
        return math.nan
    m = np.sum(values[ok] * weights[ok]) / np.sum(weights[ok])
    return float(np.sum(weights[ok] * (values[ok] - m) ** 2) / np.sum(weights[ok]))


def balance_table(data: nx.DiGraph | PairingPanel, *, covariates: Sequence[str] | None = None, neighbors: int = 3,
                  caliper: float = DEFAULT_CALIPER, within: Within = "town_first", model: Model = "log",
                  selection_year: int | None = None, weak_below: float | None = None) -> pd.DataFrame:
    """Covariates of the matched paired villages against all unpaired and against their matched controls.

    Rows: income in each pre-year, by year relative to the pairing year (``income t-1``, ...,
    yuan), its logarithm, and the village covariates of the panel (default
    :data:`~partychain.analysis.panel.BALANCE_COVARIATES` that are present). Columns:
    ``covariate``, ``treated`` (mean over matched paired villages), ``controls_all`` (mean over
    every unpaired weak village), ``controls_matched`` (mean over matched controls, weighted by
    how often each is used), ``smd_before`` and ``smd_after`` (standardised mean differences:
    difference of means over the pooled sd of paired and all unpaired villages, the same
    denominator before and after), ``variance_ratio`` (treated variance over matched-control
    variance). |SMD| below 0.1 is the usual reading of "balanced"; matching on pre-year incomes
    should balance them, the other covariates show what matching did not target.

    >>> from partychain.analysis.simulate import simulate_panel
    >>> b = balance_table(simulate_panel("as_generated", seed=3))
    >>> b["covariate"].tolist()
    ['income t-2', 'income t-1', 'log income t-2', 'log income t-1']
    >>> bool((b["smd_after"].abs() < 0.25).all())
    True
    """
    d, fit = _prepared(data, neighbors=neighbors, caliper=caliper, within=within, model=model, cluster="town",
                       selection_year=selection_year, weak_below=weak_below)
    vil = d.panel.villages.reindex(d.codes)
    wanted = [c for c in (BALANCE_COVARIATES if covariates is None else covariates) if c in vil.columns]
    if covariates is not None:
        missing = sorted(set(covariates) - set(vil.columns))
        if missing:
            raise InvalidArgument(f"covariates not in the panel's villages table: {missing}")
    max_pre = max((int(np.sum(d.years < c.since)) for c in fit.cohorts), default=0)
    # per cohort: treated weights, matched-control weights, all-control weights; stacked by cohort share
    n_used = fit.n_used
    series: dict[str, list[tuple[FloatArray, FloatArray, FloatArray, FloatArray]]] = {}
    for c in fit.cohorts:
        if not len(c.treated):
            continue
        share = len(c.treated) / n_used
        n = len(d.codes)
        wt = np.zeros(n)
        wt[c.treated] = share / len(c.treated)
        wm = np.zeros(n)
        for m in c.matched:
            np.add.at(wm, m, share / (len(c.treated) * len(m)))
        wa = np.zeros(n)
        wa[c.controls] = share / len(c.controls)
        for k in range(max_pre, 0, -1):
            year = c.since - k
            if year not in d.years:
                continue
            col = d.income[:, list(d.years).index(year)]
            series.setdefault(f"income t-{k}", []).append((col, wt, wm, wa))
            series.setdefault(f"log income t-{k}", []).append((np.log(np.maximum(col, 1.0)), wt, wm, wa))
        for cov in wanted:
            col = pd.to_numeric(vil[cov], errors="coerce").to_numpy(dtype=float)
            series.setdefault(cov, []).append((col, wt, wm, wa))
    order = [f"income t-{k}" for k in range(max_pre, 0, -1)] + [f"log income t-{k}" for k in range(max_pre, 0, -1)]
    order = [o for o in order if o in series] + [c for c in wanted if c in series]
    rows = []
    for name in order:
        parts = series[name]
        vals = np.concatenate([p[0] for p in parts])
        wt, wm, wa = (np.concatenate([p[i] for p in parts]) for i in (1, 2, 3))
        mt, mm, ma = _weighted(vals, wt), _weighted(vals, wm), _weighted(vals, wa)
        pooled = math.sqrt((_wvar(vals, wt) + _wvar(vals, wa)) / 2)
        vm = _wvar(vals, wm)
        rows.append({"covariate": name, "treated": mt, "controls_all": ma, "controls_matched": mm,
                     "smd_before": (mt - ma) / pooled if pooled > 0 else math.nan,
                     "smd_after": (mt - mm) / pooled if pooled > 0 else math.nan,
                     "variance_ratio": _wvar(vals, wt) / vm if vm > 0 else math.nan})
    return pd.DataFrame(rows, columns=["covariate", "treated", "controls_all", "controls_matched", "smd_before",
                                       "smd_after", "variance_ratio"])


# --- power ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Power:
    """The smallest effect detectable with ``power`` at two-sided level ``alpha`` (see :func:`power_analysis`)."""

    mde: float
    se: float
    df: int
    alpha: float
    power: float
    n_used: int
    n_clusters: int
    curve: tuple[tuple[float, float], ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def frame(self) -> pd.DataFrame:
        """The power curve: ``effect`` (yuan a year) and ``power``."""
        return pd.DataFrame(self.curve, columns=["effect", "power"])


def _power_at(delta: float, se: float, df: int, alpha: float) -> float:
    q = float(stats.t.ppf(1 - alpha / 2, df))
    nc = delta / se
    value = float(stats.nct.sf(q, df, nc) + stats.nct.cdf(-q, df, nc))
    return value if math.isfinite(value) else 1.0


def power_analysis(effect: PairingEffect, *, power: float = 0.8, alpha: float = 0.05,
                   effects: Iterable[float] | None = None) -> Power:
    """Minimum detectable effect of the design behind ``effect`` and power by effect size.

    Uses the estimate's clustered standard error and degrees of freedom: the test rejects "no
    effect" when |estimate| / se exceeds the t quantile; with a true effect δ the statistic is
    noncentral t with noncentrality δ / se. The minimum detectable effect (MDE) is the δ with
    the requested power — about 2.8 standard errors with many clusters. The standard error
    barely depends on the effect when the effect is alike across villages (a varying effect
    adds its own spread), so the MDE from an estimate is the MDE of this county's design: its
    number of paired and unpaired weak villages, towns and income noise. ``effects`` (default:
    0 to 2 × MDE in 11 steps) are the points of the power curve.

    >>> e = PairingEffect(40_000.0, 1_000.0, 38_000.0, 42_000.0, 24, 25, "town", None, False, 0, 0.95, 40_000.0,
    ...                   0.0, 0.0, 89, 87, 0, 2, 0, 59, 55, 9, 0, ((2018, 87),), 2017, 50_000, 3, 0.5, "town_first",
    ...                   "weak", 2021)
    >>> p = power_analysis(e)
    >>> round(p.mde), round(p.curve[0][1], 3)
    (2920, 0.05)
    """
    if not 0 < power < 1 or not 0 < alpha < 1:
        raise InvalidArgument("power and alpha must be between 0 and 1")
    se, df = effect.se, effect.df
    if not math.isfinite(se) or se <= 0:
        raise InvalidArgument("the estimate has no standard error (too few clusters)")
    mde = float(optimize.brentq(lambda x: _power_at(x, se, df, alpha) - power, 0.0, 12 * se))
    points = list(effects) if effects is not None else [float(x) for x in np.linspace(0, 2 * mde, 11)]
    curve = tuple((float(x), _power_at(abs(float(x)), se, df, alpha)) for x in points)
    return Power(mde=mde, se=se, df=df, alpha=alpha, power=power, n_used=effect.n_used, n_clusters=effect.n_clusters,
                 curve=curve)


# --- sensitivity to hidden bias ----------------------------------------------------------------------------------


def _signed_rank_bound(diffs: FloatArray, gamma: float) -> float:
    """Upper bound of the one-sided signed-rank p-value when hidden bias has odds at most ``gamma``."""
    d = diffs[diffs != 0]
    if not len(d):
        return 1.0
    ranks = stats.rankdata(np.abs(d))
    t = float(ranks[d > 0].sum())
    p_plus = gamma / (1 + gamma)
    mean = p_plus * ranks.sum()
    var = p_plus * (1 - p_plus) * float((ranks**2).sum())
    return float(stats.norm.sf((t - mean) / math.sqrt(var))) if var > 0 else 1.0


def sensitivity(data: nx.DiGraph | PairingPanel, *, gammas: Sequence[float] = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0),
                alpha: float = 0.05, neighbors: int = 3, caliper: float = DEFAULT_CALIPER,
                within: Within = "town_first", model: Model = "log", selection_year: int | None = None,
                weak_below: float | None = None) -> pd.DataFrame:
    """Rosenbaum bounds for the matched differences: how much hidden bias would explain the effect away?

    Each matched paired village gives one bias-corrected difference τ_i (see
    :func:`~partychain.analysis.effect.matches`). Without hidden bias (Γ = 1) the signs of the
    τ_i are fair coins under "no effect" and Wilcoxon's signed-rank test applies. If an unobserved
    trait made one village of a matched set up to Γ times as likely (in odds) to be paired as
    another, a positive sign has probability at most Γ / (1 + Γ); the table gives the upper
    bound of the one-sided p-value for each Γ (in the direction of the estimate's sign; normal
    approximation). The largest Γ with a bound below ``alpha`` is how strong such a bias would
    have to be before the conclusion changes. Approximate here: a control may serve several
    paired villages and villages of a town share shocks, so the differences are not independent
    as the bound assumes.

    Columns: ``gamma``, ``p_upper``, ``significant`` (p_upper < alpha), ``direction``
    (``'positive'`` or ``'negative'``: the side tested).

    >>> from partychain.analysis.simulate import simulate_panel
    >>> s = sensitivity(simulate_panel("as_generated_effect", seed=3), gammas=(1, 2, 6))
    >>> s["significant"].tolist()
    [True, True, True]
    """
    if not 0 < alpha < 1:
        raise InvalidArgument("alpha must be between 0 and 1")
    if any(g < 1 for g in gammas):
        raise InvalidArgument("every gamma must be at least 1")
    _, fit = _prepared(data, neighbors=neighbors, caliper=caliper, within=within, model=model, cluster="town",
                       selection_year=selection_year, weak_below=weak_below)
    _, tau = fit.tau()
    sign = 1.0 if float(np.mean(tau)) >= 0 else -1.0
    rows = [{"gamma": float(g), "p_upper": _signed_rank_bound(sign * tau, float(g))} for g in gammas]
    out = pd.DataFrame(rows, columns=["gamma", "p_upper"])
    out["significant"] = out["p_upper"] < alpha
    out["direction"] = "positive" if sign > 0 else "negative"
    return out


# --- spill-over ------------------------------------------------------------------------------------------------


def _control_residuals(fit: Fit) -> FloatArray:
    """Each unpaired village's outcome minus its predicted outcome (the bias-correction model), averaged
    over cohorts by their size: how much better or worse it did than its own pre-period predicted."""
    n = len(fit.design.codes)
    out = np.zeros(n)
    weight = np.zeros(n)
    for c in fit.cohorts:
        if not len(c.treated):
            continue
        share = len(c.treated) / fit.n_used
        r = c.resid[c.controls]
        ok = np.isfinite(r)
        out[c.controls[ok]] += share * r[ok]
        weight[c.controls[ok]] += share
    with np.errstate(all="ignore"):
        return np.where(weight > 0, out / weight, np.nan)


def _difference(values: FloatArray, high: BoolArray, low: BoolArray, cluster: IntArray,
                level: float) -> dict[str, float]:
    vh, vl = values[high], values[low]
    if not len(vh) or not len(vl):
        return {"n_high": len(vh), "n_low": len(vl), "difference": math.nan, "se": math.nan, "ci_low": math.nan,
                "ci_high": math.nan, "p_value": math.nan, "n_clusters": 0}
    diff = float(vh.mean() - vl.mean())
    psi = np.zeros(len(values))
    psi[high] = (vh - vh.mean()) / len(vh)
    psi[low] = -(vl - vl.mean()) / len(vl)
    se, g = clustered(psi, cluster)
    lo, hi, df = t_interval(diff, se, g, level)
    p = float(2 * stats.t.sf(abs(diff) / se, df)) if math.isfinite(se) and se > 0 else math.nan
    return {"n_high": len(vh), "n_low": len(vl), "difference": diff, "se": se, "ci_low": lo, "ci_high": hi,
            "p_value": p, "n_clusters": g}


def spillover_checks(data: nx.DiGraph | PairingPanel, *, cooperation: nx.Graph | None = None, neighbors: int = 3,
                     caliper: float = DEFAULT_CALIPER, within: Within = "town_first", model: Model = "log",
                     level: float = 0.95, selection_year: int | None = None,
                     weak_below: float | None = None) -> pd.DataFrame:
    """Do unpaired weak villages fare differently when pairing is close to them?

    The estimator assumes no spill-over: pairing a village does not change an unpaired
    village's income. Each unpaired weak village's *residual* is its income change minus the
    change the bias-correction model predicts from its own pre-period incomes (and its town's).
    The checks compare mean residuals between more and less exposed unpaired villages
    (difference, town-clustered interval and p-value); a difference far from 0 suggests
    spill-over (or confounding by town):

    * ``town pairing share`` — share of the town's eligible weak villages that are paired,
      above vs at or below the median over unpaired villages;
    * ``cooperation with paired villages`` (when ``cooperation``, a
      :func:`~partychain.analysis.projections.cooperation_graph`, is given) — share of the
      village's cooperation weight that goes to paired villages, above vs at or below the median.

    Columns: ``check``, ``n_high``, ``n_low``, ``difference`` (high − low, yuan a year),
    ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``n_clusters``.

    >>> from partychain.analysis.simulate import simulate_panel
    >>> t = spillover_checks(simulate_panel("as_generated", seed=3))
    >>> t["check"].tolist(), bool(t["p_value"].iloc[0] > 0.01)
    (['town pairing share'], True)
    """
    d, fit = _prepared(data, neighbors=neighbors, caliper=caliper, within=within, model=model, cluster="town",
                       selection_year=selection_year, weak_below=weak_below)
    resid = _control_residuals(fit)
    control = (d.cohort == NEVER) & np.isfinite(resid)
    treated = d.cohort != NEVER
    share_by_town = pd.Series(treated.astype(float)).groupby(d.town).mean()
    exposure = share_by_town.reindex(d.town).to_numpy()
    rows = []
    med = float(np.median(exposure[control])) if control.any() else math.nan
    rows.append({"check": "town pairing share",
                 **_difference(resid, control & (exposure > med), control & (exposure <= med), d.town, level)})
    if cooperation is not None:
        paired = set(d.codes[treated])
        expo = np.full(len(d.codes), np.nan)
        for i, v in enumerate(d.codes):
            if not control[i] or v not in cooperation:
                continue
            total = to_paired = 0.0
            for _, u, w in cooperation.edges(v, data="weight", default=1.0):
                total += float(w)
                to_paired += float(w) if u in paired else 0.0
            expo[i] = to_paired / total if total else 0.0
        ok = control & np.isfinite(expo)
        med = float(np.median(expo[ok])) if ok.any() else math.nan
        rows.append({"check": "cooperation with paired villages",
                     **_difference(resid, ok & (expo > med), ok & (expo <= med), d.town, level)})
    return pd.DataFrame(rows, columns=["check", "n_high", "n_low", "difference", "se", "ci_low", "ci_high",
                                       "p_value", "n_clusters"])


# --- heterogeneity ---------------------------------------------------------------------------------------------

HETEROGENEITY_DIMENSIONS: tuple[str, ...] = ("partners_per_leader", "within_town", "shared_industry", "kind")
"""Subgroup dimensions :func:`heterogeneity` derives from the panel itself; linkage models come as
``model_*`` columns of the panel's villages table (see :func:`~partychain.analysis.projections.village_models`)."""


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error), NaN left as is.

    >>> [round(x, 3) for x in holm([0.01, 0.04, 0.03])]
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    ok = np.flatnonzero(np.isfinite(p))
    out = p.copy()
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        out[i] = running
    return [float(x) for x in out]


def _dimensions(d: Design) -> dict[str, pd.Series]:
    """Subgroup label per treated unit for each dimension the panel supports."""
    panel = d.panel
    pair = panel.pairings
    vil = panel.villages
    treated_codes = set(d.codes[d.cohort != NEVER])
    first = pair[pair["weak_code"].isin(treated_codes)].sort_values(["weak_code", "since", "strong_code"])
    first = first.drop_duplicates("weak_code").set_index("weak_code")
    out_degree = pair.groupby("strong_code").size()
    dims: dict[str, pd.Series] = {}
    leader = first["strong_code"]
    dims["partners_per_leader"] = leader.map(out_degree).map(lambda k: "leader leads 1" if k == 1
                                                             else "leader leads 2 or more")
    town = vil["town_code"].astype(str)
    dims["within_town"] = pd.Series({w: "same town" if town[w] == town[s] else "across towns"
                                     for w, s in leader.items()})
    if "industries" in vil.columns:
        def inds(v: str) -> set[str]:
            raw = vil.at[v, "industries"]
            return set(str(raw).split(";")) - {""} if isinstance(raw, str) else set()

        dims["shared_industry"] = pd.Series({w: "shares an industry with its leader" if inds(w) & inds(s)
                                             else "no shared industry" for w, s in leader.items()})
    dims["kind"] = vil["kind"].reindex(list(leader.index)).map(lambda k: "社区 community" if k == "community"
                                                                 else "村 village")
    for col in sorted(c for c in vil.columns if str(c).startswith("model_")):
        flag = vil[col].reindex(list(leader.index)).fillna(False).astype(bool)
        dims[str(col)] = flag.map(lambda b, c=str(col): f"has {c}" if b else f"no {c}")
    return dims


def heterogeneity(data: nx.DiGraph | PairingPanel, *, dimensions: Mapping[str, Mapping[str, str]] | None = None,
                  neighbors: int = 3, caliper: float = DEFAULT_CALIPER, within: Within = "town_first",
                  model: Model = "log", cluster: Cluster = "town", level: float = 0.95,
                  selection_year: int | None = None, weak_below: float | None = None) -> pd.DataFrame:
    """The pairing effect by subgroup of paired villages, with Holm-adjusted tests of the differences.

    Subgroups (of the matched paired villages; each keeps the controls it was matched to):
    ``partners_per_leader`` (its leader leads one village or more), ``within_town`` (leader in
    the same town or another), ``shared_industry`` (when the panel's villages carry
    ``industries``), ``kind`` (村 or 社区), and one dimension per ``model_*`` column of the
    villages table (has an instance of that linkage model or not); ``dimensions`` adds or
    replaces dimensions (name → {village code: subgroup}). Dimensions with fewer than two
    subgroups of at least 2 villages are skipped.

    One row per (dimension, subgroup) with ``n``, ``estimate``, ``se``, ``ci_low``, ``ci_high``;
    per dimension, ``difference`` (first subgroup minus the other; for more than two subgroups,
    each against the rest), its ``p_value`` (t test, clustered) and ``p_holm``, adjusted over all
    the differences tested (family-wise error). Read subgroup differences with ``p_holm``: with
    many subgroups some raw p-values are small by chance.

    >>> from partychain.analysis.simulate import simulate_panel
    >>> h = heterogeneity(simulate_panel("as_generated_effect", seed=3))
    >>> sorted(set(h["dimension"]))
    ['kind', 'partners_per_leader', 'within_town']
    >>> bool((h["p_holm"].dropna() >= h["p_value"].dropna()).all())
    True
    """
    d, fit = _prepared(data, neighbors=neighbors, caliper=caliper, within=within, model=model, cluster=cluster,
                       selection_year=selection_year, weak_below=weak_below)
    dims = _dimensions(d)
    for name, labels in (dimensions or {}).items():
        dims[name] = pd.Series(dict(labels))
    used, _ = fit.tau()
    used_mask = np.zeros(len(d.codes), dtype=bool)
    used_mask[used] = True
    rows: list[dict[str, Any]] = []
    for name, labels in dims.items():
        lab = labels.reindex(d.codes).to_numpy(dtype=object)
        groups = sorted({str(x) for x in lab[used_mask] if isinstance(x, str)})
        sizes = {gname: int(np.sum(used_mask & (lab == gname))) for gname in groups}
        groups = [gname for gname in groups if sizes[gname] >= 2]
        if len(groups) < 2:
            continue
        infl = {}
        for gname in groups:
            est, psi, n = fit.subgroup_influence(lab == gname)
            se, gc = clustered(psi, d.cluster_id[cluster])
            lo, hi, _ = t_interval(est, se, gc, level)
            infl[gname] = (est, psi)
            rows.append({"dimension": name, "subgroup": gname, "n": n, "estimate": est, "se": se, "ci_low": lo,
                         "ci_high": hi, "difference": math.nan, "p_value": math.nan})
        contrasts = [groups[0]] if len(groups) == 2 else groups
        for gname in contrasts:
            rest = (lab != gname) & used_mask & np.isin(lab, groups)
            est_rest, psi_rest, _ = fit.subgroup_influence(rest)
            diff = infl[gname][0] - est_rest
            se, gc = clustered(infl[gname][1] - psi_rest, d.cluster_id[cluster])
            p = float(2 * stats.t.sf(abs(diff) / se, max(gc - 1, 1))) if math.isfinite(se) and se > 0 else math.nan
            for r in rows:
                if r["dimension"] == name and r["subgroup"] == gname:
                    r["difference"], r["p_value"] = diff, p
    out = pd.DataFrame(rows, columns=["dimension", "subgroup", "n", "estimate", "se", "ci_low", "ci_high",
                                      "difference", "p_value"])
    out["p_holm"] = holm(out["p_value"].tolist()) if len(out) else []
    return out
