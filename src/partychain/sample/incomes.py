"""Village collective income (村集体经济收入) per village and year and by source, strong villages leading weak
ones (强村带弱村), and the planted pairing effect.

The draws come from three child generators of their own (:data:`INCOME_STREAMS` of the county's
spawned streams), so ``partychain.analysis.simulate`` can redraw them exactly for a seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from partychain.graph_model.enums import IncomeSource, PairingKind

from .profile import CountyProfile, SampleError
from .state import BoolArray, CountyState, IntArray

__all__ = ["INCOME_STREAMS", "draw_income_sources", "draw_incomes", "draw_pairings", "pair_in_passes",
           "weak_first_order"]

INCOME_STREAMS: tuple[int, int, int] = (14, 15, 16)
"""Positions, among the child generators a county spawns, of the income levels, the pairings and the
planted effect's noise."""


def weak_first_order(rng: np.random.Generator, town: IntArray, weak: BoolArray, strong: BoolArray) -> IntArray:
    """The generator's visiting order of weak villages: random, those whose town has a strong village first."""
    w_idx = np.flatnonzero(weak)
    strong_towns = np.isin(town[w_idx], town[np.flatnonzero(strong)])
    return w_idx[np.argsort(rng.random(len(w_idx)) + np.where(strong_towns, 0.0, 0.6), kind="stable")]


def pair_in_passes(rng: np.random.Generator, town: IntArray, weak: BoolArray, strong: BoolArray,
                   order: Callable[[np.random.Generator], IntArray], *, pairing_share: float,
                   cross_town_share: float, hub_capacity: Sequence[float]) -> list[tuple[int, int]]:
    """Pair weak villages with strong ones in two passes, visiting the weak ones in ``order(rng)``:
    (strong, weak) positions.

    ``round(pairing_share * weak)`` weak villages are paired, ``round(cross_town_share * that)``
    of them across a town border. A first pass pairs them with a strong village of their own town,
    a second pass pairs still unpaired ones with a strong village of another town (and fills up if
    the towns ran out of strong villages). Each strong village can lead 1–5 weak villages (drawn
    from ``hub_capacity``) and is chosen in proportion to its remaining capacity, so hubs emerge.
    ``partychain.analysis.simulate`` calls it with other visiting orders.
    """
    w_idx = np.flatnonzero(weak)
    s_idx = np.flatnonzero(strong)
    if not len(w_idx) or not len(s_idx):
        return []
    n_pair = round(pairing_share * len(w_idx))
    n_within = n_pair - round(cross_town_share * n_pair)
    cap_p = np.asarray(hub_capacity, dtype=np.float64)
    remaining = 1 + rng.choice(len(cap_p), size=len(s_idx), p=cap_p / cap_p.sum())
    visit = order(rng).tolist()
    pick = rng.random((2, len(visit))).tolist()
    # plain lists and dicts: a few hundred small draws a county, and the calibration pairs 2,100 panels
    left = remaining.tolist()  # capacity left per strong village
    v_town, s_town = town.tolist(), town[s_idx].tolist()
    in_town: dict[int, list[int]] = {}  # strong villages (positions in s_idx) by town
    for j, t in enumerate(s_town):
        in_town.setdefault(t, []).append(j)
    paired: dict[int, int] = {}
    for rounds, (same_town, limit) in enumerate(((True, n_within), (False, n_pair))):
        for i, v in enumerate(visit):
            if len(paired) >= limit:
                break
            if v in paired:
                continue
            t = v_town[v]
            cand = [j for j in in_town.get(t, []) if left[j] > 0] if same_town else \
                [j for j, other in enumerate(s_town) if left[j] > 0 and other != t]
            if not cand:
                continue
            # the first candidate whose cumulative share of the capacity left exceeds the draw, with the
            # float divisions of a search in cumsum(w) / sum(w) (sums of whole numbers are exact)
            total = float(sum(left[j] for j in cand))
            acc = 0
            for j in cand:
                acc += left[j]
                if acc / total > pick[rounds][i]:
                    break
            left[j] -= 1
            paired[v] = int(s_idx[j])
    return sorted((s, w) for w, s in paired.items())


