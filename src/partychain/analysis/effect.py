"""Does pairing raise a weak village's collective income? Bias-corrected matching with town-clustered intervals.

The estimator reads an income panel (villages × years, :class:`~partychain.analysis.panel.PairingPanel`)
or a pairing graph (:func:`~partychain.analysis.projections.pairing_graph`, turned into a panel by
:func:`~partychain.analysis.panel.panel_from_graph`). The design, in full in ``docs/analysis.md``:

* **Estimand.** The average effect of pairing on the paired weak villages (ATT), in yuan of
  collective income a year, averaged over the years from each village's first pairing year on.
* **Units.** Weak villages: income in the *selection year* below ``weak_below``. The selection
  year is the year whose income sets the class (default: the year before the earliest pairing).
  *Treated*: weak villages with an incoming pairing; their *cohort* is their first pairing year.
  *Controls*: weak villages never paired. Paired villages that were not weak, weak villages
  that lead another, and villages lacking incomes are left out (``n_excluded``).
* **Matching, cohort by cohort** (Callaway–Sant'Anna style: each cohort has its own pre-period,
  the years before its pairing year, and its own comparison). Each treated village gets up to
  ``neighbors`` controls, with replacement, nearest by the root-mean-square difference of log
  income over *all* its pre-years (each year standardised by its sd among the eligible villages):
  in its own town first and in its county when the town has none within reach
  (``within="town_first"``; ``"town"`` never leaves the town, ``"county"`` ignores towns).
  Controls farther than ``caliper`` (in those standard-deviation units) are not used; a treated
  village with none within reach is *trimmed* (common support) and counted.
* **Outcome.** Δ = mean income of the years from the pairing year on minus the mean of the pre-years
  other than the selection year (the selection year alone when it is the only pre-year).
* **Bias correction** (Abadie & Imbens 2011) with a log outcome model (``model="log"``): a
  regression of log post-period income on the log pre-year incomes and the town's centred mean
  log income by pre-year (its ups and downs), fitted on the cohort's controls, predicts each
  village's post-period income ŷ; τ_i = (y_i − ŷ_i) − mean_j (y_j − ŷ_j) over its controls
  (``model="linear"``: Δ on the pre-year incomes in yuan). With every pre-year in the model the
  corrected estimate does not depend on which pre-years form the base of Δ: it conditions on the
  selection year's income instead of differencing it out, so villages chosen on a bad year are
  compared with villages that had the same bad year.
* **Estimate**: the mean of τ_i over matched treated villages (cohorts weighted by their size).
* **Interval**: the estimator is a weighted sum of the units' residuals, τ̂ = Σ_u ψ_u (the
  influence of each unit, including through the correction's coefficients; controls' residuals
  scaled by 1/(1 − leverage), HC3); the variance is the cluster-robust sum over clusters of
  (Σ_{u in cluster} ψ_u)², times G/(G − 1), with Student t quantiles on G − 1 degrees of freedom
  (G clusters: towns by default, ``cluster="village"`` for none).
* **Permutation test**: the studentised estimate (estimate / clustered SE) on ``n_perm``
  degree-preserving rewirings of the pairings (:func:`rewire_pairings`); two-sided
  p = (1 + #{|t_null| ≥ |t_observed|}) / (1 + n_perm). Studentising keeps the test's size when
  the rewired pairings spread the estimate differently from the observed ones (pairing that
  followed income). When no rewiring is as extreme the p-value is at its floor and is reported
  as a bound, p < 1/(n_perm + 1) (:func:`format_p`).

Assumptions: pairings were chosen on data observed before the pairing year (income, town) —
not on expected growth; given town and pre-period incomes, paired and unpaired weak villages
would have had the same income path without pairing; pairing one village does not change
another's income (checked by :func:`~partychain.analysis.diagnostics.spillover_checks`); shocks
are independent across clusters. The calibration suite (``tests/analysis/test_calibration.py``)
runs the estimator on simulated panels where these hold and where the old estimator failed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise
from typing import Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from partychain.errors import InvalidArgument
from partychain.storage.base import GraphStore

from .panel import PairingPanel, panel_from_graph, panel_from_versions

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_CALIPER",
    "PairingEffect",
    "design_of",
    "fit_design",
    "format_p",
    "matches",
    "pairing_effect",
    "pairing_effect_over_versions",
    "rewire_pairings",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Within = Literal["town", "town_first", "county"]
Stratum = Literal["town", "county"]
Cluster = Literal["town", "village"]
Role = Literal["weak", "strong"]
Model = Literal["log", "linear"]
NEVER = np.iinfo(np.int64).max
DEFAULT_CALIPER = 0.5
"""Largest matching distance, in standard deviations of log pre-year income (root mean square over years)."""


def format_p(p: float | None, n_perm: int) -> str:
    """A permutation p-value as text: a bound at the floor 1/(n_perm + 1), else its value.

    >>> format_p(1 / 1000, 999), format_p(0.0421, 999), format_p(None, 0)
    ('< 0.001', '0.0421', 'not tested')
    """
    if p is None:
        return "not tested"
    floor = 1.0 / (n_perm + 1)
    return f"< {floor:.3g}" if p <= floor + 1e-12 else f"{p:.3g}"


@dataclass(frozen=True)
class PairingEffect:
    """The pairing effect (yuan a year) with its clustered interval, permutation p-value and trimming.

    ``estimate`` is the bias-corrected average effect on the matched paired villages; ``se``,
    ``ci_low``, ``ci_high`` its cluster-robust standard error and t interval at ``level``
    (``df`` = ``n_clusters`` − 1); ``raw_estimate`` the matched difference before bias correction.
    ``p_value`` is the two-sided permutation p-value (None without permutations), ``p_at_floor``
    whether it is the floor 1/(n_perm + 1), so the true p is smaller. ``n_treated`` paired weak
    villages could be estimated on, ``n_used`` were matched, ``n_trimmed_no_control`` had no
    control in their town (county), ``n_trimmed_caliper`` none within the caliper; ``n_control``
    unpaired weak villages, ``n_controls_used`` were matched, the most-used one ``max_reuse``
    times. ``n_outside_town`` of the matched had at least one control from another town.
    ``cohorts`` is ((pairing year, matched treated), ...). ``label`` says what the data are.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    n_clusters: int
    cluster: str
    p_value: float | None
    p_at_floor: bool
    n_perm: int
    level: float
    raw_estimate: float
    treated_change: float
    control_change: float
    n_treated: int
    n_used: int
    n_trimmed_no_control: int
    n_trimmed_caliper: int
    n_outside_town: int
    n_control: int
    n_controls_used: int
    max_reuse: int
    n_excluded: int
    cohorts: tuple[tuple[int, int], ...]
    selection_year: int
    weak_below: float
    neighbors: int
    caliper: float
    within: str
    role: str
    seed: int
    label: str | None = None
    null_estimates: tuple[float, ...] = field(default=(), repr=False)

    def summary(self) -> str:
        """One line for reports, with the data's label.

        >>> e = PairingEffect(40_000.0, 1_500.0, 37_000.0, 43_000.0, 24, 25, "town", 0.001, True, 999, 0.95,
        ...                   41_000.0, 50_000.0, 10_000.0, 89, 80, 6, 3, 0, 59, 45, 4, 0, ((2018, 80),), 2017,
        ...                   50_000, 3, 0.5, "town", "weak", 2021,
        ...                   label="synthetic sample, effect of 40,000 yuan planted")
        >>> print(e.summary())  # doctest: +NORMALIZE_WHITESPACE
        [synthetic sample, effect of 40,000 yuan planted] pairing effect 40,000 yuan/year (95% CI 37,000 to
        43,000; SE 1,500 clustered by town, 25 clusters), permutation p < 0.001 (999 rewirings); 80 of 89 paired
        weak villages matched, 0 of them outside their town (6 left out without a control in their town, 3
        outside the caliper), to 45 of 59 unpaired
    """
        who = "paired weak villages" if self.role == "weak" else "leading strong villages"
        other = "unpaired" if self.role == "weak" else "non-leading"
        head = f"[{self.label}] " if self.label else ""
        where = "county" if self.within == "county" else "town" if self.within == "town" else "town or county"
        return (f"{head}pairing effect {self.estimate:,.0f} yuan/year ({self.level:.0%} CI {self.ci_low:,.0f} to "
                f"{self.ci_high:,.0f}; SE {self.se:,.0f} clustered by {self.cluster}, {self.n_clusters} clusters), "
                f"permutation p {_p_words(self.p_value, self.n_perm)}; {self.n_used} of {self.n_treated} {who} "
                f"matched, {self.n_outside_town} of them outside their town ({self.n_trimmed_no_control} left out "
                f"without a control in their {where}, {self.n_trimmed_caliper} outside the caliper), to "
                f"{self.n_controls_used} of {self.n_control} {other}")

    def to_dict(self, *, draws: bool = False) -> dict[str, Any]:
        """Fields as a dict (without the permutation draws unless ``draws``)."""
        d = asdict(self)
        if not draws:
            d.pop("null_estimates")
        d["p_text"] = format_p(self.p_value, self.n_perm)
        return d


