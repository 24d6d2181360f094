"""Simulated panels: the generator's model and draws, each scenario's departure from it, the known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from partychain.analysis.panel import panel_from_graph
from partychain.analysis.projections import pairing_graph
from partychain.analysis.simulate import SCENARIOS, Scenario, _county, _pair, generator_order, simulate_panel
from partychain.errors import InvalidArgument


def test_as_generated_with_seed_2021_is_the_songtao_sample(songtao_graph):
    sample = panel_from_graph(pairing_graph(songtao_graph))
    sim = simulate_panel("as_generated_effect", seed=2021)
    assert sim.income.sort_index().equals(sample.income.sort_index())
    key = ["strong_code", "weak_code", "since"]
    assert sim.pairings.sort_values(key).reset_index(drop=True).equals(
        sample.pairings.sort_values(key).reset_index(drop=True))
    assert (sim.villages["town_code"].sort_index() == sample.villages["town_code"].sort_index()).all()


def test_the_pairing_passes_are_the_generator_s():
    from partychain.sample.incomes import draw_pairings
    from partychain.sample.songtao import SONGTAO_PROFILE

    profile = SONGTAO_PROFILE
    vil, town, _ = _county("520628")
    base = np.exp(np.random.default_rng(3).normal(11.2, 0.9, len(vil)))
    weak, strong = base < 50_000, base >= 200_000
    for seed in range(3):
        expected = draw_pairings(np.random.default_rng(seed), town, weak, strong, profile)
        got = _pair(np.random.default_rng(seed), town, weak, strong,
                    lambda r: generator_order(r, town, weak, strong), pairing_share=profile.pairing_share,
                    cross_town_share=profile.cross_town_share, hub_capacity=profile.hub_capacity)
        assert got == expected


def test_the_planted_effect_is_the_only_difference():
    a = simulate_panel("as_generated", seed=5)
    b = simulate_panel("as_generated", seed=5, effect=40_000)
    assert a.pairings.equals(b.pairings)
    diff = b.income - a.income
    paired = set(a.pairings["weak_code"])
    on = pd.DataFrame(False, index=diff.index, columns=diff.columns)
    on.loc[list(paired), [y for y in diff.columns if y >= 2018]] = True
    assert (diff[~on].fillna(0) == 0).all().all()
    bumps = diff[on].stack().dropna()
    # E (1 + 0.25 z), z standard normal per village and year: mean 40,000, sd 10,000
    assert abs(bumps.mean() - 40_000) < 4 * 10_000 / np.sqrt(len(bumps))
    assert bumps.std() == pytest.approx(10_000, rel=0.15)
    assert a.label == "synthetic sample (simulated, scenario as_generated), no effect planted"
    assert b.label.endswith("effect of 40,000 yuan planted")


def test_weakest_first_pairs_the_poorest():
    p = simulate_panel("weakest_first", seed=1)
    base = p.income[2017]
    weak = base[base < 50_000]
    paired = weak.index.isin(p.pairings["weak_code"])
    poorer = weak <= weak.median()
    assert paired[poorer.to_numpy()].mean() > paired[~poorer.to_numpy()].mean() + 0.25
    assert weak[paired].mean() < weak[~paired].mean() - 10_000


def test_random_pairing_ignores_towns():
    p = simulate_panel("random_volatile", seed=1)
    town = p.villages["town_code"]
    cross = (town[p.pairings["strong_code"]].to_numpy() != town[p.pairings["weak_code"]].to_numpy()).mean()
    assert cross > 0.5  # the generator keeps 85 % inside the town
    weak = (p.income[2017] < 50_000).sum()
    assert len(p.pairings) == round(0.6 * weak)


def test_staggered_cohorts_and_town_trends():
    p = simulate_panel("staggered_effect", seed=2)
    assert set(p.pairings["since"]) == {2018, 2019, 2020}
    flat = simulate_panel(Scenario("flat", "", town_trend_sd=0.0), seed=3).income
    trend = simulate_panel(Scenario("trend", "", town_trend_sd=0.05), seed=3).income
    assert not flat.equals(trend)


def test_every_named_scenario_draws():
    for name in SCENARIOS:
        p = simulate_panel(name, seed=0)
        assert p.income.shape == (522, 6) and len(p.pairings) > 50
        assert p.label.startswith("synthetic sample")
    with pytest.raises(InvalidArgument):
        simulate_panel("no such scenario", seed=0)
    with pytest.raises(InvalidArgument):
        simulate_panel(Scenario("bad", "", selection="by_lottery"), seed=0)  # type: ignore[arg-type]
