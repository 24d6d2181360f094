"""Analysis benchmark: the network measures on the loaded county graph, and networkx at province scale.

* :func:`run` times, on a loaded store, each step of :mod:`partychain.analysis`: the three
  projections (store → networkx), PageRank, betweenness, Louvain, the pairing-effect
  estimate with its bootstrap interval, and the permutation test.
* :func:`run_province` builds, in memory, a synthetic pairing graph and cooperation graph on
  Guizhou's real divisions (17,964 villages in 1,510 towns and 88 counties; see
  :func:`synthetic_province`) and times the same networkx steps at that scale.

Betweenness (:func:`partychain.analysis.structure.betweenness`) is exact, component by
component, while the largest component has at most ``EXACT_BETWEENNESS_MAX`` (2,000) nodes,
and estimated from k = 500 sampled pivots above; where it is exact, the cost of sampling
500 pivots on the whole graph is timed beside it, for comparison.

``python -m bench.analysis [--db PATH] [--repeat N] [--province]`` prints the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from .common import summary

PROVINCE_BOOT = 199
PROVINCE_PERM = 199


def _time(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return summary(times), out


def _measures(gp: nx.DiGraph, gc: nx.Graph, *, repeat: int, n_boot: int, n_perm: int) -> dict[str, Any]:
    from partychain.analysis.effect import pairing_effect
    from partychain.analysis.structure import EXACT_BETWEENNESS_MAX, betweenness, communities, components

    out: dict[str, Any] = {}
    for name, h in (("pairing", gp), ("cooperation", gc)):
        largest = len(components(h)[0])
        out[f"{name}_pagerank"], _ = _time(lambda h=h: nx.pagerank(h), repeat)
        out[f"{name}_betweenness"], _ = _time(lambda h=h: betweenness(h), repeat)
        out[f"{name}_betweenness"]["method"] = ("exact per component" if largest <= EXACT_BETWEENNESS_MAX
                                                else "500 sampled pivots")
        out[f"{name}_betweenness"]["largest_component"] = largest
        if largest <= EXACT_BETWEENNESS_MAX:  # what sampling on the whole graph would cost
            out[f"{name}_betweenness_sampled_500"], _ = _time(lambda h=h: betweenness(h, k=500), 1)
        out[f"{name}_louvain"], parts = _time(lambda h=h: communities(h, seed=2021), repeat)
        out[f"{name}_louvain"]["communities"] = len(parts)
    out["effect_estimate"], e = _time(lambda: pairing_effect(gp, n_boot=n_boot, n_perm=0), repeat)
    out["effect_estimate"].update(n_boot=n_boot, estimate=round(e.estimate), ci=[round(e.ci_low), round(e.ci_high)],
                                  n_treated=e.n_treated, n_control=e.n_control)
    out["permutation_test"], e = _time(lambda: pairing_effect(gp, n_boot=0, n_perm=n_perm), repeat)
    out["permutation_test"].update(n_perm=n_perm, p_value=e.p_value)
    return out


def run(store: Any, *, repeat: int = 3, scope: str = "", n_boot: int = 999, n_perm: int = 999) -> dict[str, Any]:
    """Time each analysis step on the loaded graph of ``store``; medians etc. per step (seconds)."""
    from partychain.analysis.projections import cooperation_graph, org_graph, pairing_graph

    res: dict[str, Any] = {}
    res["projection_pairing"], gp = _time(lambda: pairing_graph(store, scope=scope), repeat)
    res["projection_cooperation"], gc = _time(lambda: cooperation_graph(store, scope=scope), repeat)
    res["projection_org"], go = _time(lambda: org_graph(store, scope=scope), repeat)
    res["graphs"] = {"pairing": [gp.number_of_nodes(), gp.number_of_edges()],
                     "cooperation": [gc.number_of_nodes(), gc.number_of_edges()],
                     "org": [go.number_of_nodes(), go.number_of_edges()]}
    res.update(_measures(gp, gc, repeat=repeat, n_boot=n_boot, n_perm=n_perm))
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
    town, where nearly every pair of villages shares a unit).
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
        gp.add_node(code, town_code=town[i], county_code=county[i], name=code,
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


def run_province(*, repeat: int = 3, seed: int = 2021, n_boot: int = PROVINCE_BOOT,
                 n_perm: int = PROVINCE_PERM) -> dict[str, Any]:
    """Time the networkx steps on :func:`synthetic_province` graphs."""
    t = time.perf_counter()
    gp, gc = synthetic_province(seed=seed)
    res: dict[str, Any] = {"build_s": time.perf_counter() - t,
                           "graphs": {"pairing": [gp.number_of_nodes(), gp.number_of_edges()],
                                      "cooperation": [gc.number_of_nodes(), gc.number_of_edges()]}}
    res.update(_measures(gp, gc, repeat=repeat, n_boot=n_boot, n_perm=n_perm))
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.analysis", description=__doc__)
    ap.add_argument("--db", help="embedded graph directory (default: PARTYCHAIN_DB / the configured store)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--province", action="store_true", help="also time the synthetic province graphs")
    args = ap.parse_args(argv)
    from pathlib import Path

    from partychain.storage import open_store

    store = open_store(db=Path(args.db) if args.db else None)
    out: dict[str, Any] = {"county": run(store, repeat=args.repeat)}
    if args.province:
        out["province"] = run_province(repeat=args.repeat)
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