def _p_words(p: float | None, n_perm: int) -> str:
    text = format_p(p, n_perm)
    if p is None:
        return text
    return f"{text} ({n_perm} rewirings)" if text.startswith("<") else f"= {text} ({n_perm} rewirings)"


# --- the design: eligible units as arrays ------------------------------------------------------------


@dataclass
class Design:
    """Eligible units of one comparison (weak villages, or strong villages) as arrays.

    ``cohort`` is each unit's first pairing year (``NEVER`` for controls); the edge arrays are
    the pairings ending at eligible units (rewirable, for the permutation test).
    """

    panel: PairingPanel
    role: str
    codes: npt.NDArray[np.object_]
    town: IntArray
    county: IntArray
    town_codes: list[str]
    income: FloatArray  # (n, years)
    town_log: FloatArray  # (n, years): mean log income of every village of the unit's town
    years: IntArray
    cohort: IntArray
    cluster_id: dict[str, IntArray]
    edge_src: npt.NDArray[np.object_]
    edge_dst: IntArray
    edge_since: IntArray
    n_excluded: int

    def treatment(self, dst: IntArray | None = None) -> IntArray:
        """First pairing year per unit for edges ending at ``dst`` (default: the observed pairings)."""
        if dst is None:
            return self.cohort
        first = np.full(len(self.codes), NEVER, dtype=np.int64)
        np.minimum.at(first, dst, self.edge_since)
        return first


def _as_panel(data: nx.DiGraph | PairingPanel) -> PairingPanel:
    if isinstance(data, PairingPanel):
        return data
    if isinstance(data, nx.Graph):
        return panel_from_graph(data)
    raise InvalidArgument(f"expected a pairing graph or a PairingPanel, got {type(data).__name__}")


def _town_log(income: FloatArray, towns: npt.NDArray[np.object_]) -> tuple[pd.Index, FloatArray]:
    """Mean log income of all villages of each town, per year: the town codes (sorted) and a town × year
    array; ``towns`` is the town code of every row of ``income`` (rows without one are left out).

    The numbers of pandas' ``groupby(town).mean()`` of the log incomes (incomes ≤ 0 and NaN skipped),
    summed as pandas sums them, without its overhead (this runs once per simulated panel in the
    calibration): rows sorted by town and no NaN, one ``np.add.reduceat`` per year; else sums
    Kahan-compensated in row order, one step per rank of a village within its town, every town at once.

    >>> inc = np.array([[100.0, np.nan], [np.e * 100, 50.0], [1.0, -5.0]])
    >>> codes, mean = _town_log(inc, np.array(["b", "b", "a"], dtype=object))
    >>> list(codes), np.round(mean - np.log(100), 9).tolist()
    (['a', 'b'], [[-4.605170186, nan], [0.5, -0.693147181]])
    """
    labels, uniques = pd.factorize(towns, sort=True)
    n_g, n_y = len(uniques), income.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(income > 0, income, np.nan))
    rows = np.flatnonzero(labels >= 0)
    lab = labels[rows]
    mean = np.full((n_g, n_y), np.nan)
    if not len(rows):
        return pd.Index(uniques), mean
    if (np.diff(labels) >= 0).all() and not np.isnan(logs[rows]).any():  # pandas' reduceat path, bit for bit
        starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
        sums = np.add.reduceat(np.ascontiguousarray(logs[rows].T), starts, axis=1)
        mean[lab[starts]] = (sums / np.diff(starts, append=len(rows))[None, :]).T
        return pd.Index(uniques), mean
    total, comp, nobs = np.zeros((n_g, n_y)), np.zeros((n_g, n_y)), np.zeros((n_g, n_y))
    counts = np.bincount(lab, minlength=n_g)
    rank = np.empty(len(rows), dtype=np.int64)  # each row's place among its town's rows
    rank[np.argsort(lab, kind="stable")] = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    with np.errstate(invalid="ignore"):
        for r in range(int(counts.max())):
            at = rank == r
            g = lab[at]
            val = logs[rows[at]]
            ok = ~np.isnan(val)
            y = val - comp[g]
            t = total[g] + y
            c = t - total[g] - y
            c[np.isnan(c)] = 0.0  # an infinite income: pandas resets the compensation
            total[g] = np.where(ok, t, total[g])
            comp[g] = np.where(ok, c, comp[g])
            nobs[g] += ok
        mean = np.where(nobs > 0, total / np.where(nobs > 0, nobs, 1.0), np.nan)
    return pd.Index(uniques), mean


