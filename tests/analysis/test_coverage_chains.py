"""Coverage by town and chain graphs agree with the linkage functions they present."""

from __future__ import annotations

import networkx as nx
import pytest

from partychain import services
from partychain.analysis.chains import CHAIN_LEVELS, chain_graph, downstream_subgraph
from partychain.analysis.coverage import PERSON_GAP_KINDS, coverage_by_town, coverage_table, gap_table, towns
from partychain.analysis.projections import org_graph
from partychain.errors import InvalidArgument, NotFound

COUNTY = "520628"


@pytest.fixture(scope="module")
def orgs(songtao_graph) -> nx.DiGraph:
    return org_graph(songtao_graph)


def test_towns_of_the_county(songtao_graph, songtao_tables):
    t = towns(songtao_graph, COUNTY)
    d = songtao_tables["divisions"]
    assert t["town_code"].tolist() == sorted(d.loc[d["level"] == "town", "code"])
    assert t["villages"].sum() == int((d["level"] == "village").sum())


def test_town_rows_add_up_to_the_county(mini_graph):
    by_town = coverage_by_town(mini_graph, COUNTY)
    county = coverage_table(mini_graph, COUNTY).set_index("metric")
    for m in services.COVERAGE_METRICS:
        assert by_town[f"{m}_covered"].sum() == county.at[m, "covered"]
        assert by_town[f"{m}_total"].sum() == county.at[m, "total"]
    with pytest.raises(InvalidArgument):
        coverage_by_town(mini_graph, "520628101")


@pytest.mark.parametrize("kind", services.GAP_KINDS)
def test_gap_tables_leave_names_of_people_out(mini_graph, kind):
    frame, total = gap_table(mini_graph, COUNTY, kind, limit=5)
    assert total == services.gaps(mini_graph, COUNTY, kind)["total"]
    assert len(frame) == min(5, total)
    assert ("name" in frame.columns) == (kind not in PERSON_GAP_KINDS)


def test_chain_graph_follows_the_chains(songtao_graph):
    household = services.org_downstream_items(songtao_graph, "JC-520628-01", "households", limit=1)["items"][0]["id"]
    chains = services.household_chains(songtao_graph, household)
    g = chain_graph(songtao_graph, household)
    assert g.graph["chains"] == len(chains) and g.graph["complete"] >= 1
    for c in chains:
        path = [household]
        for col in services.CHAIN_COLUMNS:  # a joint committee leading the owner is its org and its committee
            if c[col] is not None and c[col] != path[-1]:
                path.append(c[col])
        assert nx.is_path(g, path)
    assert {lv for _, lv in g.nodes(data="level")} <= set(CHAIN_LEVELS)
    assert nx.is_directed_acyclic_graph(g)


def test_a_household_without_a_member(mini_graph):
    g = chain_graph(mini_graph, "HH-4")
    assert list(g) == ["HH-4"] and g.graph["chains"] == 0
    with pytest.raises(NotFound):
        chain_graph(mini_graph, "HH-404")


def test_downstream_subgraph_agrees_with_the_downstream_counts(songtao_graph, orgs):
    for jc in sorted(v for v, t in orgs.nodes(data="type") if t == "JointCommittee"):
        sub = downstream_subgraph(orgs, jc)
        counts = services.org_downstream(songtao_graph, jc)["counts"]
        types = [t for _, t in sub.nodes(data="type")]
        assert sum(t in ("GeneralBranch", "Branch", "PartyGroup") for t in types) == counts["orgs"]
        assert types.count("Cooperative") == counts["cooperatives"]
        assert types.count("Company") == counts["companies"]
        assert types.count("Base") == counts["bases"]


def test_downstream_refuses_what_is_not_an_organization(orgs):
    with pytest.raises(NotFound):
        downstream_subgraph(orgs, "JC-nope")
    coop = next(v for v, t in orgs.nodes(data="type") if t == "Cooperative")
    with pytest.raises(InvalidArgument):
        downstream_subgraph(orgs, coop)
