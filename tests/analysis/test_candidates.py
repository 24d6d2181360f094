"""Candidate pairings: current classes, need, ties, capacity, 社区 apart, the stated score, proposal, rollout."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pandas as pd
import pytest

from partychain.analysis.candidates import (
    CANDIDATE_COLUMNS,
    candidate_pairings,
    default_capacity,
    joint_committee_ties,
    rollout_plan,
)
from partychain.analysis.projections import cooperation_graph, org_graph, pairing_graph
from partychain.errors import InvalidArgument

LATEST = 2021


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


@pytest.fixture(scope="module")
def cooperation(songtao_graph) -> nx.Graph:
    return cooperation_graph(songtao_graph)


@pytest.fixture(scope="module")
def orgs(songtao_graph) -> nx.DiGraph:
    return org_graph(songtao_graph)


@pytest.fixture(scope="module")
def candidates(pairing, cooperation, orgs):
    return candidate_pairings(pairing, cooperation=cooperation, org=orgs, top=None)


def _income(g, v, year=LATEST):
    return g.nodes[v]["income"][year]


def test_classes_come_from_the_latest_year(pairing, candidates):
    assert list(candidates.columns) == CANDIDATE_COLUMNS
    unled = {v for v in pairing if pairing.in_degree(v) == 0 and pairing.out_degree(v) == 0}
    weak_now = {v for v in unled if _income(pairing, v) < 50_000}
    kinds = {v: pairing.nodes[v]["kind"] for v in weak_now}
    have_community_partner = any(pairing.nodes[s]["kind"] == "community" and _income(pairing, s) >= 200_000
                                 for s in pairing)
    expected = {v for v in weak_now if kinds[v] == "village" or have_community_partner}
    assert set(candidates["weak_code"]) <= weak_now and expected - set(candidates["weak_code"]) == set()
    assert (candidates["weak_income"] < 50_000).all()
    # weak in the baseline year but not any more: no longer a candidate
    grown = {v for v, c in pairing.nodes(data="class") if c == "weak" and v in unled} - weak_now
    assert grown and grown.isdisjoint(candidates["weak_code"])
    old = candidate_pairings(pairing, year=2017, top=1, communities="together")
    assert grown <= set(old["weak_code"])


def test_need_and_order(candidates):
    assert candidates["need"].between(0, 1, inclusive="right").all()
    assert (candidates["need"] - (50_000 - candidates["weak_income"]) / 50_000).abs().max() < 1e-12
    firsts = candidates.drop_duplicates("weak_code")["weak_income"].tolist()
    assert firsts == sorted(firsts)  # neediest first


def test_capacity_is_the_strong_village_own(pairing, candidates):
    for row in candidates.drop_duplicates("strong_code").itertuples():
        assert row.capacity == default_capacity(_income(pairing, row.strong_code))
        assert row.capacity_left == row.capacity - pairing.out_degree(row.strong_code) > 0
        assert _income(pairing, row.strong_code) >= 200_000
    assert default_capacity(199_999) == 1 and default_capacity(10**9, max_partners=4) == 4
    custom = candidate_pairings(pairing, capacity=dict.fromkeys(pairing, 9), top=1)
    assert set(custom["capacity"]) == {9}


def test_score_is_the_stated_formula(pairing, candidates, cooperation, orgs):
    ties = joint_committee_ties(orgs)
    for row in candidates.itertuples():
        a, b = pairing.nodes[row.weak_code], pairing.nodes[row.strong_code]
        p = 1.0 if a["town_code"] == b["town_code"] else 0.5
        jc = bool(ties.get(row.weak_code, frozenset()) & ties.get(row.strong_code, frozenset()))
        coop = cooperation.edges[row.weak_code, row.strong_code]["weight"] \
            if cooperation.has_edge(row.weak_code, row.strong_code) else 0.0
        ia, ib = set(a["industries"]), set(b["industries"])
        jac = len(ia & ib) / len(ia | ib) if ia | ib else 0.0
        assert row.joint_committee == jc and row.cooperation == pytest.approx(coop)
        assert row.score == pytest.approx(3 * p + 2 * jc + min(1.0, coop) + jac + row.capacity_left / row.capacity)
        assert row.income_gap == _income(pairing, row.strong_code) - row.weak_income
    assert candidates["joint_committee"].any() and candidates["cooperation"].gt(0).any()


def test_ranking_and_proposal(candidates):
    for _, group in candidates.groupby("weak_code"):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert group["score"].is_monotonic_decreasing
        assert group["proposed"].sum() <= 1
    proposed = candidates[candidates["proposed"]]
    used = Counter(proposed["strong_code"])
    left = candidates.drop_duplicates("strong_code").set_index("strong_code")["capacity_left"]
    assert all(used[s] <= left[s] for s in used)  # capacities hold
    assert proposed["weak_code"].is_unique


def test_communities_are_handled_apart(pairing):
    apart = candidate_pairings(pairing, top=None)
    kind = {v: pairing.nodes[v]["kind"] for v in pairing}
    assert all(kind[w] == kind[s] for w, s in zip(apart["weak_code"], apart["strong_code"], strict=True))
    excluded = candidate_pairings(pairing, top=None, communities="exclude")
    assert "community" not in {kind[v] for v in [*excluded["weak_code"], *excluded["strong_code"]]}
    together = candidate_pairings(pairing, top=None, communities="together")
    assert len(together) >= len(apart)


def test_joint_committee_ties_follow_the_org_tree(orgs):
    ties = joint_committee_ties(orgs)
    up = {a: b for a, b, r in orgs.edges(data="rel") if r == "UNDER"}
    for a, v, r in orgs.edges(data="rel"):
        if r != "COVERS":
            continue
        chain, o = set(), a
        while o is not None:
            chain.add(o)
            o = up.get(o)
        jcs = {o for o in chain if orgs.nodes[o]["type"] == "JointCommittee"}
        assert jcs <= ties.get(v, frozenset())


def test_top_and_options(pairing):
    top = candidate_pairings(pairing, top=2)
    assert top.groupby("weak_code").apply(lambda g: ((g["rank"] <= 2) | g["proposed"]).all()).all()
    for bad in ({"max_partners": 0}, {"top": 0}, {"communities": "mixed"}):
        with pytest.raises(InvalidArgument):
            candidate_pairings(pairing, **bad)
    with pytest.raises(InvalidArgument):
        candidate_pairings(pairing.to_undirected())


def test_other_counties_only_on_request():
    g = nx.DiGraph(weak_below=50_000, strong_from=200_000)
    g.add_node("w", kind="village", town_code="t", county_code="c1", industries=[], income={2021: 10_000})
    g.add_node("s", kind="village", town_code="u", county_code="c2", industries=[], income={2021: 200_000})
    assert candidate_pairings(g).empty
    got = candidate_pairings(g, include_other_counties=True)
    assert got[["strong_code", "proximity", "score", "proposed"]].values.tolist() == [["s", "other", 1.0, True]]


@pytest.mark.parametrize("design", ["randomised", "phased"])
def test_rollout_keeps_a_comparison_group(candidates, design):
    plan = rollout_plan(candidates, design=design, seed=3, phases=3)
    proposed = candidates[candidates["proposed"]]
    assert sorted(plan["weak_code"]) == sorted(proposed["weak_code"])
    assert plan.equals(rollout_plan(candidates, design=design, seed=3, phases=3))
    assert plan["phase"].min() == 1 and (plan["phase"] > 1).any()  # somebody waits: the comparison group
    if design == "randomised":
        assert set(plan["arm"]) == {"pair now", "comparison, pair later"}
        for _, town in plan.groupby("weak_town"):
            if len(town) > 1:  # split within each town, so both groups spread alike over towns
                assert abs((town["phase"] == 1).sum() - len(town) / 2) <= 0.5
    else:
        assert set(plan["phase"]) == {1, 2, 3}
    for bad in ({"design": "all"}, {"comparison_share": 0}, {"phases": 1}):
        with pytest.raises(InvalidArgument):
            rollout_plan(candidates, **bad)
    with pytest.raises(InvalidArgument):
        rollout_plan(pd.DataFrame({"weak_code": []}))