def design_of(data: nx.DiGraph | PairingPanel, *, role: Role = "weak", selection_year: int | None = None,
              weak_below: float | None = None) -> Design:
    """The eligible units of the comparison (see the module docstring) as arrays.

    ``role="weak"``: weak villages, treated = led by a strong village. ``role="strong"``: strong
    villages that nobody leads, treated = leading at least one weak village (their cohort is their
    first pairing year), for the effect of pairing on the leaders themselves.
    """
    if role not in ("weak", "strong"):
        raise InvalidArgument(f"role must be 'weak' or 'strong', got {role!r}")
    panel = _as_panel(data)
    if selection_year is not None or weak_below is not None:
        panel = replace(panel, selection_year=panel.selection_year if selection_year is None else int(selection_year),
                        weak_below=panel.weak_below if weak_below is None else float(weak_below))
    # plain arrays and dicts from here on: this runs once per simulated panel in the calibration
    pair = panel.pairings
    strong_ends = pair["strong_code"].to_numpy(dtype=object)
    weak_ends = pair["weak_code"].to_numpy(dtype=object)
    since_all = pair["since"].to_numpy()
    leaders, led = set(strong_ends), set(weak_ends)
    years = np.array(panel.years, dtype=np.int64)
    year_cols = [int(y) for y in panel.income.columns]
    all_income = panel.income.to_numpy(dtype=float)[:, [year_cols.index(int(y)) for y in years]]
    all_codes = panel.income.index.to_numpy(dtype=object)
    sel = all_income[:, list(years).index(panel.selection_year)]
    in_class_mask = sel < panel.weak_below if role == "weak" else sel >= panel.strong_from
    in_class = all_codes[in_class_mask]
    side_ends, other = (weak_ends, leaders) if role == "weak" else (strong_ends, led)
    rows = np.flatnonzero(in_class_mask)[np.array([v not in other for v in in_class], dtype=bool)]
    codes = all_codes[rows]
    excluded = len(in_class) - len(codes) + len(set(side_ends) - set(in_class))
    first: dict[Any, Any] = {}
    for v, s in zip(side_ends, since_all, strict=True):
        first[v] = s if v not in first else min(first[v], s)
    at = panel.villages.index.get_indexer(panel.income.index)  # every income row's village row
    all_town = panel.villages["town_code"].astype(str).to_numpy()[at]
    town_str = all_town[rows]
    town_codes = sorted(set(town_str))
    town_at = {t: i for i, t in enumerate(town_codes)}
    town = np.array([town_at[t] for t in town_str], dtype=np.int64)
    county = pd.factorize(panel.villages["county_code"].astype(str).to_numpy()[at][rows])[0].astype(np.int64)
    income = all_income[rows]
    if len(codes):
        town_names, town_mean = _town_log(all_income, all_town)
        unit_town_log = town_mean[town_names.get_indexer(town_codes)][town]
    else:
        unit_town_log = np.zeros((0, len(years)))
    cohort = np.array([int(first.get(v, NEVER)) for v in codes], dtype=np.int64)
    index = {v: i for i, v in enumerate(codes)}
    if role == "weak":
        into = np.array([w in index for w in weak_ends], dtype=bool)
        src = strong_ends[into]
        dst = np.array([index[w] for w in weak_ends[into]], dtype=np.int64)
        since = pair["since"].to_numpy(dtype=np.int64)[into]
    else:
        src, dst, since = np.zeros(0, dtype=object), np.zeros(0, np.int64), np.zeros(0, np.int64)
    clusters = {"town": town, "village": np.arange(len(codes), dtype=np.int64)}
    return Design(panel=panel, role=role, codes=codes, town=town, county=county, town_codes=town_codes,
                  income=income, town_log=unit_town_log, years=years, cohort=cohort, cluster_id=clusters,
                  edge_src=src, edge_dst=dst, edge_since=since, n_excluded=int(excluded))


# --- one cohort: matching and bias correction -------------------------------------------------------------