def draw_pairings(rng: np.random.Generator, town: IntArray, weak: BoolArray, strong: BoolArray,
                  profile: CountyProfile) -> list[tuple[int, int]]:
    """Strong villages leading weak ones, chosen from baseline data only: (strong, weak) positions.

    :func:`pair_in_passes` with the profile's shares and hub capacities, weak villages visited in a
    random order that puts villages whose town has a strong village first (:func:`weak_first_order`).
    """
    return pair_in_passes(rng, town, weak, strong, lambda r: weak_first_order(r, town, weak, strong),
                          pairing_share=profile.pairing_share, cross_town_share=profile.cross_town_share,
                          hub_capacity=profile.hub_capacity)


def draw_incomes(st: CountyState, rngs: Sequence[np.random.Generator], pairing_effect: float) -> None:
    """Collective income per village and year, pairings, and the planted pairing effect.

    log y0[v,t] = m + a[town] + b[v] + g (t - baseline) + u[town,t] + e[v,t]  (all normal)
    y[v,t] = round(exp(log y0)) + paired[v] * [t >= since] * round(max(0, effect (1 + s z[v,t])))
    """
    p = st.profile
    r_level, r_pair, r_effect = rngs
    years = np.arange(p.income_years[0], p.income_years[1] + 1)
    if p.baseline_year not in years:
        raise SampleError("the baseline year must be one of the income years")
    a = r_level.normal(0.0, p.income_town_sd, st.n_t)
    b = r_level.normal(0.0, p.income_village_sd, st.n_v)
    u = r_level.normal(0.0, p.income_year_town_sd, (st.n_t, len(years)))
    e = r_level.normal(0.0, p.income_year_village_sd, (st.n_v, len(years)))
    log_y = (p.income_log_mean + a[st.v_town][:, None] + b[:, None]
             + p.income_growth * (years - p.baseline_year)[None, :] + u[st.v_town] + e)
    y0 = np.rint(np.exp(log_y)).astype(np.int64)
    baseline = y0[:, int(np.flatnonzero(years == p.baseline_year)[0])]
    pairs = draw_pairings(r_pair, st.v_town, baseline < p.weak_below, baseline >= p.strong_from, p)
    paired = np.zeros(st.n_v, dtype=bool)
    for _, w in pairs:
        paired[w] = True
    z = r_effect.normal(0.0, 1.0, (st.n_v, len(years)))
    bump = np.rint(np.maximum(0.0, pairing_effect * (1.0 + p.effect_noise * z))).astype(np.int64)
    y = y0 + bump * (paired[:, None] & (years >= p.pairing_since)[None, :])
    st.tables["village_income"] = pd.DataFrame({
        "village_code": np.repeat(st.v_code, len(years)), "year": np.tile(years, st.n_v),
        "collective_income": y.reshape(-1)})
    st.tables["pairings"] = pd.DataFrame({
        "strong_code": np.array([st.v_code[s] for s, _ in pairs], dtype=object),
        "weak_code": np.array([st.v_code[w] for _, w in pairs], dtype=object),
        "since": p.pairing_since, "kind": PairingKind.strong_weak.value})


_OTHER_SOURCES = (IncomeSource.asset_rent.value, IncomeSource.service.value, IncomeSource.subsidy.value,
                  IncomeSource.other.value)


