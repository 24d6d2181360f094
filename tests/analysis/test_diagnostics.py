"""Diagnostics around the pairing effect, each checked where its answer is known (simulated panels)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from partychain.analysis.diagnostics import (
    balance_table,
    event_study,
    heterogeneity,
    holm,
    power_analysis,
    sensitivity,
    spillover_checks,
)
from partychain.analysis.effect import NEVER, design_of, matches, pairing_effect
from partychain.analysis.projections import cooperation_graph, pairing_graph
from partychain.analysis.simulate import simulate_panel
from partychain.errors import InvalidArgument


def test_event_study_placebo_and_effect_by_year():
    es = event_study(simulate_panel("as_generated_effect", seed=11))
    assert es["relative_year"].tolist() == [-1, 0, 1, 2, 3] and es["years"].tolist()[0] == "2017"
    placebo, post = es[es["placebo"]].iloc[0], es[~es["placebo"]]
    assert placebo["ci_low"] <= 0 <= placebo["ci_high"]
    assert ((post["ci_low"] <= 40_000) & (post["ci_high"] >= 40_000)).all()
    assert (es["n_clusters"] > 20).all()


def test_event_study_placebo_flags_selection_on_the_year_before():
    """Weakest first: paired villages were chosen on a bad selection year, which the placebo shows (matching
    for the event study leaves that year out), while the headline estimate conditions on it."""
    p = simulate_panel("weakest_first", seed=3)
    es = event_study(p)
    assert es.iloc[0]["placebo"] and es.iloc[0]["ci_high"] < 0
    no_placebo = event_study(p, placebo_years=0)
    assert not no_placebo["placebo"].any()
    headline = pairing_effect(p, n_perm=0)
    assert headline.ci_low <= 0 <= headline.ci_high


def test_event_study_pools_cohorts_by_relative_year():
    es = event_study(simulate_panel("staggered_effect", seed=2)).set_index("relative_year")
    assert es.at[-1, "years"] == "2017;2018;2019" and es.at[3, "years"] == "2021"
    assert es.at[3, "n_treated"] < es.at[0, "n_treated"]  # only the 2018 cohort is seen three years on
    with pytest.raises(InvalidArgument):
        event_study(simulate_panel("as_generated", seed=0), placebo_years=-1)


def test_balance_after_matching(songtao_graph):
    b = balance_table(pairing_graph(songtao_graph)).set_index("covariate")
    assert {"income t-1", "income t-2", "households", "driven_share"} <= set(b.index)
    for cov in ("income t-1", "income t-2", "log income t-1", "log income t-2"):
        assert abs(b.at[cov, "smd_after"]) < 0.1  # matched on: balanced
    m = matches(pairing_graph(songtao_graph))
    treated = m.loc[m["status"] == "matched", "selection_income"].mean()
    assert b.at["income t-1", "treated"] == pytest.approx(treated)
    weakest = balance_table(simulate_panel("weakest_first", seed=3)).set_index("covariate")
    assert weakest.at["income t-1", "smd_before"] < -0.4  # the poorest were paired
    assert abs(weakest.at["income t-1", "smd_after"]) < abs(weakest.at["income t-1", "smd_before"]) / 2
    with pytest.raises(InvalidArgument, match="not in the panel"):
        balance_table(simulate_panel("as_generated", seed=0), covariates=["nope"])


def test_power_curve_and_minimum_detectable_effect():
    e = pairing_effect(simulate_panel("as_generated", seed=1), n_perm=0)
    p = power_analysis(e)
    q = stats.t.ppf(0.975, e.df) + stats.t.ppf(0.8, e.df)
    assert p.mde == pytest.approx(q * e.se, rel=0.02)
    curve = p.frame()
    assert curve["power"].iloc[0] == pytest.approx(0.05) and curve["power"].is_monotonic_increasing
    with pytest.raises(InvalidArgument):
        power_analysis(e, power=1.2)


def test_the_design_detects_its_minimum_detectable_effect_80_percent_of_the_time():
    """Simulation: plant the MDE computed from the typical standard error; about 80 % of draws detect it."""
    ses = [pairing_effect(simulate_panel("as_generated", seed=900 + i), n_perm=0).se for i in range(60)]
    e = dataclasses.replace(pairing_effect(simulate_panel("as_generated", seed=900), n_perm=0),
                            se=float(np.mean(ses)))
    mde = power_analysis(e).mde
    draws = 150
    hits = 0
    for i in range(draws):
        x = pairing_effect(simulate_panel("as_generated", seed=2000 + i, effect=mde), n_perm=0)
        hits += x.ci_low > 0
    assert abs(hits / draws - 0.8) <= 3 * math.sqrt(0.16 / draws), hits / draws


def test_sensitivity_is_wilcoxon_at_gamma_one_and_grows_with_gamma():
    p = simulate_panel("as_generated_effect", seed=5)
    s = sensitivity(p, gammas=(1, 2, 4, 8, 16, 64))
    assert s["p_upper"].is_monotonic_increasing and s["direction"].eq("positive").all()
    tau = matches(p).query("status == 'matched'")["bias_corrected"].to_numpy()
    w = stats.wilcoxon(tau, alternative="greater", method="approx", correction=False)
    assert s["p_upper"].iloc[0] == pytest.approx(w.pvalue, rel=1e-6)
    weak = sensitivity(simulate_panel("as_generated", seed=5), gammas=(1, 3))
    assert weak["p_upper"].iloc[1] > weak["p_upper"].iloc[0]
    with pytest.raises(InvalidArgument):
        sensitivity(p, gammas=(0.5,))


def test_spillover_checks_find_a_planted_spillover(songtao_graph):
    p = simulate_panel("as_generated", seed=8)
    plain = spillover_checks(p)
    assert plain["check"].tolist() == ["town pairing share"] and plain["n_clusters"].iloc[0] > 10
    # unpaired weak villages of towns where more than the median share of weak villages is paired get 8,000
    # yuan a year more from 2018 (the check's own definition of exposure)
    d = design_of(p)
    share = pd.Series(d.cohort != NEVER).groupby(d.town).mean()
    exposure = share.reindex(d.town).to_numpy()
    control = d.cohort == NEVER
    exposed = d.codes[control & (exposure > np.median(exposure[control]))]
    inc = p.income.copy()
    inc.loc[list(exposed), [2018, 2019, 2020, 2021]] += 8_000
    found = spillover_checks(p.with_income(inc))
    assert found["difference"].iloc[0] > 4_000 and found["p_value"].iloc[0] < 0.01
    with_coop = spillover_checks(pairing_graph(songtao_graph), cooperation=cooperation_graph(songtao_graph))
    assert with_coop["check"].tolist() == ["town pairing share", "cooperation with paired villages"]


def test_spillover_check_size():
    rejected = [spillover_checks(simulate_panel("as_generated", seed=700 + i))["p_value"].iloc[0] < 0.05
                for i in range(80)]
    assert np.mean(rejected) <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 80)


def test_heterogeneity_finds_a_planted_difference_and_adjusts_for_many_tests():
    p = simulate_panel("as_generated", seed=6, effect=20_000)
    treated = sorted(set(p.pairings["weak_code"]))
    rng = np.random.default_rng(0)
    group = {v: ("A" if rng.random() < 0.5 else "B") for v in treated}
    inc = p.income.copy()
    more = [v for v, g in group.items() if g == "A"]
    inc.loc[more, [2018, 2019, 2020, 2021]] += 15_000  # group A: 35,000 a year, group B: 20,000
    h = heterogeneity(p.with_income(inc), dimensions={"planted": group})
    row = h[(h["dimension"] == "planted") & (h["subgroup"] == "A")].iloc[0]
    assert row["difference"] == pytest.approx(15_000, abs=4_000) and row["p_holm"] < 0.01
    b = h[(h["dimension"] == "planted") & (h["subgroup"] == "B")].iloc[0]
    assert b["ci_low"] <= 20_000 <= b["ci_high"]
    assert {"partners_per_leader", "within_town", "kind"} <= set(h["dimension"])
    tested = h.dropna(subset=["p_value"])
    assert (tested["p_holm"] >= tested["p_value"]).all()
    assert tested["p_holm"].tolist() == pytest.approx(holm(tested["p_value"].tolist()))


def test_heterogeneity_by_linkage_model_and_industry(songtao_graph):
    from partychain.analysis.panel import panel_from_graph
    from partychain.analysis.projections import village_models

    g = pairing_graph(songtao_graph)
    h = heterogeneity(panel_from_graph(g, villages=village_models(songtao_graph, scope="520628")))
    dims = set(h["dimension"])
    assert "shared_industry" in dims and any(d.startswith("model_") for d in dims)


def test_holm():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, float("nan"), 0.01]) == pytest.approx([0.5, float("nan"), 0.02], nan_ok=True)
    assert holm([]) == []
