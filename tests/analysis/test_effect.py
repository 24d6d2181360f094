"""The pairing effect: the planted effect on the synthetic sample, exactness on constructed panels, cohorts,
trimming, the clustered standard error, the permutation null, and refusals.

The two sample tests print their summary (labelled synthetic, with what was planted) into the
test output. Coverage and size over many simulated draws are in ``test_calibration.py``.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from partychain.analysis.effect import (
    NEVER,
    PairingEffect,
    _match,
    _match_by_stratum,
    _town_log,
    clustered,
    design_of,
    fit_design,
    format_p,
    matches,
    pairing_effect,
    rewire_pairings,
)
from partychain.analysis.panel import PairingPanel, panel_from_frames, panel_from_graph, synthetic_label
from partychain.analysis.projections import pairing_graph
from partychain.errors import InvalidArgument
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore

PLANTED = 40_000.0  # generate_songtao's default pairing_effect (partychain.sample.songtao)


def _report(request: pytest.FixtureRequest, text: str) -> None:
    """Write a line into pytest's own output (past output capturing), or print it without a terminal."""
    request.node.user_properties.append(("result", text))
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(text)


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


@pytest.fixture(scope="module")
def sample(pairing) -> PairingPanel:
    return panel_from_graph(pairing, label=synthetic_label(PLANTED))


@pytest.fixture(scope="module")
def sample_no_effect(tmp_path_factory) -> PairingPanel:
    from partychain.sample import generate_songtao

    root = tmp_path_factory.mktemp("songtao-no-effect")
    summary = generate_songtao(root / "ledger", seed=2021, pairing_effect=0)
    assert summary.pairing_effect == 0
    store = EmbeddedStore(root / "graph")
    store.load(check_ledger(root / "ledger"), source=str(root / "ledger"))
    return panel_from_graph(pairing_graph(store), label=synthetic_label(0))


def test_recovers_the_planted_effect(request, sample, pairing):
    e = pairing_effect(sample, n_perm=199, seed=2021)
    _report(request, e.summary())
    assert e.summary().startswith("[synthetic sample, effect of 40,000 yuan planted]")
    assert e.ci_low <= PLANTED <= e.ci_high and e.ci_low > 0
    assert e.p_value == pytest.approx(1 / 200) and e.p_at_floor  # nothing as extreme among 199 rewirings
    assert "p < 0.005" in e.summary()
    assert e.n_treated == pairing.number_of_edges() == 89  # every paired village is weak; one leader each
    assert e.n_used + e.n_trimmed_caliper + e.n_trimmed_no_control == e.n_treated
    weak = sum(1 for _, c in pairing.nodes(data="class") if c == "weak")
    assert e.n_treated + e.n_control + e.n_excluded == weak
    assert e.n_clusters == len({pairing.nodes[v]["town_code"] for v, c in pairing.nodes(data="class")
                                if c == "weak"}) and e.df == e.n_clusters - 1
    assert e.cohorts == ((2018, e.n_used),)
    assert len(e.null_estimates) == 199


def test_finds_no_effect_when_none_is_planted(request, sample_no_effect, sample):
    e = pairing_effect(sample_no_effect, n_perm=199, seed=2021)
    _report(request, e.summary())
    assert e.summary().startswith("[synthetic sample, no effect planted]")
    assert e.ci_low <= 0 <= e.ci_high
    assert e.p_value is not None and e.p_value > 0.05 and not e.p_at_floor
    # the same villages and pairings: the generator changes nothing else
    assert sample_no_effect.pairings.equals(sample.pairings)


def test_is_deterministic_per_seed(sample):
    a = pairing_effect(sample, n_perm=30, seed=5)
    b = pairing_effect(sample, n_perm=30, seed=5)
    c = pairing_effect(sample, n_perm=30, seed=6)
    assert a == b
    assert a.estimate == c.estimate and a.se == c.se and a.null_estimates != c.null_estimates


def test_a_graph_and_its_panel_give_the_same_estimate(pairing, sample):
    assert pairing_effect(pairing, n_perm=0).estimate == pairing_effect(sample, n_perm=0).estimate


