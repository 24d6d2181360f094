"""Candidate pairings: who is listed, the stated score, and the ranking."""

from __future__ import annotations

import networkx as nx
import pytest

from partychain.analysis.candidates import CANDIDATE_COLUMNS, candidate_pairings
from partychain.analysis.projections import pairing_graph
from partychain.errors import InvalidArgument


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


@pytest.fixture(scope="module")
def candidates(pairing):
    return candidate_pairings(pairing, top=None)


def test_every_unpaired_weak_village_gets_candidates(pairing, candidates):
    unpaired = {v for v, c in pairing.nodes(data="class") if c == "weak" and pairing.in_degree(v) == 0}
    assert set(candidates["weak_code"]) == unpaired
    assert list(candidates.columns) == CANDIDATE_COLUMNS
    paired = {w for _, w in pairing.edges()}
    assert paired.isdisjoint(candidates["weak_code"])


def test_candidates_are_strong_with_capacity(pairing, candidates):
    for s, left in zip(candidates["strong_code"], candidates["capacity_left"], strict=True):
        assert pairing.nodes[s]["class"] == "strong"
        assert left == 5 - pairing.out_degree(s) > 0
    full = {v for v, c in pairing.nodes(data="class") if c == "strong" and pairing.out_degree(v) >= 5}
    assert full.isdisjoint(candidates["strong_code"])


def test_score_is_the_stated_formula(pairing, candidates):
    for row in candidates.itertuples():
        a, b = pairing.nodes[row.weak_code], pairing.nodes[row.strong_code]
        p = 2 if a["town_code"] == b["town_code"] else 1 if a["county_code"] == b["county_code"] else 0
        ia, ib = set(a["industries"]), set(b["industries"])
        jac = len(ia & ib) / len(ia | ib) if ia | ib else 0.0
        assert row.score == pytest.approx(3 * p + jac + row.capacity_left / 5)
        assert row.proximity == ("town", "county", "other")[2 - p]
        assert row.shared_industries == ";".join(sorted(ia & ib))


def test_ranking(candidates):
    for _, group in candidates.groupby("weak_code"):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert group["score"].is_monotonic_decreasing
        # nearness decides first: every same-town candidate ranks above every other
        near = group["proximity"].map({"town": 2, "county": 1, "other": 0})
        assert near.is_monotonic_decreasing


def test_top_and_options(pairing, candidates):
    top = candidate_pairings(pairing, top=3)
    assert top.groupby("weak_code").size().max() <= 3
    assert top.equals(candidates[candidates["rank"] <= 3].reset_index(drop=True))
    tight = candidate_pairings(pairing, max_partners=1, top=None)
    assert set(tight["strong_code"]) == {v for v, c in pairing.nodes(data="class")
                                         if c == "strong" and pairing.out_degree(v) == 0}
    for bad in ({"max_partners": 0}, {"top": 0}):
        with pytest.raises(InvalidArgument):
            candidate_pairings(pairing, **bad)
    with pytest.raises(InvalidArgument):
        candidate_pairings(pairing.to_undirected())


def test_other_counties_only_on_request():
    g = nx.DiGraph()
    g.add_node("w", **{"class": "weak", "town_code": "t", "county_code": "c1", "industries": []})
    g.add_node("s", **{"class": "strong", "town_code": "u", "county_code": "c2", "industries": []})
    assert candidate_pairings(g).empty
    got = candidate_pairings(g, include_other_counties=True)
    assert got[["strong_code", "proximity", "score"]].values.tolist() == [["s", "other", 1.0]]
