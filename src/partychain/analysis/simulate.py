"""Simulated village income panels under named scenarios, to calibrate the pairing estimators.

Every panel is drawn on the real divisions of a county (Songtao by default: 28 towns, 522
villages and communities from the packaged division file) with the income model of the
sample generator (``partychain.sample.incomes``; its parameters are read from the
:class:`~partychain.sample.profile.CountyProfile`, so the simulation follows the generator):

    log y0[v,t] = m + a[town] + b[v] + (g + d[town]) (t − baseline) + u[town,t] + e[v,t]
    y[v,t] = round(exp(log y0[v,t])) + paired[v] · [t ≥ since[v]] · (max(0, E (1 + 0.25 z[v,t])) + p[leader(v),t])

with a, b, u, e, z normal as in the generator; d[town] ~ N(0, town_trend_sd²) (0 as generated),
p[s,t] ~ N(0, partner_shock_sd²) a yearly shock shared by the villages one strong village leads
(0 as generated). The draws are the generator's own, in the same order: with ``seed=2021`` the
scenario ``as_generated_effect`` is exactly the Songtao sample's incomes and pairings
(``generate_songtao(seed=2021)``). Weak and strong are the baseline-year classes (below 50,000
and from 200,000 yuan: the project's assumed thresholds, see ``docs/analysis.md``). Pairings are
chosen from baseline data only, in one of three ways:

* ``"generator"`` — the generator's rule: 60 % of weak villages, visited in random order with
  those whose town has a strong village first; first pass within the town, second across
  towns (15 %); each strong village leads 1–5, picked in proportion to capacity left;
* ``"weakest_first"`` — the same, but weak villages are visited from the poorest up, so the
  poorest are paired and the comparison group is the better-off weak villages;
* ``"random"`` — 60 % of weak villages chosen at random, each with a strong village of the
  county chosen at random (towns ignored).

The truth is known: the average effect on the paired villages is E yuan a year in every year
from ``since`` on (the noise has mean 0 and the floor at 0 never binds at 0.25 relative noise).

:data:`SCENARIOS` names the scenarios the calibration tests and ``bench/analysis.py`` run;
:func:`simulate_panel` draws one panel. Every panel's ``label`` says it is synthetic and what
was planted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from partychain.errors import InvalidArgument

from .panel import PairingPanel, synthetic_label

log = logging.getLogger(__name__)

__all__ = ["SCENARIOS", "Scenario", "simulate_panel"]

Selection = Literal["generator", "weakest_first", "random"]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Scenario:
    """How a simulated panel departs from the sample generator (see the module docstring).

    ``effect``: yuan a year planted in each paired weak village from its pairing year on.
    ``selection``: how weak villages are chosen for pairing. ``town_trend_sd``: sd of
    town-specific growth (log points a year). ``year_town_sd``, ``year_village_sd``: sd of the
    yearly town and village shocks (None: the generator's 0.05 and 0.15). ``cohorts``: pairing
    years, each paired village draws one at random (empty: the generator's single year, 2018).
    ``partner_shock_sd``: yuan; sd of a yearly shock shared by the villages one strong village leads.
    """

    name: str
    description: str
    effect: float = 0.0
    selection: Selection = "generator"
    town_trend_sd: float = 0.0
    year_town_sd: float | None = None
    year_village_sd: float | None = None
    cohorts: tuple[int, ...] = ()
    partner_shock_sd: float = 0.0


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("as_generated", "the sample generator's model, no effect"),
    Scenario("as_generated_effect", "the sample generator's model, 40,000 yuan planted", effect=40_000.0),
    Scenario("town_trends", "towns grow at their own rates (sd 0.03 a year), no effect", town_trend_sd=0.03),
    Scenario("weakest_first", "the poorest weak villages are paired first, no effect", selection="weakest_first"),
    Scenario("random_volatile", "random pairing, volatile incomes (town shocks sd 0.10, village shocks 0.30), "
             "no effect", selection="random", year_town_sd=0.10, year_village_sd=0.30),
    Scenario("staggered_effect", "pairings start in 2018, 2019 or 2020, 40,000 yuan planted", effect=40_000.0,
             cohorts=(2018, 2019, 2020)),
    Scenario("shared_shocks_effect", "shocks shared by town (sd 0.10) and by leader (sd 10,000 yuan), "
             "40,000 yuan planted", effect=40_000.0, year_town_sd=0.10, partner_shock_sd=10_000.0),
)}
"""The named calibration scenarios (the first five are the table of issue 18)."""


@cache
def _county(code: str) -> tuple[pd.DataFrame, IntArray, int]:
    """The county's villages as a panel's villages table (index: code), each village's town (position
    among the towns) and the number of towns; read once per county, copied into every panel."""
    from partychain.sample.divisions import county_divisions

    div = county_divisions(code)
    vil = div.villages
    frame = pd.DataFrame({"code": vil["code"].to_numpy(dtype=str),
                          "town_code": div.towns["code"].to_numpy(dtype=str)[vil["town"].to_numpy()],
                          "county_code": code, "kind": vil["kind"].to_numpy(dtype=str),
                          "name": vil["name"].to_numpy(dtype=str),
                          "town_name": div.towns["name"].to_numpy(dtype=str)[vil["town"].to_numpy()]})
    town = pd.Index(tuple(div.towns["code"])).get_indexer(frame["town_code"]).astype(np.int64)
    town.setflags(write=False)
    villages = frame.set_index("code")
    villages.index = villages.index.astype(str)
    villages.index.name = "code"
    return villages, town, len(div.towns)


@cache
def _codes(code: str) -> pd.api.extensions.ExtensionArray:
    """The county's village codes as a string array (what ``pd.Series(codes, dtype=str)`` holds), converted
    once: a panel's pairing ends are taken from it."""
    return pd.array(_county(code)[0].index.to_numpy(dtype=object), dtype=str)


def _pair(rng: np.random.Generator, town: IntArray, weak: npt.NDArray[np.bool_], strong: npt.NDArray[np.bool_],
          order: Callable[[np.random.Generator], IntArray], *, pairing_share: float, cross_town_share: float,
          hub_capacity: tuple[float, ...]) -> list[tuple[int, int]]:
    """The generator's pairing passes (the same draws in the same order) over the weak villages in the
    order ``order(rng)`` gives."""
    from partychain.sample.incomes import pair_in_passes

    return pair_in_passes(rng, town, weak, strong, order, pairing_share=pairing_share,
                          cross_town_share=cross_town_share, hub_capacity=hub_capacity)


def generator_order(rng: np.random.Generator, town: IntArray, weak: npt.NDArray[np.bool_],
                    strong: npt.NDArray[np.bool_]) -> IntArray:
    """The generator's visiting order of weak villages: random, those whose town has a strong village first."""
    from partychain.sample.incomes import weak_first_order

    return weak_first_order(rng, town, weak, strong)


def simulate_panel(scenario: str | Scenario, *, seed: int, county: str = "520628",
                   effect: float | None = None) -> PairingPanel:
    """One simulated income panel of ``county`` under ``scenario`` (a name of :data:`SCENARIOS` or a
    :class:`Scenario`); ``effect`` overrides the scenario's planted effect.

    Returns a :class:`~partychain.analysis.panel.PairingPanel` with incomes for the generator's
    years (2016–2021), selection year 2017, the villages of the county (real codes, names and
    towns) and the simulated pairings; its ``label`` says it is synthetic and what was planted.

    Examples
    --------
    >>> p = simulate_panel("as_generated_effect", seed=1)
    >>> p.label
    'synthetic sample (simulated, scenario as_generated_effect), effect of 40,000 yuan planted'
    >>> p.income.shape, p.selection_year, sorted(set(p.pairings["since"]))
    ((522, 6), 2017, [2018])
    >>> bool((p.classes()[p.pairings["weak_code"]] == "weak").all())
    True
    """
    from partychain.sample.incomes import INCOME_STREAMS
    from partychain.sample.songtao import SONGTAO_PROFILE

    sc = SCENARIOS[scenario] if isinstance(scenario, str) and scenario in SCENARIOS else scenario
    if not isinstance(sc, Scenario):
        raise InvalidArgument(f"unknown scenario {scenario!r}; known: {sorted(SCENARIOS)}")
    planted = sc.effect if effect is None else float(effect)
    p = SONGTAO_PROFILE
    villages, town, n_t = _county(county)
    n_v = len(villages)
    years = np.arange(p.income_years[0], p.income_years[1] + 1)
    # the generator's own streams for incomes (the children at INCOME_STREAMS of those generate_county spawns),
    # so that the scenario as generated with seed 2021 and 40,000 planted is exactly the Songtao sample's incomes
    spawned = np.random.default_rng(seed).spawn(max(INCOME_STREAMS) + 1)
    r_level, r_pair, r_effect = (spawned[i] for i in INCOME_STREAMS)
    a = r_level.normal(0.0, p.income_town_sd, n_t)
    b = r_level.normal(0.0, p.income_village_sd, n_v)
    u = r_level.normal(0.0, p.income_year_town_sd if sc.year_town_sd is None else sc.year_town_sd, (n_t, len(years)))
    e = r_level.normal(0.0, p.income_year_village_sd if sc.year_village_sd is None else sc.year_village_sd,
                       (n_v, len(years)))
    d = r_level.normal(0.0, sc.town_trend_sd, n_t) if sc.town_trend_sd else np.zeros(n_t)
    t = (years - p.baseline_year)[None, :]
    log_y = p.income_log_mean + a[town][:, None] + b[:, None] + (p.income_growth + d[town][:, None]) * t \
        + u[town] + e
    y0 = np.rint(np.exp(log_y))
    baseline = y0[:, int(np.flatnonzero(years == p.baseline_year)[0])]
    weak, strong = baseline < p.weak_below, baseline >= p.strong_from
    if sc.selection == "random":
        w_idx, s_idx = np.flatnonzero(weak), np.flatnonzero(strong)
        chosen = r_pair.permutation(w_idx)[: round(p.pairing_share * len(w_idx))] if len(s_idx) else w_idx[:0]
        pairs = sorted((int(r_pair.choice(s_idx)), int(w)) for w in chosen)
    else:
        order: Callable[[np.random.Generator], IntArray]
        if sc.selection == "weakest_first":
            w_idx = np.flatnonzero(weak)
            poorest_first = w_idx[np.argsort(baseline[w_idx], kind="stable")]

            def order(_: np.random.Generator) -> IntArray:
                return poorest_first
        elif sc.selection == "generator":
            def order(rng: np.random.Generator) -> IntArray:
                return generator_order(rng, town, weak, strong)
        else:
            raise InvalidArgument(f"unknown selection {sc.selection!r}")
        pairs = _pair(r_pair, town, weak, strong, order, pairing_share=p.pairing_share,
                      cross_town_share=p.cross_town_share, hub_capacity=p.hub_capacity)
    z = r_effect.normal(0.0, 1.0, (n_v, len(years)))
    shock = r_effect.normal(0.0, sc.partner_shock_sd, (n_v, len(years))) if sc.partner_shock_sd else None
    cohorts = sc.cohorts or (p.pairing_since,)
    draws = r_effect.integers(0, len(cohorts), n_v) if len(cohorts) > 1 else np.zeros(n_v, dtype=np.int64)
    since = np.full(n_v, np.iinfo(np.int64).max, dtype=np.int64)
    leader = np.full(n_v, -1, dtype=np.int64)
    for s, w in pairs:
        since[w] = cohorts[int(draws[w])]
        leader[w] = s
    on = (leader >= 0)[:, None] & (years[None, :] >= since[:, None])
    bump = np.maximum(0.0, planted * (1.0 + p.effect_noise * z))
    if shock is not None:
        bump = bump + shock[np.maximum(leader, 0)]
    y = y0 + np.rint(np.where(on, bump, 0.0))
    # the tables as panel_from_frames would make them, built directly (this runs 2,100 times in the calibration)
    income = pd.DataFrame(y, index=villages.index, columns=pd.Index([int(x) for x in years], name="year"))
    codes = _codes(county)
    pairings = pd.DataFrame({"strong_code": pd.Series(codes.take(np.array([s for s, _ in pairs], dtype=np.int64))),
                             "weak_code": pd.Series(codes.take(np.array([w for _, w in pairs], dtype=np.int64))),
                             "since": pd.Series([int(since[w]) for _, w in pairs], dtype=np.int64)})
    return PairingPanel(income=income, villages=villages.copy(), pairings=pairings,
                        selection_year=int(p.baseline_year), weak_below=float(p.weak_below),
                        strong_from=float(p.strong_from),
                        label=synthetic_label(planted, what=f"synthetic sample (simulated, scenario {sc.name})"))