def draw_income_sources(st: CountyState, rng: np.random.Generator) -> None:
    """Each village's collective income of the source years split by source (``village_income_sources``).

    The totals are those :func:`draw_incomes` drew (untouched: the planted effect and the simulations stay
    as they are); the split is the project's assumption:

    - a cooperative or company pays out a profit P[u] ~ lognormal (median ``payout_median_chain`` when a
      party organization runs or leads it in the ledger, the chain; ``payout_median_other`` else; log-sd
      ``payout_sd``), growing by ``payout_growth_chain`` (``payout_growth_other``) a year from the first
      source year;
    - a village holding ``pct`` % of it (``shareholdings``) gets ``pct`` % of P[u, t] as its dividend; a
      village's dividends are scaled down to at most ``dividend_cap`` of its income that year;
    - the rest is asset rent, services, subsidies and other in shares drawn per village from a Dirichlet
      (``source_alpha``), wobbling from year to year (log-sd ``source_year_sd``); amounts are whole yuan,
      other takes what rounding leaves, so a village's rows add up to its income exactly.

    Rows of 0 yuan are not written.
    """
    p = st.profile
    first, last = p.income_years
    years = np.arange(max(p.source_years[0], first), min(p.source_years[1], last) + 1)
    n_y = len(years)
    y = st.tables["village_income"]["collective_income"].to_numpy(dtype=np.int64).reshape(st.n_v, last - first + 1)
    total = y[:, years - first]
    sh = st.tables["shareholdings"]
    v_index = {str(c): i for i, c in enumerate(st.v_code)}
    hv = np.array([v_index[str(c)] for c in sh["village_code"]], dtype=np.int64)
    unit, units = pd.factorize(sh["holder_of"].astype(str))
    chain_units = {str(c) for c in st.c_id[(st.c_run != "") | (st.c_led != "")]} | \
        {str(k) for k in st.k_id[st.k_branch != ""]}
    chain = np.array([u in chain_units for u in units], dtype=bool)
    payout = np.exp(np.log(np.where(chain, p.payout_median_chain, p.payout_median_other))
                    + p.payout_sd * rng.normal(0.0, 1.0, len(units)))
    growth = np.where(chain, p.payout_growth_chain, p.payout_growth_other)
    paid = payout[:, None] * (1.0 + growth[:, None]) ** (years - years[0])[None, :]  # (units, years)
    div = sh["pct"].to_numpy(dtype=np.float64)[:, None] / 100.0 * paid[unit]  # (holdings, years)
    per_village = np.zeros((st.n_v, n_y))
    np.add.at(per_village, hv, div)
    scale = np.minimum(1.0, p.dividend_cap * total / np.maximum(per_village, 1e-9))
    div_yuan = np.floor(div * scale[hv]).astype(np.int64)
    got = np.zeros((st.n_v, n_y), dtype=np.int64)
    np.add.at(got, hv, div_yuan)
    rest = total - got
    w = rng.dirichlet(np.asarray(p.source_alpha, dtype=np.float64), st.n_v)
    w = w[:, None, :] * np.exp(rng.normal(0.0, p.source_year_sd, (st.n_v, n_y, len(_OTHER_SOURCES))))
    w = w / w.sum(axis=2, keepdims=True)
    parts = np.floor(rest[:, :, None] * w[:, :, :-1]).astype(np.int64)
    parts = np.concatenate([parts, (rest - parts.sum(axis=2))[:, :, None]], axis=2)

    h_idx, t_idx = np.nonzero(div_yuan > 0)
    dividends = pd.DataFrame({"village_code": st.v_code[hv[h_idx]], "year": years[t_idx],
                              "source": IncomeSource.dividend.value,
                              "holder_of": sh["holder_of"].to_numpy(dtype=object)[h_idx],
                              "yuan": div_yuan[h_idx, t_idx]})
    v_idx, t_idx, s_idx = np.nonzero(parts > 0)
    others = pd.DataFrame({"village_code": st.v_code[v_idx], "year": years[t_idx],
                           "source": np.array(_OTHER_SOURCES, dtype=object)[s_idx], "holder_of": "",
                           "yuan": parts[v_idx, t_idx, s_idx]})
    order = {s.value: i for i, s in enumerate(IncomeSource)}
    rows = pd.concat([dividends, others], ignore_index=True)
    rows = rows.assign(_o=rows["source"].map(order)).sort_values(
        ["village_code", "year", "_o", "holder_of"], kind="stable").drop(columns="_o")
    st.tables["village_income_sources"] = rows.reset_index(drop=True)
