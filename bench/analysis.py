"""Analysis benchmark: the network measures and the pairing effect on the loaded graph, at province scale, and
the estimator's calibration on many simulated draws.

* :func:`run` times, on a loaded store, each step of :mod:`partychain.analysis`: the three
  projections (store → networkx), PageRank, betweenness, Louvain, the pairing-effect estimate
  (bias-corrected matching, clustered interval), the permutation test, and the diagnostics.
* :func:`run_province` builds, in memory, a synthetic pairing graph and cooperation graph on
  Guizhou's real divisions (17,964 villages in 1,510 towns and 88 counties; see
  :func:`synthetic_province`) and times the same steps at that scale.
* :func:`calibrate` runs the estimator on ``draws`` simulated panels of every scenario of
  :data:`partychain.analysis.simulate.SCENARIOS` (the suite's calibration test runs 300) and
  reports bias, spread, mean standard error, interval coverage and how often "no effect" is
  rejected; :func:`permutation_size` the size of the permutation test; :func:`power_check`
  how often the minimum detectable effect is detected.

Every estimate reported here is computed on synthetic data with a planted effect and says so
(``data`` in each result). Betweenness (:func:`partychain.analysis.structure.betweenness`) is exact,
component by component, while the largest component has at most ``EXACT_BETWEENNESS_MAX``
(2,000) nodes, and estimated from k = 500 sampled pivots above.

``python -m bench.analysis [--db PATH] [--repeat N] [--province] [--calibrate [--draws N]]`` prints
the results as JSON (and the calibration table as markdown).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from .common import summary

PROVINCE_PERM = 199
SAMPLE_LABEL = "synthetic Songtao sample, effect of 40,000 yuan planted"
"""What the county run measures: ``python -m bench`` loads ``generate_songtao(seed)`` with its default
effect (40,000 yuan a year in every paired weak village)."""


def _time(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return summary(times), out


def _measures(gp: nx.DiGraph, gc: nx.Graph, *, repeat: int, n_perm: int, label: str) -> dict[str, Any]:
    from partychain.analysis.diagnostics import balance_table, event_study, heterogeneity, sensitivity
    from partychain.analysis.effect import format_p, pairing_effect
    from partychain.analysis.panel import panel_from_graph
    from partychain.analysis.structure import EXACT_BETWEENNESS_MAX, betweenness, communities, components

    out: dict[str, Any] = {}
    for name, h in (("pairing", gp), ("cooperation", gc)):
        und = nx.Graph(h.to_undirected(as_view=True)) if h.is_directed() else h
        largest = len(components(h)[0])
        out[f"{name}_pagerank"], _ = _time(lambda h=h: nx.pagerank(h), repeat)
        out[f"{name}_betweenness"], _ = _time(lambda u=und: betweenness(u), repeat)
        out[f"{name}_betweenness"]["method"] = ("exact per component" if largest <= EXACT_BETWEENNESS_MAX
                                                else "500 sampled pivots")
        out[f"{name}_betweenness"]["largest_component"] = largest
        if largest <= EXACT_BETWEENNESS_MAX:  # what sampling on the whole graph would cost
            out[f"{name}_betweenness_sampled_500"], _ = _time(lambda u=und: betweenness(u, k=500), 1)
        out[f"{name}_louvain"], parts = _time(lambda h=h: communities(h, seed=2021), repeat)
        out[f"{name}_louvain"]["communities"] = len(parts)
    panel = panel_from_graph(gp, label=label)
    out["effect_estimate"], e = _time(lambda: pairing_effect(panel, n_perm=0), repeat)
    out["effect_estimate"].update(method=f"bias-corrected matching, clustered by town; {label}",
                                  estimate=round(e.estimate), ci=[round(e.ci_low), round(e.ci_high)],
                                  n_used=e.n_used, n_treated=e.n_treated, n_control=e.n_control,
                                  n_clusters=e.n_clusters)
    out["permutation_test"], e = _time(lambda: pairing_effect(panel, n_perm=n_perm), repeat)
    out["permutation_test"].update(method=f"{n_perm} rewirings, p {format_p(e.p_value, e.n_perm)}; {label}",
                                   n_perm=n_perm)
    for name, fn in (("event_study", lambda: event_study(panel)), ("balance_table", lambda: balance_table(panel)),
                     ("sensitivity", lambda: sensitivity(panel)), ("heterogeneity", lambda: heterogeneity(panel))):
        out[name], _ = _time(fn, repeat)
    return out


def run(store: Any, *, repeat: int = 3, scope: str = "", n_perm: int = 999,
        label: str = SAMPLE_LABEL) -> dict[str, Any]:
    """Time each analysis step on the loaded graph of ``store``; medians etc. per step (seconds).

    ``label`` says what the loaded graph is (default: the bench's synthetic Songtao sample);
    ``n_perm``: the rewirings of the permutation test (the effect's interval is analytic, town-clustered).
    """
    from partychain.analysis.projections import cooperation_graph, org_graph, pairing_graph

    res: dict[str, Any] = {"data": label}
    res["projection_pairing"], gp = _time(lambda: pairing_graph(store, scope=scope), repeat)
    res["projection_cooperation"], gc = _time(lambda: cooperation_graph(store, scope=scope), repeat)
    res["projection_org"], go = _time(lambda: org_graph(store, scope=scope), repeat)
    res["graphs"] = {"pairing": [gp.number_of_nodes(), gp.number_of_edges()],
                     "cooperation": [gc.number_of_nodes(), gc.number_of_edges()],
                     "org": [go.number_of_nodes(), go.number_of_edges()]}
    res.update(_measures(gp, gc, repeat=repeat, n_perm=n_perm, label=label))
    return res


def synthetic_province(*, seed: int = 2021, effect: float = 40_000.0) -> tuple[nx.DiGraph, nx.Graph]:
    """A pairing graph and a cooperation graph on Guizhou's divisions, drawn like the Songtao sample.

    Incomes 2016–2021 follow the sample's model (lognormal baseline with town and village
    effects, 10 % growth, yearly noise); per county 60 % of the weak villages (2017 income
    < 50,000) are paired from 2018 with a strong one (≥ 200,000), 85 % of them in their own
    town when it has a strong village with capacity; each strong village leads 1–5
    (probabilities 0.30, 0.25, 0.20, 0.15, 0.10), chosen in proportion to capacity left; the
    pairing adds ``effect`` yuan a year. The cooperation graph joins each pair of villages of
    a town with probability 0.9 (in the Songtao sample households meet only within their
    town, where nearly every pair of villages shares a unit). Everything is synthetic.
    """
    from partychain.analysis.projections import village_class
    from partychain.sample import load_divisions

    rng = np.random.default_rng(seed)
    d = load_divisions()
    v = d[d["level"] == "village"].sort_values("code")
    codes = v["code"].to_numpy()
    town = v["parent_code"].to_numpy()
    county = np.array([c[:6] for c in codes])
    towns, t_idx = np.unique(town, return_inverse=True)
    years = np.arange(2016, 2022)
    log_y = (11.285 + rng.normal(0, 0.35, len(towns))[t_idx][:, None] + rng.normal(0, 0.8, len(codes))[:, None]
             + 0.10 * (years - 2017)[None, :] + rng.normal(0, 0.15, (len(codes), len(years))))
    y = np.rint(np.exp(log_y)).astype(np.int64)
    base = y[:, 1]
    weak, strong = base < 50_000, base >= 200_000
    gp = nx.DiGraph(kind="pairing", scope="52", baseline_year=2017, weak_below=50_000, strong_from=200_000)
    capacity = np.where(strong, 1 + rng.choice(5, len(codes), p=[0.30, 0.25, 0.20, 0.15, 0.10]), 0)
    paired = np.zeros(len(codes), dtype=bool)
    edges = []
    for c in np.unique(county):
        in_c = county == c
        w = rng.permutation(np.flatnonzero(in_c & weak))[: round(0.6 * (in_c & weak).sum())]
        for i in w:
            same = np.flatnonzero(in_c & (capacity > 0) & (town == town[i]))
            pool = same if len(same) and rng.random() < 0.85 else np.flatnonzero(in_c & (capacity > 0))
            if not len(pool):
                continue
            s = int(rng.choice(pool, p=capacity[pool] / capacity[pool].sum()))
            capacity[s] -= 1
            paired[i] = True
            edges.append((codes[s], codes[i]))
    bump = np.where(paired[:, None] & (years >= 2018)[None, :],
                    np.rint(np.maximum(0, effect * (1 + 0.25 * rng.normal(size=y.shape)))), 0).astype(np.int64)
    y = y + bump
    for i, code in enumerate(codes):
        gp.add_node(code, town_code=town[i], county_code=county[i], name=code, kind="village",
                    income={int(yr): int(y[i, j]) for j, yr in enumerate(years)}, baseline_income=int(base[i]),
                    **{"class": village_class(int(base[i]))})
    gp.add_edges_from(edges, since=2018, kind="strong_weak")
    gc = nx.Graph(kind="cooperation")
    gc.add_nodes_from(gp.nodes(data=True))
    for t in range(len(towns)):
        members = codes[t_idx == t]
        n = len(members)
        if n < 2:
            continue
        a, b = np.triu_indices(n, 1)
        keep = rng.random(len(a)) < 0.9
        gc.add_edges_from(zip(members[a[keep]], members[b[keep]], strict=True), weight=1)
    return gp, gc


def run_province(*, repeat: int = 3, seed: int = 2021, n_perm: int = PROVINCE_PERM) -> dict[str, Any]:
    """Time the networkx and estimator steps on :func:`synthetic_province` graphs."""
    t = time.perf_counter()
    gp, gc = synthetic_province(seed=seed)
    label = "synthetic province graph, effect of 40,000 yuan planted"
    res: dict[str, Any] = {"data": label, "build_s": time.perf_counter() - t,
                           "graphs": {"pairing": [gp.number_of_nodes(), gp.number_of_edges()],
                                      "cooperation": [gc.number_of_nodes(), gc.number_of_edges()]}}
    res.update(_measures(gp, gc, repeat=repeat, n_perm=n_perm, label=label))
    return res


# --- calibration ----------------------------------------------------------------------------------------------


def calibrate(*, draws: int = 1000, seed0: int = 100_000, level: float = 0.95,
              scenarios: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Bias, spread, mean standard error, coverage and rejection of "no effect" per scenario over ``draws``
    simulated panels (no permutations); ``mc_se`` is the Monte-Carlo standard error of a 95 % coverage."""
    from partychain.analysis.effect import pairing_effect
    from partychain.analysis.simulate import SCENARIOS, simulate_panel

    out: dict[str, dict[str, float]] = {}
    for name in scenarios or list(SCENARIOS):
        truth = SCENARIOS[name].effect
        est, se, cover, reject = [], [], 0, 0
        t = time.perf_counter()
        for i in range(draws):
            e = pairing_effect(simulate_panel(name, seed=seed0 + i), n_perm=0, level=level)
            est.append(e.estimate)
            se.append(e.se)
            cover += e.ci_low <= truth <= e.ci_high
            reject += e.ci_low > 0 or e.ci_high < 0
        out[name] = {"planted": truth, "draws": draws, "mean_estimate": float(np.mean(est)),
                     "bias": float(np.mean(est)) - truth, "sd": float(np.std(est)), "mean_se": float(np.mean(se)),
                     "coverage": cover / draws, "rejects_zero": reject / draws,
                     "mc_se": math.sqrt(level * (1 - level) / draws), "seconds": time.perf_counter() - t}
    return out


def permutation_size(*, draws: int = 200, n_perm: int = 199, seed0: int = 300_000,
                     scenarios: tuple[str, ...] = ("as_generated", "weakest_first")) -> dict[str, dict[str, float]]:
    """How often the permutation test rejects at 5 % where nothing is planted."""
    from partychain.analysis.effect import pairing_effect
    from partychain.analysis.simulate import simulate_panel

    out = {}
    for name in scenarios:
        t = time.perf_counter()
        ps = [pairing_effect(simulate_panel(name, seed=seed0 + i), n_perm=n_perm, seed=i).p_value
              for i in range(draws)]
        out[name] = {"draws": draws, "n_perm": n_perm, "rejects_at_5pct": float(np.mean([p <= 0.05 for p in ps])),
                     "seconds": time.perf_counter() - t}
    return out


def power_check(*, draws: int = 500, se_draws: int = 200, seed0: int = 500_000) -> dict[str, float]:
    """The MDE from the mean standard error of ``se_draws`` panels as generated, then how often ``draws`` panels
    with that effect planted detect it (should be about 80 %)."""
    import dataclasses

    from partychain.analysis.diagnostics import power_analysis
    from partychain.analysis.effect import pairing_effect
    from partychain.analysis.simulate import simulate_panel

    fits = [pairing_effect(simulate_panel("as_generated", seed=seed0 + i), n_perm=0) for i in range(se_draws)]
    typical = dataclasses.replace(fits[0], se=float(np.mean([f.se for f in fits])))
    mde = power_analysis(typical).mde
    hits = 0
    for i in range(draws):
        e = pairing_effect(simulate_panel("as_generated", seed=seed0 + se_draws + i, effect=mde), n_perm=0)
        hits += e.ci_low > 0
    return {"mean_se": typical.se, "mde": mde, "draws": draws, "detected": hits / draws}


def calibration_markdown(cal: dict[str, dict[str, float]]) -> str:
    """The calibration table as markdown (every panel synthetic, with what was planted)."""
    from partychain.analysis.simulate import SCENARIOS

    draws = next(iter(cal.values()))["draws"] if cal else 0
    lines = [f"| scenario (synthetic panels, {draws:,} draws each) | planted | mean estimate | sd | mean SE | "
             "95 % CI covers the truth | rejects \"no effect\" |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in cal.items():
        lines.append(f"| {SCENARIOS[name].description} (`{name}`) | {r['planted']:,.0f} | {r['mean_estimate']:,.0f} | "
                     f"{r['sd']:,.0f} | {r['mean_se']:,.0f} | {r['coverage']:.3f} | {r['rejects_zero']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.analysis", description=__doc__)
    ap.add_argument("--db", help="embedded graph directory (default: PARTYCHAIN_DB / the configured store)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--province", action="store_true", help="also time the synthetic province graphs")
    ap.add_argument("--calibrate", action="store_true", help="run the calibration on simulated panels only")
    ap.add_argument("--draws", type=int, default=1000, help="simulated panels per scenario (--calibrate)")
    args = ap.parse_args(argv)
    if args.calibrate:
        cal = calibrate(draws=args.draws)
        out: dict[str, Any] = {"calibration": cal, "permutation_size": permutation_size(),
                               "power": power_check()}
        print(json.dumps(out, indent=1, default=str))
        print(calibration_markdown(cal))
        return
    from pathlib import Path

    from partychain.storage import open_store

    store = open_store(db=Path(args.db) if args.db else None)
    out = {"county": run(store, repeat=args.repeat)}
    if args.province:
        out["province"] = run_province(repeat=args.repeat)
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
