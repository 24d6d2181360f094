"""Structure measures: against networkx directly, hand-made graphs, and the Songtao tables."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from partychain.analysis.projections import cooperation_graph, pairing_graph
from partychain.analysis.structure import (
    EXACT_BETWEENNESS_MAX,
    adjusted_mutual_info,
    betweenness,
    centrality,
    communities,
    community_table,
    components,
    cross_town_pairings,
    hub_villages,
    nmi_baseline,
    normalized_mutual_info,
    partition_labels,
    town_alignment,
)
from partychain.errors import InvalidArgument


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


def _nmi_oracle(a, b) -> float:
    """NMI from a pandas contingency table (arithmetic normalisation), written independently."""
    table = pd.crosstab(pd.Series(a, dtype=str), pd.Series(b, dtype=str)).to_numpy(dtype=float)
    n = table.sum()
    pa, pb = table.sum(1) / n, table.sum(0) / n
    mi = sum(table[i, j] / n * math.log(table[i, j] * n / (table.sum(1)[i] * table.sum(0)[j]))
             for i in range(table.shape[0]) for j in range(table.shape[1]) if table[i, j])
    ha = -sum(p * math.log(p) for p in pa if p)
    hb = -sum(p * math.log(p) for p in pb if p)
    return 1.0 if ha == hb == 0 else mi / ((ha + hb) / 2)


@pytest.mark.parametrize("seed", range(8))
def test_nmi_matches_an_independent_computation(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    a = rng.integers(0, int(rng.integers(1, 6)), n).tolist()
    b = rng.integers(0, int(rng.integers(1, 6)), n).tolist()
    assert normalized_mutual_info(a, b) == pytest.approx(_nmi_oracle(a, b), abs=1e-12)
    assert normalized_mutual_info(a, b) == pytest.approx(normalized_mutual_info(b, a))


def test_nmi_is_invariant_to_renaming_and_edge_cases():
    a = ["x", "x", "y", "z", "z"]
    assert normalized_mutual_info(a, [7, 7, 3, 1, 1]) == pytest.approx(1.0)
    assert normalized_mutual_info([0, 0, 0], [1, 1, 1]) == 1.0
    assert normalized_mutual_info([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
    with pytest.raises(InvalidArgument):
        normalized_mutual_info([1, 2], [1])
    with pytest.raises(InvalidArgument):
        normalized_mutual_info([], [])


# reference values from scikit-learn 1.9.1, adjusted_mutual_info_score (arithmetic normalisation)
AMI_REFERENCE = [
    ([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1], 0.2987924581708903),
    ([0, 0, 0, 1, 1, 1, 2, 2, 3], [0, 0, 1, 1, 2, 2, 3, 3, 3], 0.418672723723539),
    ([1, 1, 1, 2, 2, 3, 3, 3, 3, 4], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], -0.17115753903127306),
]


@pytest.mark.parametrize(("a", "b", "expected"), AMI_REFERENCE)
def test_ami_matches_scikit_learn(a, b, expected):
    assert adjusted_mutual_info(a, b) == pytest.approx(expected, abs=1e-12)
    assert adjusted_mutual_info(b, a) == pytest.approx(expected, abs=1e-12)


def test_ami_is_zero_on_average_for_shuffled_labels():
    """AMI subtracts the mutual information expected by chance: shuffled labels average about 0."""
    rng = np.random.default_rng(4)
    a = rng.integers(0, 12, 80).tolist()
    b = rng.integers(0, 6, 80).tolist()
    draws = [adjusted_mutual_info(a, rng.permutation(b).tolist()) for _ in range(300)]
    assert abs(float(np.mean(draws))) < 3 * float(np.std(draws)) / np.sqrt(len(draws)) + 1e-3
    assert adjusted_mutual_info(a, a) == 1.0


def test_nmi_baseline_is_what_chance_gives():
    # many small parts: NMI is high for unrelated labels, which is what the baseline shows
    a = [i // 2 for i in range(60)]
    b = [i % 10 for i in range(60)]
    mean, q95 = nmi_baseline(a, b, n_perm=100, seed=1)
    assert 0.4 < mean <= q95 < 1.0
    assert nmi_baseline(a, b, n_perm=100, seed=1) == (mean, q95)
    with pytest.raises(InvalidArgument):
        nmi_baseline(a, b, n_perm=0)


def test_centrality_agrees_with_networkx(pairing):
    t = centrality(pairing)
    assert len(t) == pairing.number_of_nodes()
    pr = nx.pagerank(pairing)
    for v in list(pairing)[:50]:
        assert t.at[v, "out_degree"] == pairing.out_degree(v)
        assert t.at[v, "in_degree"] == pairing.in_degree(v)
        assert t.at[v, "pagerank"] == pytest.approx(pr[v])
    # brokerage is read on the undirected graph: a hub lies between each pair of the villages it leads
    und = nx.betweenness_centrality(pairing.to_undirected())
    n = pairing.number_of_nodes()
    for v in list(pairing)[:80]:
        assert t.at[v, "betweenness"] == pytest.approx(und[v], abs=1e-12)
        k = pairing.out_degree(v)
        assert t.at[v, "betweenness"] == pytest.approx(k * (k - 1) / 2 * 2 / ((n - 1) * (n - 2)), abs=1e-12)
    assert t["betweenness"].max() > 0
    assert set(t["core"]) <= {0, 1}
    degrees = t["degree"].tolist()
    assert degrees == sorted(degrees, reverse=True)


def test_centrality_samples_betweenness_on_large_graphs():
    g = nx.barabasi_albert_graph(EXACT_BETWEENNESS_MAX + 10, 2, seed=1)
    sampled = centrality(g, seed=3)
    again = centrality(g, seed=3)
    pd.testing.assert_series_equal(sampled["betweenness"], again["betweenness"])
    small = nx.path_graph(5)
    assert centrality(small).loc[2, "betweenness"] == pytest.approx(nx.betweenness_centrality(small)[2])
    with pytest.raises(InvalidArgument):
        centrality(nx.Graph())


@pytest.mark.parametrize("directed", [False, True])
def test_betweenness_per_component_equals_networkx(directed):
    parts = [nx.gnp_random_graph(n, 0.3, seed=n, directed=directed) for n in (2, 5, 9, 14)]
    g = nx.disjoint_union_all(parts)
    exact = nx.betweenness_centrality(g)
    got = betweenness(g)
    assert set(got) == set(exact)
    for v, b in exact.items():
        assert got[v] == pytest.approx(b, abs=1e-12)
    assert betweenness(nx.DiGraph()) == {}


def test_components_of_the_pairing_forest(pairing):
    comps = components(pairing)
    assert sum(len(c) for c in comps) == pairing.number_of_nodes()
    hubs = Counter(s for s, _ in pairing.edges())
    # each component is one strong village with the weak villages it leads (each weak village has one leader)
    multi = [c for c in comps if len(c) > 1]
    assert len(multi) == len(hubs)
    assert sorted(len(c) for c in multi) == sorted(d + 1 for d in hubs.values())
    assert [len(c) for c in comps] == sorted((len(c) for c in comps), reverse=True)


def test_communities_are_seeded_and_cover_non_isolated_nodes(pairing):
    parts = communities(pairing, seed=7)
    assert parts == communities(pairing, seed=7)
    covered = set().union(*parts)
    assert covered == {v for v in pairing if pairing.degree(v) > 0}
    lp = communities(pairing, method="label_propagation")
    assert set().union(*lp) == covered
    with pytest.raises(InvalidArgument):
        communities(pairing, method="girvan")


def test_town_alignment_of_the_sample(songtao_graph, pairing, songtao_tables):
    p = songtao_tables["pairings"]
    within = (p["strong_code"].str[:9] == p["weak_code"].str[:9]).mean()
    a = town_alignment(pairing)
    assert a.share_within_town == pytest.approx(within)
    assert 0 < a.nmi <= 1 and a.modularity_towns > 0.5
    assert a.n_nodes == sum(1 for v in pairing if pairing.degree(v))
    # the pairing forest's Louvain communities are its stars, i.e. its components, and NMI is read
    # against shuffled towns: many small communities give a high NMI by chance
    assert a.communities_are_components and a.n_communities == a.n_components
    assert a.nmi_baseline > 0.4 and a.nmi > a.nmi_baseline_q95
    assert 0 < a.ami < a.nmi
    assert "exactly the connected components" in a.summary()
    # households meet only in their own town's cooperatives and bases: communities are the towns
    cg = cooperation_graph(songtao_graph)
    ca = town_alignment(cg)
    assert ca.share_within_town == 1.0
    assert ca.nmi == pytest.approx(1.0)
    assert ca.modularity_towns == pytest.approx(ca.modularity_communities)


def test_town_alignment_by_hand():
    g = nx.Graph([("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("a3", "b1")])
    nx.set_node_attributes(g, {v: v[0] for v in g}, "town_code")
    parts = [{"a1", "a2", "a3"}, {"b1", "b2"}]
    got = town_alignment(g, parts)
    assert got.modularity_towns == pytest.approx(nx.community.modularity(g, parts))
    assert got.n_communities == 2 and got.share_within_town == 0.75
    with pytest.raises(InvalidArgument):
        town_alignment(nx.Graph([(1, 2)]))  # no town attribute
    with pytest.raises(InvalidArgument):
        town_alignment(nx.empty_graph(3))


def test_community_table(pairing):
    parts = communities(pairing)
    t = community_table(pairing, parts)
    assert t["size"].sum() == sum(len(p) for p in parts)
    assert ((t["towns"] == 1) == (t["main_town_share"] == 1.0)).all()
    labels = partition_labels(parts)
    assert set(labels) == set().union(*parts)


def test_hubs_and_cross_town_pairings(pairing, songtao_tables):
    p = songtao_tables["pairings"]
    partners = p.groupby("strong_code").size()
    hubs = hub_villages(pairing, top=None)
    assert dict(zip(hubs["code"], hubs["partners"], strict=True)) == partners.to_dict()
    assert hubs["partners"].is_monotonic_decreasing
    assert len(hub_villages(pairing)) == min(10, len(partners))
    cross = cross_town_pairings(pairing)
    expected = p[p["strong_code"].str[:9] != p["weak_code"].str[:9]]
    assert sorted(zip(cross["strong_code"], cross["weak_code"], strict=True)) == \
        sorted(zip(expected["strong_code"], expected["weak_code"], strict=True))
    assert hubs["cross_town"].sum() == len(cross)
    with pytest.raises(InvalidArgument):
        hub_villages(pairing.to_undirected())