def test_matches_explain_the_estimate(sample, pairing):
    m = matches(sample)
    e = pairing_effect(sample, n_perm=0)
    ok = m[m["status"] == "matched"]
    assert len(ok) == e.n_used and len(m) == e.n_treated
    assert ok["bias_corrected"].mean() == pytest.approx(e.estimate)
    assert ok["difference"].mean() == pytest.approx(e.raw_estimate)
    assert (m["status"] == "outside caliper").sum() == e.n_trimmed_caliper
    assert (ok["distance"] <= e.caliper).all()
    paired = {w for _, w in pairing.edges()}
    uses: Counter[str] = Counter()
    for row in ok.itertuples():
        controls = row.controls.split(";")
        assert 1 <= len(controls) <= 3
        uses.update(controls)
        for c in controls:
            a = pairing.nodes[c]
            assert a["class"] == "weak" and c not in paired and pairing.out_degree(c) == 0
            assert a["county_code"] == pairing.nodes[row.code]["county_code"]
    assert max(uses.values()) == e.max_reuse and len(uses) == e.n_controls_used
    # town first: a village matched outside its town has no control of its town within the caliper
    assert e.n_used > 0.9 * e.n_treated


def _panel(effect: float, *, towns: int = 3, per_town: int = 8, since: dict[str, int] | None = None,
           noise: float = 0.0, seed: int = 0, growth: float = 1.1) -> PairingPanel:
    """Weak villages of a few towns, half paired (2018 unless ``since`` says otherwise) and given ``effect`` yuan
    a year from then on; incomes grow by ``growth`` a year from a baseline that differs by village."""
    rng = np.random.default_rng(seed)
    rows, incomes, pairs = [], {}, []
    years = range(2015, 2022)
    for t in range(towns):
        strong = f"s{t}"
        rows.append((strong, f"t{t}", "c", "village"))
        incomes[strong] = dict.fromkeys(years, 400_000.0)
        for i in range(per_town):
            v = f"w{t}-{i}"
            rows.append((v, f"t{t}", "c", "village"))
            base = 20_000 + 3_000 * (i // 2) + 150 * (i % 2) + 400 * t  # each control 150 yuan above a paired one
            paired = i % 2 == 0
            start = (since or {}).get(v, 2018)
            incomes[v] = {y: base * growth ** (y - 2017) * np.exp(rng.normal(0, noise))
                          + (effect if paired and y >= start else 0.0) for y in years}
            if paired:
                pairs.append((strong, v, start))
    vil = pd.DataFrame(rows, columns=["code", "town_code", "county_code", "kind"])
    wide = pd.DataFrame.from_dict(incomes, orient="index")
    return panel_from_frames(wide, vil, pd.DataFrame(pairs, columns=["strong_code", "weak_code", "since"]),
                             selection_year=2017)


def test_exact_on_a_noiseless_panel():
    """Incomes grow proportionally: the log outcome model fits the controls exactly, so bias correction
    removes the growth gap of the (richer) controls and the estimate is the effect itself."""
    e = pairing_effect(_panel(25_000.0), n_perm=0)
    assert e.estimate == pytest.approx(25_000.0, abs=0.01)
    assert e.raw_estimate < e.estimate  # uncorrected: the controls, 150 yuan richer, grew more in yuan
    assert (e.n_used, e.n_control, e.n_trimmed_caliper, e.n_trimmed_no_control) == (12, 12, 0, 0)
    linear = pairing_effect(_panel(25_000.0), n_perm=0, model="linear")
    assert linear.estimate == pytest.approx(25_000.0, abs=60)  # a straight line through curved growth: close


def test_each_cohort_has_its_own_pre_period():
    since = {"w0-0": 2020, "w1-2": 2020, "w2-4": 2019}
    p = _panel(10_000.0, since=since)
    e = pairing_effect(p, n_perm=0)
    assert dict(e.cohorts) == {2018: 9, 2019: 1, 2020: 2}
    assert e.estimate == pytest.approx(10_000.0, abs=0.01)
    m = matches(p).set_index("code")
    assert m.loc[list(since), "since"].to_dict() == since
    d = design_of(p)
    fit = fit_design(d, neighbors=3, caliper=0.5, within="town_first", model="log")
    for c in fit.cohorts:
        assert list(c.cov_years) == list(range(2015, c.since))  # matched on every year before its pairing
    # a village paired later counts as treated only from its own year on
    assert set(d.cohort[d.cohort != NEVER]) == {2018, 2019, 2020}


def test_the_effect_is_the_mean_over_post_years():
    p = _panel(0.0)
    inc = p.income.copy()
    for v in p.pairings["weak_code"]:
        inc.loc[v, [2020, 2021]] += 30_000  # nothing in 2018–19, 30,000 in 2020–21
    e = pairing_effect(p.with_income(inc), n_perm=0)
    assert e.estimate == pytest.approx(15_000.0, abs=0.01)


def test_trimming_is_counted_and_reported():
    p = _panel(10_000.0)
    inc = p.income.copy()
    inc.loc["w0-0"] = inc.loc["w0-0"] * 0.3  # far poorer than every control: outside the caliper
    e = pairing_effect(p.with_income(inc), n_perm=0)
    assert (e.n_trimmed_caliper, e.n_used) == (1, 11)
    assert matches(p.with_income(inc)).set_index("code").at["w0-0", "status"] == "outside caliper"
    wide = pairing_effect(p.with_income(inc), n_perm=0, caliper=50)
    assert wide.n_trimmed_caliper == 0


def test_town_matching_trims_towns_without_controls():
    p = _panel(10_000.0)
    extra = pd.DataFrame({"strong_code": "s0", "weak_code": [f"w0-{i}" for i in range(1, 8, 2)], "since": 2018})
    all_paired = PairingPanel(p.income, p.villages, pd.concat([p.pairings, extra], ignore_index=True), 2017)
    strict = pairing_effect(all_paired, within="town", n_perm=0)
    assert strict.n_trimmed_no_control == 8  # every weak village of town t0 is paired
    m = matches(all_paired, within="town")
    assert set(m.loc[m["code"].str.startswith("w0-"), "status"]) == {"no control in town"}
    first = pairing_effect(all_paired, within="town_first", n_perm=0, caliper=5)
    assert first.n_trimmed_no_control == 0 and first.n_used == 16  # matched in the county instead


def test_clustered_standard_error():
    psi = np.array([1.0, -1.0, 2.0, 0.5, -2.5, 0.0])
    cluster = np.array([0, 0, 1, 1, 2, 2])
    se, g = clustered(psi, cluster)
    sums = np.array([0.0, 2.5, -2.5])
    assert g == 3 and se == pytest.approx(np.sqrt(3 / 2 * np.sum(sums**2)))
    assert clustered(np.zeros(3), np.zeros(3, dtype=np.int64)) == (pytest.approx(float("nan"), nan_ok=True), 0)


def test_the_clustered_se_agrees_with_a_cluster_jackknife(sample):
    """The influence decomposition behind the interval, checked against refitting without each town."""
    d = design_of(sample)
    fit = fit_design(d, neighbors=3, caliper=0.5, within="town_first", model="log")
    se, g = clustered(fit.influence, d.town)
    jack = np.array([fit_design(_without(d, d.town == t), neighbors=3, caliper=0.5, within="town_first",
                                model="log").estimate for t in np.unique(d.town)])
    jack_se = float(np.sqrt((g - 1) / g * np.sum((jack - jack.mean()) ** 2)))
    assert 0.6 < se / jack_se < 1.4, (se, jack_se)


def _without(d, drop):
    """The design without the units in ``drop``."""
    from dataclasses import replace

    keep = ~drop
    index = np.cumsum(keep) - 1
    edges = keep[d.edge_dst]
    return replace(d, codes=d.codes[keep], town=d.town[keep], county=d.county[keep], income=d.income[keep],
                   town_log=d.town_log[keep], cohort=d.cohort[keep],
                   cluster_id={k: v[keep] for k, v in d.cluster_id.items()}, edge_src=d.edge_src[edges],
                   edge_dst=index[d.edge_dst[edges]], edge_since=d.edge_since[edges])


def test_format_p_reports_the_floor_as_a_bound():
    assert format_p(1 / 1000, 999) == "< 0.001"
    assert format_p(2 / 1000, 999) == "0.002"
    assert format_p(1 / 200, 199) == "< 0.005"
    assert format_p(None, 0) == "not tested"


def test_effect_on_the_leading_strong_villages(sample):
    e = pairing_effect(sample, role="strong", n_perm=0)
    leaders = set(sample.pairings["strong_code"])
    assert e.role == "strong" and e.n_treated == len(leaders) and e.p_value is None
    assert "leading strong villages" in e.summary()
    assert np.isfinite(e.se)


def test_refuses_what_it_cannot_estimate(mini_graph):
    with pytest.raises(InvalidArgument, match="no unpaired weak village"):
        pairing_effect(pairing_graph(mini_graph), n_perm=0)
    p = _panel(0.0)
    empty = PairingPanel(p.income, p.villages, p.pairings.iloc[:0], 2017)
    with pytest.raises(InvalidArgument, match="no paired weak village"):
        pairing_effect(empty, n_perm=0)
    with pytest.raises(InvalidArgument, match="could be matched"):
        pairing_effect(p, within="town", caliper=1e-9, n_perm=0)
    g = nx.Graph()
    with pytest.raises(InvalidArgument):
        pairing_effect(g)
    for bad in ({"neighbors": 0}, {"n_perm": -1}, {"level": 1.5}, {"within": "province"}, {"caliper": 0},
                {"cluster": "leader"}, {"role": "middle"}):
        with pytest.raises(InvalidArgument):
            pairing_effect(p, **bad)


def test_summary_words():
    e = PairingEffect(40_000.0, 1_500.0, 37_000.0, 43_000.0, 24, 25, "town", 0.03, False, 999, 0.95, 41_000.0,
                      50_000.0, 10_000.0, 89, 80, 6, 3, 0, 59, 45, 4, 0, ((2018, 80),), 2017, 50_000, 3, 0.5, "town",
                      "weak", 2021)
    assert "permutation p = 0.03 (999 rewirings)" in e.summary() and not e.summary().startswith("[")
    assert e.to_dict()["p_text"] == "0.03" and "null_estimates" not in e.to_dict()


@pytest.mark.parametrize("within", ["town", "county"])
def test_rewiring_preserves_degrees(pairing, within):
    rewired = rewire_pairings(pairing, seed=11, within=within)
    assert rewired.number_of_edges() == pairing.number_of_edges()
    assert dict(rewired.out_degree()) == dict(pairing.out_degree())
    assert set(rewired) == set(pairing)
    key = (lambda v: pairing.nodes[v]["town_code"]) if within == "town" else (lambda v: "all")
    before = Counter((key(v), d) for v, d in pairing.in_degree() if pairing.nodes[v]["class"] == "weak")
    after = Counter((key(v), d) for v, d in rewired.in_degree() if rewired.nodes[v]["class"] == "weak")
    assert before == after
    assert all(d["since"] == 2018 for *_, d in rewired.edges(data=True))
    assert all(rewired.nodes[w]["class"] == "weak" for _, w in rewired.edges())
    if within == "town":
        # each strong village keeps how many weak villages it leads in each town
        assert sorted((s, rewired.nodes[w]["town_code"]) for s, w in rewired.edges()) == \
            sorted((s, pairing.nodes[w]["town_code"]) for s, w in pairing.edges())
    assert sorted(rewired.edges()) != sorted(pairing.edges())
    assert sorted(rewire_pairings(pairing, seed=11, within=within).edges()) == sorted(rewired.edges())


@pytest.mark.parametrize("seed", range(20))
def test_matching_all_strata_at_once_is_matching_stratum_by_stratum(seed):
    """_match's one-matrix path (ties, strata without controls, controls beyond the caliper, fewer
    controls than neighbours) gives what matching stratum by stratum gives (its path for large counties)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    stratum = rng.integers(0, int(rng.integers(1, 8)), n)
    xs = np.round(rng.normal(size=(n, int(rng.integers(1, 4)))), 1)  # rounded: tied distances
    rows = rng.permutation(n)
    cut = int(rng.integers(1, n))
    t_rows, c_rows = rows[:cut], rows[cut:]
    k, caliper = int(rng.integers(1, 5)), float(rng.choice([0.1, 0.5, 2.0, np.inf]))
    got = _match(stratum, xs, t_rows, c_rows, k, caliper)
    want = _match_by_stratum(stratum, xs, t_rows, c_rows, k, caliper)
    assert [p.tolist() for p in got[0]] == [p.tolist() for p in want[0]]
    assert [x.tolist() for x in got[1]] == [x.tolist() for x in want[1]]
    assert got[2].tolist() == want[2].tolist() and got[3].tolist() == want[3].tolist()


@pytest.mark.parametrize("seed", range(12))
def test_town_means_are_those_of_pandas(seed):
    """_town_log gives pandas' groupby mean of the log incomes bit for bit: towns in order or not, incomes
    missing or not positive, villages without a town."""
    rng = np.random.default_rng(seed)
    income = np.exp(rng.normal(10, 1.5, (200, 4)))
    if seed % 2:
        income[rng.random(income.shape) < 0.05] = np.nan
    if seed % 3 == 0:
        income[rng.random(income.shape) < 0.03] = -1.0
    town = rng.integers(0, 15, len(income))
    towns = np.array([f"t{i:02d}" for i in (np.sort(town) if seed % 4 < 2 else town)], dtype=object)
    if seed % 5 == 0:
        towns[:3] = None
    frame = pd.DataFrame(income)
    want = np.log(frame.where(frame > 0)).set_axis(pd.Index(towns, name="town")).groupby("town").mean()
    codes, got = _town_log(income, towns)
    assert list(codes) == list(want.index)
    assert np.array_equal(got, want.to_numpy(), equal_nan=True)