@dataclass
class CohortFit:
    """Matches and bias-corrected differences of one cohort (pairing year ``since``)."""

    since: int
    treated: IntArray  # matched treated unit indices
    trimmed_no_control: IntArray
    trimmed_caliper: IntArray
    matched: list[IntArray]  # per matched treated, its control unit indices
    distance: list[FloatArray]
    controls: IntArray  # the cohort's eligible controls (regression sample)
    cov_years: IntArray
    outcome: FloatArray  # Δ for every unit (NaN where undefined)
    resid: FloatArray  # Δ − μ̂(X) for every unit
    tau: FloatArray  # bias-corrected difference per matched treated
    raw: FloatArray  # uncorrected difference per matched treated
    weights: FloatArray  # per unit: +1/N1 for matched treated, −K_j/N1 for controls
    z: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (n, q) regression design, every unit
    deriv: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (n, q) d prediction / d coefficients
    gram_inv: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (Z'Z)⁻¹ over the controls
    model_resid: FloatArray = field(default_factory=lambda: np.zeros(0))  # controls' residuals, model scale

    @property
    def estimate(self) -> float:
        return float(self.tau.mean()) if len(self.tau) else math.nan

    def with_lost(self, lost: IntArray) -> CohortFit:
        """Treated units lacking the cohort's incomes count as trimmed for want of data (no control)."""
        if len(lost):
            self.trimmed_no_control = np.concatenate([self.trimmed_no_control, lost])
        return self


def _standardise(x: FloatArray, rows: IntArray) -> FloatArray:
    sd = np.nanstd(x[rows], axis=0)
    sd[~np.isfinite(sd) | (sd <= 0)] = 1.0
    return x / sd


def _means(values: FloatArray, groups: list[IntArray]) -> FloatArray:
    """``values[g].mean()`` for each index array ``g`` of ``groups`` (row means of the groups of one
    size stacked: the same sums as one call per group, without a NumPy call per group).

    >>> _means(np.array([1.0, 2.0, 4.0]), [np.array([0, 1]), np.array([2]), np.array([0, 1, 2])]).tolist()
    [1.5, 4.0, 2.3333333333333335]
    """
    out = np.empty(len(groups))
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    for k in np.unique(sizes):
        at = np.flatnonzero(sizes == k)
        out[at] = values[np.stack([groups[i] for i in at])].mean(axis=1)
    return out


def _match(stratum: IntArray, xs: FloatArray, t_rows: IntArray, c_rows: IntArray, k: int,
           caliper: float) -> tuple[list[IntArray], list[FloatArray], BoolArray, BoolArray]:
    """Up to ``k`` nearest controls within the same stratum and within ``caliper`` for each treated row.

    Returns per treated row its controls and distances, and masks of rows with no control in
    the stratum and with none within the caliper. Ties go to the control first in ``c_rows``.
    """
    if not len(t_rows) or not len(c_rows) or len(t_rows) * len(c_rows) * xs.shape[1] > _MATCH_CELLS:
        return _match_by_stratum(stratum, xs, t_rows, c_rows, k, caliper)  # nothing to match, or a large county
    # every stratum at once: the distances of one treated × control matrix, other strata's set aside
    same = stratum[t_rows][:, None] == stratum[c_rows][None, :]
    diff = xs[t_rows][:, None, :] - xs[c_rows][None, :, :]
    d = np.where(same, np.sqrt(np.mean(diff * diff, axis=2)), np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    nearest = np.take_along_axis(d, order, axis=1)
    keep = np.take_along_axis(same, order, axis=1) & (nearest <= caliper)  # a prefix of each row
    no_control = ~same.any(axis=1)
    outside = ~keep.any(axis=1) & ~no_control
    bounds = np.concatenate([[0], np.cumsum(keep.sum(axis=1))]).tolist()
    flat_c, flat_d = c_rows[order][keep], nearest[keep]
    picked = [flat_c[a:b] for a, b in pairwise(bounds)]  # np.split, without its overhead
    dists = [flat_d[a:b] for a, b in pairwise(bounds)]
    return picked, dists, no_control, outside


_MATCH_CELLS = 4_000_000  # treated × controls × years above which _match goes stratum by stratum


def _match_by_stratum(stratum: IntArray, xs: FloatArray, t_rows: IntArray, c_rows: IntArray, k: int,
                      caliper: float) -> tuple[list[IntArray], list[FloatArray], BoolArray, BoolArray]:
    """:func:`_match` one stratum at a time (the same answer, in less memory).

    >>> xs = np.array([[0.0], [0.1], [0.3], [0.2], [5.0], [0.0]])
    >>> args = np.array([0, 0, 0, 1, 1, 2]), xs, np.array([0, 3, 5]), np.array([1, 2, 4]), 2, 1.0
    >>> def show(out):
    ...     picked, dists, none, outside = out
    ...     return ([p.tolist() for p in picked], [np.round(x, 9).tolist() for x in dists], none.tolist(),
    ...             outside.tolist())
    >>> show(_match_by_stratum(*args))
    ([[1, 2], [], []], [[0.1, 0.3], [], []], [False, False, True], [False, True, False])
    >>> show(_match(*args)) == show(_match_by_stratum(*args))
    True
    """
    picked: list[IntArray] = [np.zeros(0, np.int64)] * len(t_rows)
    dists: list[FloatArray] = [np.zeros(0)] * len(t_rows)
    no_control = np.zeros(len(t_rows), dtype=bool)
    outside = np.zeros(len(t_rows), dtype=bool)
    c_order = np.argsort(stratum[c_rows], kind="stable")
    c_sorted = c_rows[c_order]
    c_strata = stratum[c_sorted]
    t_strata = stratum[t_rows]
    for s in np.unique(t_strata):
        ti = np.flatnonzero(t_strata == s)
        lo, hi = np.searchsorted(c_strata, s, "left"), np.searchsorted(c_strata, s, "right")
        if hi == lo:
            no_control[ti] = True
            continue
        cands = c_sorted[lo:hi]
        diff = xs[t_rows[ti]][:, None, :] - xs[cands][None, :, :]
        d = np.sqrt(np.mean(diff * diff, axis=2))
        order = np.argsort(d, axis=1, kind="stable")[:, :k]
        nearest = np.take_along_axis(d, order, axis=1)
        keep = nearest <= caliper
        outside[ti[~keep.any(axis=1)]] = True
        for r in np.flatnonzero(keep.any(axis=1)):
            picked[ti[r]] = cands[order[r][keep[r]]]
            dists[ti[r]] = nearest[r][keep[r]]
    return picked, dists, no_control, outside


def fit_cohort(d: Design, since: int, treated: IntArray, controls: IntArray, *, neighbors: int, caliper: float,
                within: Within, model: Model = "log", cov_years: IntArray | None = None,
                level: FloatArray | None = None, base: FloatArray | None = None) -> CohortFit:
    """Match the cohort's treated units to ``controls`` and bias-correct (see the module docstring).

    ``cov_years`` (default: every year before ``since``) are the matching and regression
    covariates. The outcome is ``level − base``: by default the mean income from ``since`` on
    minus the mean of the pre-years other than the selection year; the event study passes one
    year's income as ``level``.
    """
    years = d.years
    cy = years[years < since] if cov_years is None else cov_years
    n = len(d.codes)
    empty = np.zeros(0, np.int64)
    ccols = np.flatnonzero(np.isin(years, cy))
    with np.errstate(all="ignore"):
        if level is None:
            post = years >= since
            level = np.nanmean(d.income[:, post], axis=1) if post.any() else np.full(n, np.nan)
        if base is None:
            base_years = cy[cy != d.panel.selection_year] if len(cy) > 1 else cy
            bcols = np.flatnonzero(np.isin(years, base_years))
            base = np.nanmean(d.income[:, bcols], axis=1) if len(bcols) else np.full(n, np.nan)
    outcome = level - base
    x = d.income[:, ccols]
    complete = np.isfinite(x).all(axis=1) & np.isfinite(outcome) & (len(ccols) > 0)
    if model == "log":
        complete &= (x > 0).all(axis=1) & (level > 0)
    t_ok = treated[complete[treated]]
    c_ok = controls[complete[controls]]
    lost = treated[~complete[treated]]
    nan = np.full(n, np.nan)
    if not len(t_ok) or not len(c_ok):
        return CohortFit(since, empty, t_ok if not len(c_ok) else empty, empty, [], [], c_ok, cy,
                         outcome, nan, np.zeros(0), np.zeros(0), np.zeros(n)).with_lost(lost)
    logx = np.log(np.maximum(x, 1.0))
    xs = _standardise(logx, np.concatenate([t_ok, c_ok]))
    if within == "town_first":
        picked, dists, no_control, outside = _match(d.town, xs, t_ok, c_ok, neighbors, caliper)
        again = np.flatnonzero(no_control | outside)
        p2, d2, nc2, out2 = _match(d.county, xs, t_ok[again], c_ok, neighbors, caliper)
        for k, i in enumerate(again):
            picked[i], dists[i] = p2[k], d2[k]
        no_control[again], outside[again] = nc2, out2
    else:
        stratum = d.town if within == "town" else d.county
        picked, dists, no_control, outside = _match(stratum, xs, t_ok, c_ok, neighbors, caliper)
    used = ~(no_control | outside)
    # bias correction: a regression of the outcome on pre-period data, fitted on the cohort's controls
    rows = np.concatenate([t_ok, c_ok])
    if model == "log":
        tl = d.town_log[:, ccols]
        town_dev = (tl - tl.mean(axis=1, keepdims=True))[:, 1:]  # the town's year-to-year ups and downs
        z = np.column_stack([np.ones(n), np.log(np.maximum(x, 1.0)), town_dev])
        response = np.log(np.maximum(level, 1.0))
    else:
        z = np.column_stack([np.ones(n), x])
        response = outcome
    z = np.nan_to_num(z)
    scale = np.maximum(np.abs(z[rows]).max(axis=0), 1e-9)
    zc = z[c_ok] / scale
    beta, *_ = np.linalg.lstsq(zc, response[c_ok], rcond=None)
    beta = beta / scale
    gram_inv = np.linalg.pinv(zc.T @ zc) / np.outer(scale, scale)
    fitted = z @ beta
    model_resid = nan.copy()
    model_resid[c_ok] = response[c_ok] - fitted[c_ok]
    resid = nan.copy()
    if model == "log":
        smear = float(np.mean(np.exp(model_resid[c_ok])))
        mu_level = np.exp(fitted) * smear
        resid[rows] = level[rows] - mu_level[rows]
        deriv = mu_level[:, None] * z
    else:
        resid[rows] = outcome[rows] - fitted[rows]
        deriv = z
    t_used = t_ok[used]
    matched = [picked[i] for i in np.flatnonzero(used)]
    tau = resid[t_used] - _means(resid, matched)
    raw = outcome[t_used] - _means(outcome, matched)
    weights = np.zeros(n)
    n1 = len(t_used)
    if n1:
        weights[t_used] = 1.0 / n1
        sizes = [len(m) for m in matched]
        np.add.at(weights, np.concatenate(matched), np.repeat([-1.0 / (n1 * k) for k in sizes], sizes))
    fit = CohortFit(since, t_used, t_ok[no_control], t_ok[outside & ~no_control], matched,
                    [dists[i] for i in np.flatnonzero(used)], c_ok, cy, outcome, resid, tau, raw, weights,
                    z=z, deriv=np.nan_to_num(deriv), gram_inv=gram_inv, model_resid=model_resid)
    return fit.with_lost(lost)


@dataclass
class Fit:
    """All cohorts of one estimate, with the influence of every unit on it."""

    design: Design
    cohorts: list[CohortFit]
    influence: FloatArray  # ψ_u: the estimate's deviation decomposed over units
    estimate: float
    raw_estimate: float
    n_used: int

    def tau(self) -> tuple[IntArray, FloatArray]:
        """Matched treated units and their bias-corrected differences, all cohorts."""
        if not self.cohorts:
            return np.zeros(0, np.int64), np.zeros(0)
        return (np.concatenate([c.treated for c in self.cohorts]), np.concatenate([c.tau for c in self.cohorts]))

    def subgroup_influence(self, mask: BoolArray) -> tuple[float, FloatArray, int]:
        """Estimate and influence restricted to the matched treated units in ``mask`` (by unit index)."""
        n = len(self.design.codes)
        total = sum(int(mask[c.treated].sum()) for c in self.cohorts)
        psi = np.zeros(n)
        est = 0.0
        if not total:
            return math.nan, psi, 0
        for c in self.cohorts:
            keep = mask[c.treated]
            if not keep.any():
                continue
            share = keep.sum() / total
            t_s = c.treated[keep]
            tau_s = c.tau[keep]
            est_s = float(tau_s.mean())
            est += share * est_s
            w = np.zeros(n)
            w[t_s] = 1.0 / len(t_s)
            for m in (c.matched[i] for i in np.flatnonzero(keep)):
                np.add.at(w, m, -1.0 / (len(t_s) * len(m)))
            psi += share * cohort_influence(c, w, t_s, est_s)
        return est, psi, total


def cohort_influence(c: CohortFit, weights: FloatArray, treated: IntArray, est: float) -> FloatArray:
    """Influence of every unit on a cohort estimate with unit ``weights`` (treated centred at ``est``).

    Besides each unit's own residual, every control of the regression sample moves the
    estimate through the bias-correction coefficients: −ḡ'(Z'Z)⁻¹ z_j ε_j, with ḡ = Σ_u
    weights_u ∂μ̂(x_u)/∂β the covariate gap left after matching. Controls' residuals are
    divided by 1 − h_j (HC3), which keeps the variance from shrinking at high-leverage controls,
    the ones matched most often when treated villages sit at the edge of the controls.
    """
    e = np.nan_to_num(c.resid.copy())
    e[treated] -= est
    if not c.gram_inv.size or not len(c.controls):
        return weights * e
    zc = c.z[c.controls]
    lev = np.einsum("ij,jk,ik->i", zc, c.gram_inv, zc)
    inflate = 1.0 / np.maximum(1.0 - lev, 0.05)
    e[c.controls] *= inflate
    psi = weights * e
    active = weights != 0
    gap = weights[active] @ c.deriv[active]
    psi[c.controls] -= (zc @ (c.gram_inv @ gap)) * np.nan_to_num(c.model_resid[c.controls]) * inflate
    return psi


def fit_design(d: Design, cohort: IntArray | None = None, *, neighbors: int, caliper: float,
               within: Within, model: Model = "log") -> Fit:
    """Fit every cohort of ``cohort`` (first pairing year per unit; default the observed one)."""
    cohort = d.cohort if cohort is None else cohort
    controls = np.flatnonzero(cohort == NEVER)
    fits = []
    for s in np.unique(cohort[cohort != NEVER]):
        fits.append(fit_cohort(d, int(s), np.flatnonzero(cohort == s), controls, neighbors=neighbors,
                                caliper=caliper, within=within, model=model))
    n_used = sum(len(f.treated) for f in fits)
    psi = np.zeros(len(d.codes))
    est = raw = math.nan
    if n_used:
        est = sum(len(f.treated) * f.estimate for f in fits) / n_used
        raw = sum(float(f.raw.sum()) for f in fits) / n_used
        for f in fits:
            if len(f.treated):
                psi += len(f.treated) / n_used * cohort_influence(f, f.weights, f.treated, f.estimate)
    return Fit(design=d, cohorts=fits, influence=psi, estimate=float(est), raw_estimate=float(raw), n_used=n_used)


def clustered(psi: FloatArray, cluster: IntArray) -> tuple[float, int]:
    """Cluster-robust standard error of a linear estimator with unit influences ``psi`` (CR1), and G."""
    active = psi != 0
    if not active.any():
        return math.nan, 0
    ids, inv = np.unique(cluster[active], return_inverse=True)
    sums = np.bincount(inv, weights=psi[active])
    g = len(ids)
    if g < 2:
        return math.nan, g
    return float(math.sqrt(g / (g - 1) * float(np.sum(sums**2)))), g


def t_interval(est: float, se: float, g: int, level: float) -> tuple[float, float, int]:
    """The t interval on G − 1 degrees of freedom."""
    df = max(g - 1, 1)
    if not math.isfinite(se):
        return math.nan, math.nan, df
    q = float(stats.t.ppf(0.5 + level / 2, df))
    return est - q * se, est + q * se, df


# --- the permutation null ------------------------------------------------------------------------------------


def _rewired_dst(d: Design, rng: np.random.Generator, within: Stratum) -> IntArray:
    """New weak ends of the pairing edges (the null model of :func:`rewire_pairings`).

    Within each stratum (town or county): the eligible villages' in-degrees are permuted,
    then the stratum's edges take the resulting stubs in random order.
    """
    strata = d.town if within == "town" else d.county
    n = len(d.codes)
    indeg = np.bincount(d.edge_dst, minlength=n)
    by_stratum = np.argsort(strata, kind="stable")
    shuffled = np.lexsort((rng.random(n), strata))
    degree = np.empty(n, dtype=np.int64)
    degree[by_stratum] = indeg[shuffled]
    stubs = np.repeat(np.arange(n), degree)
    stub_order = np.lexsort((rng.random(len(stubs)), strata[stubs]))
    edge_order = np.argsort(strata[d.edge_dst], kind="stable")
    new_dst = np.empty_like(d.edge_dst)
    new_dst[edge_order] = stubs[stub_order]
    return new_dst


def rewire_pairings(g: nx.DiGraph, *, seed: int = 2021, within: Stratum = "town", selection_year: int | None = None,
                    weak_below: float | None = None) -> nx.DiGraph:
    """A copy of the pairing graph with the strong → weak edges rewired (the permutation null model).

    A bipartite configuration model on strong villages × eligible weak villages: each strong
    village keeps its out-degree and each edge its attributes; within each town
    (``within="town"``) or county, the in-degrees of the eligible weak villages are shuffled
    over all of that town's eligible weak villages (paired or not) and the edges' weak ends are
    drawn from the resulting stubs. Edges into villages that are not eligible weak villages
    stay. A parallel edge (one strong village drawn twice for one weak village) is merged.

    >>> g = nx.DiGraph(baseline_year=2017)
    >>> g.add_nodes_from([(f"w{i}", {"town_code": "t", "county_code": "c", "income": {2017: 10_000, 2018: 12_000}})
    ...                   for i in range(4)])
    >>> g.add_node("s", town_code="t", county_code="c", income={2017: 300_000, 2018: 300_000})
    >>> g.add_edge("s", "w0", since=2018)
    >>> rewired = rewire_pairings(g, seed=1)
    >>> rewired.out_degree("s"), sorted(d for _, d in rewired.in_degree() if d)
    (1, [1])
    """
    d = design_of(g, selection_year=selection_year, weak_below=weak_below)
    dst = _rewired_dst(d, np.random.default_rng(seed), within)
    index = {v: i for i, v in enumerate(d.codes)}
    rewired = g.copy()
    movable = [(s, w) for s, w in g.edges() if w in index]
    attrs = {(s, w): dict(g.edges[s, w]) for s, w in movable}
    rewired.remove_edges_from(movable)
    for (s, w), new in zip(sorted(movable, key=lambda e: (index[e[1]], str(e[0]))), _edge_order(d, dst), strict=True):
        rewired.add_edge(s, d.codes[int(new)], **attrs[(s, w)])
    return rewired


def _edge_order(d: Design, dst: IntArray) -> list[int]:
    """``dst`` in the order of the design's edges sorted by (weak end, strong end)."""
    order = sorted(range(len(d.edge_dst)), key=lambda e: (int(d.edge_dst[e]), str(d.edge_src[e])))
    return [int(dst[e]) for e in order]


# --- the public estimator ---------------------------------------------------------------------------------------


def check_options(neighbors: int, n_perm: int, level: float, within: str, caliper: float, cluster: str) -> None:
    if neighbors < 1:
        raise InvalidArgument(f"neighbors must be at least 1, got {neighbors}")
    if n_perm < 0:
        raise InvalidArgument("n_perm must not be negative")
    if not 0 < level < 1:
        raise InvalidArgument(f"level must be between 0 and 1, got {level}")
    if within not in ("town", "town_first", "county"):
        raise InvalidArgument(f"within must be 'town', 'town_first' or 'county', got {within!r}")
    if not caliper > 0:
        raise InvalidArgument(f"caliper must be positive, got {caliper}")
    if cluster not in ("town", "village"):
        raise InvalidArgument(f"cluster must be 'town' or 'village', got {cluster!r}")


def pairing_effect(data: nx.DiGraph | PairingPanel, *, neighbors: int = 3, caliper: float = DEFAULT_CALIPER,
                   within: Within = "town_first", cluster: Cluster = "town", n_perm: int = 999, level: float = 0.95,
                   seed: int = 2021, rewire_within: Stratum = "town", selection_year: int | None = None,
                   weak_below: float | None = None, role: Role = "weak", model: Model = "log") -> PairingEffect:
    """Effect of pairing on weak villages' collective income: bias-corrected matching, clustered CI, permutation p.

    See the module docstring for the design and ``docs/analysis.md`` for how to read it.

    Parameters
    ----------
    data : networkx.DiGraph or PairingPanel
        A pairing graph (:func:`~partychain.analysis.projections.pairing_graph`) or an income panel.
    neighbors : int, optional
        Controls matched to each treated village at most (default 3).
    caliper : float, optional
        Largest matching distance in sd of log pre-year income (default 0.5).
    within : {"town_first", "town", "county"}, optional
        Match in the village's town, then its county (default); only in the town; or in the county.
    cluster : {"town", "village"}, optional
        Clusters of the standard error (default town).
    n_perm : int, optional
        Rewired pairings for the permutation test (default 999; 0 skips it).
    level : float, optional
        Confidence level (default 0.95).
    seed : int, optional
        Seed of the rewiring.
    rewire_within : {"town", "county"}, optional
        Stratum of the rewiring null model (default town).
    selection_year, weak_below : optional
        Override the panel's selection year and weak threshold.
    role : {"weak", "strong"}, optional
        ``"strong"`` estimates the effect on the leading strong villages instead (no permutation test).
    model : {"log", "linear"}, optional
        Outcome model of the bias correction (default log income).

    Returns
    -------
    PairingEffect

    Raises
    ------
    InvalidArgument
        When there is no paired or no unpaired unit, nothing can be matched, or an option is out of range.

    Examples
    --------
    Weak villages in three towns, half of them paired in 2018 and given 10,000 yuan a year more:

    >>> g = nx.DiGraph(baseline_year=2017)
    >>> for t in range(3):
    ...     g.add_node(f"s{t}", town_code=f"t{t}", county_code="c", income={2016: 300_000, 2017: 300_000})
    ...     for i in range(8):
    ...         base = 20_000 + 2_000 * (i // 2) + 100 * (i % 2) + 300 * t  # each control 100 yuan above
    ...         bump = 10_000 if i % 2 == 0 else 0
    ...         g.add_node(f"w{t}{i}", town_code=f"t{t}", county_code="c",
    ...                    income={2016: base, 2017: base * 1.1, 2018: base * 1.2 + bump, 2019: base * 1.3 + bump})
    ...         if bump:
    ...             g.add_edge(f"s{t}", f"w{t}{i}", since=2018)
    >>> e = pairing_effect(g, n_perm=199)
    >>> round(e.estimate), e.n_used, e.n_control, e.n_clusters
    (10000, 12, 12, 3)
    >>> e.p_value < 0.05
    True
    """
    check_options(neighbors, n_perm, level, within, caliper, cluster)
    d = design_of(data, role=role, selection_year=selection_year, weak_below=weak_below)
    who = "paired weak village" if role == "weak" else "strong village leading another"
    if not (d.cohort != NEVER).any():
        raise InvalidArgument(f"no {who} to estimate the effect on")
    if not (d.cohort == NEVER).any():
        raise InvalidArgument("no unpaired weak village to compare with" if role == "weak"
                              else "no strong village without partners to compare with")
    fit = fit_design(d, neighbors=neighbors, caliper=caliper, within=within, model=model)
    if not fit.n_used:
        raise InvalidArgument(f"no {who} could be matched: none has a control in its {within} within the caliper "
                              f"({caliper}); try within='county' or a wider caliper")
    se, g = clustered(fit.influence, d.cluster_id[cluster])
    lo, hi, df = t_interval(fit.estimate, se, g, level)
    null: list[float] = []
    null_t: list[float] = []
    if n_perm and role == "weak":
        rng = np.random.default_rng(seed)
        for _ in range(n_perm):
            pc = d.treatment(_rewired_dst(d, rng, rewire_within))
            f = fit_design(d, pc, neighbors=neighbors, caliper=caliper, within=within, model=model)
            null.append(f.estimate)
            null_t.append(f.estimate / clustered(f.influence, d.cluster_id[cluster])[0] if f.n_used else math.nan)
    null_arr = np.array(null)
    t_null = np.array(null_t)
    t_null = t_null[np.isfinite(t_null)]
    n_done = len(t_null)
    t_obs = fit.estimate / se
    p = (1 + int(np.sum(np.abs(t_null) >= abs(t_obs) * (1 - 1e-12)))) / (1 + n_done) if n_done else None
    treated_all = d.cohort != NEVER
    used_controls = np.zeros(len(d.codes), dtype=np.int64)
    t_change: list[float] = []
    c_change: list[float] = []
    outside_town = 0
    for c in fit.cohorts:
        if not len(c.treated):
            continue
        sizes = [len(m) for m in c.matched]
        controls = np.concatenate(c.matched)
        np.add.at(used_controls, controls, 1)
        t_change.extend(c.outcome[c.treated])
        c_change.extend(_means(c.outcome, c.matched))
        elsewhere = d.town[controls] != np.repeat(d.town[c.treated], sizes)
        outside_town += int((np.bincount(np.repeat(np.arange(len(sizes)), sizes), weights=elsewhere) > 0).sum())
    result = PairingEffect(
        estimate=fit.estimate, se=se, ci_low=lo, ci_high=hi, df=df, n_clusters=g, cluster=cluster, p_value=p,
        p_at_floor=p is not None and p <= 1 / (n_done + 1) + 1e-12, n_perm=n_done, level=level,
        raw_estimate=fit.raw_estimate, treated_change=float(np.mean(t_change)),
        control_change=float(np.mean(c_change)), n_treated=int(treated_all.sum()), n_used=fit.n_used,
        n_trimmed_no_control=sum(len(c.trimmed_no_control) for c in fit.cohorts),
        n_trimmed_caliper=sum(len(c.trimmed_caliper) for c in fit.cohorts), n_outside_town=outside_town,
        n_control=int((~treated_all).sum()), n_controls_used=int((used_controls > 0).sum()),
        max_reuse=int(used_controls.max()), n_excluded=d.n_excluded,
        cohorts=tuple((c.since, len(c.treated)) for c in fit.cohorts), selection_year=d.panel.selection_year,
        weak_below=d.panel.weak_below, neighbors=neighbors, caliper=caliper, within=within, role=role, seed=seed,
        label=d.panel.label, null_estimates=tuple(float(x) for x in null_arr))
    if log.isEnabledFor(logging.INFO):  # the summary is long to format: only when it is logged
        log.info("%s", result.summary())
    return result


def matches(data: nx.DiGraph | PairingPanel, *, neighbors: int = 3, caliper: float = DEFAULT_CALIPER,
            within: Within = "town_first", selection_year: int | None = None, weak_below: float | None = None,
            role: Role = "weak") -> pd.DataFrame:
    """The matched comparison behind :func:`pairing_effect`: one row per paired (treated) village.

    Columns: ``code``, ``name``, ``town_code``, ``since``, ``selection_income`` (income in the
    selection year), ``status`` (``'matched'``, ``'no control in town'`` (``within="town"``) or
    ``'no control in county'``, ``'outside caliper'``), ``controls`` (';'-joined codes), ``distance`` (largest
    matching distance used), ``change`` (Δ of the village), ``control_change`` (mean Δ of its
    controls), ``difference`` (change − control_change), ``bias_corrected`` (τ_i; the estimate
    is the mean of this column over matched rows).

    >>> g = nx.DiGraph(baseline_year=2017)
    >>> g.add_node("w0", town_code="t", county_code="c", income={2016: 19_000, 2017: 20_000, 2018: 35_000})
    >>> g.add_node("w1", town_code="t", county_code="c", income={2016: 20_000, 2017: 21_000, 2018: 24_000})
    >>> g.add_node("s", town_code="t", county_code="c", income={2017: 300_000})
    >>> g.add_edge("s", "w0", since=2018)
    >>> matches(g, caliper=5)[["code", "status", "controls", "change", "difference"]].values.tolist()
    [['w0', 'matched', 'w1', 16000.0, 12000.0]]
    """
    check_options(neighbors, 0, 0.5, within, caliper, "town")
    d = design_of(data, role=role, selection_year=selection_year, weak_below=weak_below)
    fit = fit_design(d, neighbors=neighbors, caliper=caliper, within=within)
    vil = d.panel.villages
    sel = list(d.years).index(d.panel.selection_year)
    rows = []
    for c in fit.cohorts:
        where = "town" if within == "town" else "county"
        parts = [(c.treated, "matched"), (c.trimmed_no_control, f"no control in {where}"),
                 (c.trimmed_caliper, "outside caliper")]
        for units, status in parts:
            for k, t in enumerate(units):
                code = d.codes[int(t)]
                row: dict[str, Any] = {
                    "code": code, "name": vil.at[code, "name"] if "name" in vil.columns else None,
                    "town_code": vil.at[code, "town_code"], "since": c.since,
                    "selection_income": d.income[int(t), sel], "status": status, "controls": "",
                    "distance": math.nan, "change": float(c.outcome[int(t)]), "control_change": math.nan,
                    "difference": math.nan, "bias_corrected": math.nan}
                if status == "matched":
                    m = c.matched[k]
                    row.update(controls=";".join(str(d.codes[int(j)]) for j in m), distance=float(c.distance[k].max()),
                               control_change=float(c.outcome[m].mean()), difference=float(c.raw[k]),
                               bias_corrected=float(c.tau[k]))
                rows.append(row)
    cols = ["code", "name", "town_code", "since", "selection_income", "status", "controls", "distance", "change",
            "control_change", "difference", "bias_corrected"]
    return pd.DataFrame(rows, columns=cols)


def pairing_effect_over_versions(store: GraphStore, *, scope: str = "", years: list[int] | None = None,
                                 label: str | None = None, **options: Any) -> PairingEffect:
    """:func:`pairing_effect` on the income series of the loaded ledger years (dataset versions).

    The panel is :func:`~partychain.analysis.panel.panel_from_versions`: villages and pairings of the
    latest version, each year's income as the earliest loaded ledger recording it gives it (the ledger of
    that year where it is loaded).  ``options`` are those of :func:`pairing_effect`.

    >>> from partychain.testing import mini_store
    >>> pairing_effect_over_versions(mini_store())
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: no ledger year is loaded: load ledgers that declare their year
    """
    return pairing_effect(panel_from_versions(store, scope=scope, years=years, label=label), **options)
