"""Projections into networkx: every node, edge and attribute checked against the ledger tables."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx
import pandas as pd
import pytest

from partychain.analysis.projections import (
    STRONG_FROM,
    WEAK_BELOW,
    check_scope,
    cooperation_graph,
    org_graph,
    pairing_graph,
    village_class,
)
from partychain.errors import InvalidArgument
from partychain.graph_model import NODES, RELS

TOWN = "520628102"  # 盘信镇 in the Songtao sample


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


@pytest.fixture(scope="module")
def cooperation(songtao_graph) -> nx.Graph:
    return cooperation_graph(songtao_graph)


@pytest.fixture(scope="module")
def orgs(songtao_graph) -> nx.DiGraph:
    return org_graph(songtao_graph)


def _villages(tables) -> pd.DataFrame:
    d = tables["divisions"]
    return d[d["level"] == "village"]


def test_pairing_graph_holds_every_village_and_pairing(pairing, songtao_tables):
    villages = _villages(songtao_tables)
    assert set(pairing) == set(villages["code"])
    p = songtao_tables["pairings"]
    assert sorted(pairing.edges()) == sorted(zip(p["strong_code"], p["weak_code"], strict=True))
    for s, w, since, kind in p.itertuples(index=False):
        assert pairing.edges[s, w] == {"since": int(since), "kind": kind}
    assert pairing.graph["baseline_year"] == int(p["since"].astype(int).min()) - 1 == 2017


def test_pairing_graph_attributes_match_the_ledger(pairing, songtao_tables):
    villages = _villages(songtao_tables).set_index("code")
    towns = songtao_tables["divisions"].set_index("code")["name"]
    income = songtao_tables["village_income"]
    by_village: dict[str, dict[int, int]] = defaultdict(dict)
    for code, year, yuan in income.itertuples(index=False):
        by_village[code][int(year)] = int(yuan)
    hh = songtao_tables["households"]
    households = hh.groupby("village_code").size()
    poor = hh[hh["poor"].isin(["true", "1", "是"])].groupby("village_code").size()
    driven_ids = set(songtao_tables["member_households"]["household_id"])
    driven = hh[hh["id"].isin(driven_ids)].groupby("village_code").size()
    for v, a in pairing.nodes(data=True):
        assert a["name"] == villages.at[v, "name"]
        assert a["town_code"] == villages.at[v, "parent_code"] == v[:9]
        assert a["town_name"] == towns[v[:9]]
        assert a["county_code"] == "520628"
        assert a["in_scope"] is True
        assert a["income"] == by_village[v]
        assert a["baseline_income"] == by_village[v][2017]
        assert a["class"] == village_class(by_village[v][2017])
        assert a["households"] == households.get(v, 0)
        assert a["poor_households"] == poor.get(v, 0)
        assert a["households_driven"] == driven.get(v, 0)
        assert a["driven_share"] == pytest.approx(driven.get(v, 0) / households[v])


def test_classes_follow_the_thresholds(pairing):
    for _, a in pairing.nodes(data=True):
        base = a["baseline_income"]
        assert (a["class"] == "weak") == (base < WEAK_BELOW)
        assert (a["class"] == "strong") == (base >= STRONG_FROM)
    # the sample pairs strong villages with weak ones only
    assert {(pairing.nodes[s]["class"], pairing.nodes[w]["class"]) for s, w in pairing.edges()} == {("strong", "weak")}


def test_industries_are_those_located_in_the_village(pairing, songtao_tables):
    located: dict[str, set[str]] = defaultdict(set)
    for t, col in (("cooperatives", "village_code"), ("companies", "village_code"), ("bases", "village_code")):
        for code, industry in songtao_tables[t][[col, "industry"]].itertuples(index=False):
            if industry:
                located[code].add(industry)
    for v, inds in pairing.nodes(data="industries"):
        assert inds == sorted(located[v])


def test_town_scope_keeps_the_far_ends_of_cross_border_pairings(songtao_graph, pairing):
    g = pairing_graph(songtao_graph, scope=TOWN)
    inside = {v for v in pairing if v.startswith(TOWN)}
    touching = [(s, w) for s, w in pairing.edges() if s.startswith(TOWN) or w.startswith(TOWN)]
    assert sorted(g.edges()) == sorted(touching)
    assert {v for v, a in g.nodes(data=True) if a["in_scope"]} == inside
    assert {v for v, a in g.nodes(data=True) if not a["in_scope"]} == {x for e in touching for x in e} - inside
    for v, a in g.nodes(data=True):
        assert a["income"] == pairing.nodes[v]["income"]


def test_mini_pairing_graph(mini_graph):
    g = pairing_graph(mini_graph, scope="520628101")
    assert sorted(g.edges()) == [("520628101001", "520628101002"), ("520628101001", "520628102001")]
    assert g.nodes["520628102001"]["in_scope"] is False
    assert g.nodes["520628102001"]["class"] == "weak"
    assert "520628102002" not in g


@pytest.mark.parametrize("scope", ["5", "52062", "5206281010", "abcdef", "５２", None])
def test_malformed_scope_is_refused(mini_graph, scope):
    with pytest.raises(InvalidArgument):
        check_scope(scope)
    with pytest.raises(InvalidArgument):
        pairing_graph(mini_graph, scope=scope)


def test_thresholds_must_be_ordered(mini_graph):
    with pytest.raises(InvalidArgument):
        pairing_graph(mini_graph, weak_below=300_000, strong_from=200_000)


def test_cooperation_graph_matches_shared_units(cooperation, songtao_tables):
    hh_village = songtao_tables["households"].set_index("id")["village_code"]
    units: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for coop, h in songtao_tables["cooperative_households"][["cooperative_id", "household_id"]].itertuples(index=False):
        units[("cooperative", coop)][hh_village[h]] += 1
    emp = songtao_tables["employment"][["base_id", "household_id"]].drop_duplicates()
    for base, h in emp.itertuples(index=False):
        units[("base", base)][hh_village[h]] += 1
    expected: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: {"cooperatives": 0, "bases": 0,
                                                                             "households": 0, "shared": 0.0})
    for (kind, _), villages in units.items():
        for a, b in combinations(sorted(villages), 2):
            e = expected[(a, b)]
            e["cooperatives" if kind == "cooperative" else "bases"] += 1
            e["households"] += villages[a] + villages[b]
            e["shared"] += 1 / (len(villages) - 1)
    got = {tuple(sorted((a, b))): d for a, b, d in cooperation.edges(data=True)}
    assert set(got) == set(expected)
    for k, e in expected.items():
        assert {x: got[k][x] for x in ("cooperatives", "bases", "households")} == \
            {x: e[x] for x in ("cooperatives", "bases", "households")}
        assert got[k]["shared"] == pytest.approx(e["shared"])
        assert got[k]["weight"] == got[k]["shared"]  # the default weight is normalised for unit size
    assert cooperation.number_of_nodes() == len(_villages(songtao_tables))
    # normalised: a village's weighted degree is the number of units it shares with another village
    shared_units = Counter(v for villages in units.values() if len(villages) > 1 for v in villages)
    for v in list(cooperation)[:60]:
        assert cooperation.degree(v, weight="weight") == pytest.approx(shared_units.get(v, 0))


def test_cooperation_weight_options(songtao_graph, cooperation):
    raw = cooperation_graph(songtao_graph, weight="units")
    assert raw.graph["weight"] == "units"
    for a, b, d in list(raw.edges(data=True))[:200]:
        assert d["weight"] == d["cooperatives"] + d["bases"]
        assert cooperation.edges[a, b]["weight"] <= d["weight"]


def test_cooperation_weight_by_households(mini_graph):
    cg = cooperation_graph(mini_graph, weight="households")
    assert cg.graph["weight"] == "households"
    with pytest.raises(InvalidArgument):
        cooperation_graph(mini_graph, weight="nope")


def test_org_graph_follows_the_model(orgs, songtao_tables):
    allowed = {(r.TYPE, a, b) for r in RELS.values() for a, b in r.ENDPOINTS}
    for s, t, rel in orgs.edges(data="rel"):
        assert (rel, orgs.nodes[s]["type"], orgs.nodes[t]["type"]) in allowed
    types = Counter(t for _, t in orgs.nodes(data="type"))
    orgs_table = songtao_tables["party_orgs"]
    level_type = {"joint_committee": "JointCommittee", "general_branch": "GeneralBranch", "branch": "Branch",
                  "group": "PartyGroup"}
    for level, label in level_type.items():
        assert types[label] == int((orgs_table["level"] == level).sum())
    assert types["Cooperative"] == len(songtao_tables["cooperatives"])
    assert types["Company"] == len(songtao_tables["companies"])
    assert types["Base"] == len(songtao_tables["bases"])
    assert types["Village"] == len(_villages(songtao_tables))
    assert set(types) <= set(NODES)
    rels = Counter(rel for *_, rel in orgs.edges(data="rel"))
    assert rels["UNDER"] == int((orgs_table["parent_id"] != "").sum())
    assert rels["BUILDS"] == len(songtao_tables["bases"])
    runs = songtao_tables["cooperatives"]["run_by"].ne("").sum() + songtao_tables["companies"]["run_by"].ne("").sum()
    assert rels["RUNS"] == runs


def test_org_graph_of_a_town_brings_the_organizations_above(songtao_graph, orgs):
    og = org_graph(songtao_graph, scope=TOWN)
    assert set(og) <= set(orgs)
    assert all(orgs.edges[s, t]["rel"] == rel for s, t, rel in og.edges(data="rel"))
    up = orgs.edge_subgraph([(s, t) for s, t, rel in orgs.edges(data="rel") if rel == "UNDER"])
    seated = [v for v, a in og.nodes(data=True) if a["type"] == "Branch" and (a["code"] or "").startswith(TOWN)]
    assert seated
    for v in seated:
        above = nx.descendants(up, v) if v in up else set()
        assert above <= set(og), v
    assert any(a["type"] == "JointCommittee" for _, a in og.nodes(data=True))
