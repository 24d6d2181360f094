"""The pairing effect: recovers the planted effect, finds none when none is planted, exact on small panels.

The two sample tests print their estimate, interval and permutation p-value into the test
output (one line each, via the terminal reporter).
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from partychain.analysis.effect import matches, pairing_effect, rewire_pairings
from partychain.analysis.projections import pairing_graph
from partychain.errors import InvalidArgument
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore

PLANTED = 40_000.0  # generate_songtao's default pairing_effect


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
def pairing_no_effect(tmp_path_factory) -> nx.DiGraph:
    from partychain.sample import generate_songtao

    root = tmp_path_factory.mktemp("songtao-no-effect")
    summary = generate_songtao(root / "ledger", seed=2021, pairing_effect=0)
    assert summary.pairing_effect == 0
    store = EmbeddedStore(root / "graph")
    store.load(check_ledger(root / "ledger"), source=str(root / "ledger"))
    return pairing_graph(store)


def test_recovers_the_planted_effect(request, pairing):
    e = pairing_effect(pairing, n_boot=999, n_perm=999, seed=2021)
    _report(request, f"[pairing effect, planted {PLANTED:,.0f}] {e.summary()}")
    assert e.ci_low <= PLANTED <= e.ci_high
    assert e.ci_low > 0
    assert e.p_value is not None and e.p_value <= 0.01
    assert e.n_treated == pairing.number_of_edges() == 89  # every paired village is weak; one leader each
    weak = sum(1 for _, c in pairing.nodes(data="class") if c == "weak")
    assert e.n_treated + e.n_control + e.n_excluded == weak
    assert e.estimate == pytest.approx(e.treated_change - e.control_change)
    assert len(e.null_estimates) == 999 and len(e.boot_estimates) == 999


def test_finds_no_effect_when_none_is_planted(request, pairing_no_effect, pairing):
    e = pairing_effect(pairing_no_effect, n_boot=999, n_perm=999, seed=2021)
    _report(request, f"[pairing effect, planted 0] {e.summary()}")
    assert e.ci_low <= 0 <= e.ci_high
    assert e.p_value is not None and e.p_value > 0.1
    # the same villages and pairings: the generator changes nothing else
    assert sorted(pairing_no_effect.edges()) == sorted(pairing.edges())
    assert (e.n_treated, e.n_control) == (89, len([v for v, c in pairing.nodes(data="class") if c == "weak"]) - 89)


def test_is_deterministic_per_seed(pairing):
    a = pairing_effect(pairing, n_boot=50, n_perm=50, seed=5)
    b = pairing_effect(pairing, n_boot=50, n_perm=50, seed=5)
    c = pairing_effect(pairing, n_boot=50, n_perm=50, seed=6)
    assert a == b
    assert a.estimate == c.estimate and a.boot_estimates != c.boot_estimates


def test_matches_explain_the_estimate(pairing):
    m = matches(pairing)
    e = pairing_effect(pairing, n_boot=0, n_perm=0)
    assert m["difference"].mean() == pytest.approx(e.estimate)
    assert (m["matched_in"] != "town").sum() == e.n_fallback
    paired = {w for _, w in pairing.edges()}
    for row in m.itertuples():
        controls = row.controls.split(";")
        assert 1 <= len(controls) <= 3
        for c in controls:
            a = pairing.nodes[c]
            assert a["class"] == "weak" and c not in paired and pairing.out_degree(c) == 0
            if row.matched_in == "town":
                assert a["town_code"] == row.town_code
    # a treated village matched outside its town has no unpaired weak village in its town
    unpaired_towns = {pairing.nodes[v]["town_code"] for v, c in pairing.nodes(data="class")
                      if c == "weak" and v not in paired}
    assert set(m.loc[m["matched_in"] != "town", "town_code"]).isdisjoint(unpaired_towns)
    assert e.p_value is None


def _panel(effect: float, *, noise: float = 0.0, seed: int = 0, towns: int = 3, per_town: int = 8) -> nx.DiGraph:
    """Weak villages in a few towns, half of them paired in 2018 and given ``effect`` yuan from then on."""
    rng = np.random.default_rng(seed)
    g = nx.DiGraph(baseline_year=2017, weak_below=50_000)
    for t in range(towns):
        strong = f"s{t}"
        g.add_node(strong, town_code=f"t{t}", county_code="c", income=dict.fromkeys(range(2016, 2022), 300_000))
        for i in range(per_town):
            v = f"w{t}-{i}"
            base = 20_000 + 2_000 * (i - i % 2) + 1_000 * (i % 2) + 500 * t  # each control 1,000 above a treated
            paired = i % 2 == 0
            inc = {y: round(base * 1.1 ** (y - 2017) + rng.normal(0, noise) + (effect if paired and y >= 2018 else 0))
                   for y in range(2016, 2022)}
            inc[2017] = base
            g.add_node(v, town_code=f"t{t}", county_code="c", income=inc)
            if paired:
                g.add_edge(strong, v, since=2018, kind="strong_weak")
    return g


def test_exact_on_a_noiseless_panel():
    g = _panel(25_000.0)
    e = pairing_effect(g, neighbors=1, n_boot=100, n_perm=100)
    # the nearest control is 1,000 yuan richer at baseline, so it grows by a known amount more
    growth = np.mean([1.1 ** k for k in range(1, 5)]) - np.mean([1.1 ** -1, 1.0])
    assert e.estimate == pytest.approx(25_000 - 1_000 * growth, abs=1)
    assert e.n_treated == 12 and e.n_control == 12 and e.n_fallback == 0 and e.n_excluded == 0


def test_interval_covers_a_noisy_effect_and_null():
    for effect in (0.0, 15_000.0):
        e = pairing_effect(_panel(effect, noise=2_000, seed=3, towns=6, per_town=10), n_boot=300, n_perm=300)
        assert e.ci_low - 1_000 <= effect <= e.ci_high + 1_000  # controls 1,000 yuan richer: a little bias
        if effect:
            assert e.p_value < 0.05


def test_fallback_to_the_county_when_a_town_has_no_control():
    g = _panel(10_000.0)
    for i in range(1, 8, 2):  # pair every weak village of town t0
        g.add_edge("s0", f"w0-{i}", since=2018)
    e = pairing_effect(g, neighbors=1, n_boot=0, n_perm=0)
    assert e.n_fallback == 8
    m = matches(g, neighbors=1)
    assert set(m.loc[m["town_code"] == "t0", "matched_in"]) == {"county"}


def test_pairing_year_sets_each_village_window():
    g = _panel(0.0)
    late = "w1-0"
    g.edges["s1", late]["since"] = 2020
    g.nodes[late]["income"] = {y: v + (30_000 if y >= 2020 else 0) for y, v in g.nodes[late]["income"].items()}
    m = matches(g, neighbors=1).set_index("code")
    assert m.at[late, "since"] == 2020
    assert m.at[late, "difference"] > 25_000


def test_excluded_villages():
    g = _panel(0.0)
    g.add_node("m", town_code="t0", county_code="c", income={2016: 90_000, 2017: 90_000, 2018: 90_000})
    g.add_edge("s0", "m", since=2018)  # a middle village paired: not weak, left out
    g.add_edge("w0-1", "w0-3", since=2018)  # a weak village leading another: left out as a control
    e = pairing_effect(g, n_boot=0, n_perm=0)
    assert e.n_excluded == 2
    assert e.n_treated == 13


def test_refuses_what_it_cannot_estimate(mini_graph):
    with pytest.raises(InvalidArgument, match="no unpaired weak village"):
        pairing_effect(pairing_graph(mini_graph), n_boot=0, n_perm=0)
    g = _panel(0.0)
    g.remove_edges_from(list(g.edges()))
    with pytest.raises(InvalidArgument, match="no paired weak village"):
        pairing_effect(g, n_boot=0, n_perm=0)
    with pytest.raises(InvalidArgument):
        pairing_effect(_panel(0.0).to_undirected())
    for bad in ({"neighbors": 0}, {"n_boot": -1}, {"level": 1.5}, {"rewire_within": "province"}):
        with pytest.raises(InvalidArgument):
            pairing_effect(_panel(0.0), **bad)


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

