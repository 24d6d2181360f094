"""The Songtao sample holds together: one organization tree under the county committee, chains whose links
share villages, and coverage shares that are what docs/sample.md's assumptions produce.

Expectations come from the ledger tables (pandas); the coverage figures from the loaded graph
(``partychain.services.coverage``), so the test also shows the two agree.
"""

from __future__ import annotations

import pandas as pd
import pytest

from partychain import services
from partychain.graph_model.enums import ORG_RANK

COUNTY = "520628"
Ledger = dict[str, pd.DataFrame]


# --- the organization tree ----------------------------------------------------------------------


def test_every_organization_reaches_the_county_committee(songtao_tables: Ledger) -> None:
    orgs = songtao_tables["party_orgs"].set_index("id")
    root = orgs.index[orgs["level"] == "county_committee"].tolist()
    assert root == [f"CC-{COUNTY}"] and orgs.at[root[0], "parent_id"] == ""
    for org in orgs.index:
        path = [org]
        while orgs.at[path[-1], "parent_id"]:
            parent = orgs.at[path[-1], "parent_id"]
            assert ORG_RANK[orgs.at[parent, "level"]] < ORG_RANK[orgs.at[path[-1], "level"]], path
            path.append(parent)
        assert path[-1] == root[0], path


def test_each_organization_sits_where_its_area_is(songtao_tables: Ledger) -> None:
    orgs = songtao_tables["party_orgs"]
    by_id = orgs.set_index("id")
    covers = by_id["covers"].str.split(";").map(set)
    town_committee = orgs[orgs["level"] == "town_committee"].set_index("seat_code")["id"]
    assert len(town_committee) == 28

    def town_of(org: str) -> str:
        return str(town_committee[by_id.at[org, "seat_code"][:9]])

    jc = orgs[orgs["level"] == "joint_committee"].set_index("kind")
    # the joint-village committee covers the villages of its town, under that town's committee
    village_jc = jc.loc["joint_village"]
    assert village_jc["parent_id"] == town_committee[village_jc["seat_code"]]
    assert {c[:9] for c in village_jc["covers"].split(";")} == {village_jc["seat_code"]}
    # the industry committee spans towns, under the county committee
    assert jc.loc["industry", "parent_id"] == f"CC-{COUNTY}"
    assert len({c[:9] for c in jc.loc["industry", "covers"].split(";")}) >= 2
    # general branches cover part of their committee's villages
    for gb, parent in orgs.loc[orgs["level"] == "general_branch", ["id", "parent_id"]].itertuples(index=False):
        assert covers[gb] <= covers[parent]
    # village branches: under the general branch covering the village (every village of the joint-village
    # committee has one), else their town committee
    vb = orgs[orgs["kind"] == "village"]
    gb_of = {v: gb for gb in orgs.loc[orgs["parent_id"] == jc.loc["joint_village", "id"], "id"] for v in covers[gb]}
    expected = vb["seat_code"].map(gb_of).fillna(vb["id"].map(town_of))
    assert (vb["parent_id"] == expected).all()
    assert vb["parent_id"].str.startswith("GB").sum() == len(village_jc["covers"].split(";"))
    # cooperative joint branches: under a general branch covering their seat, a joint committee, or their town
    cj = orgs[orgs["kind"] == "cooperative_joint"]
    for branch, parent, seat in cj[["id", "parent_id", "seat_code"]].itertuples(index=False):
        level = by_id.at[parent, "level"]
        assert level in ("general_branch", "joint_committee", "town_committee"), branch
        if level == "town_committee":
            assert parent == town_of(branch)
        else:
            assert seat in covers[parent], branch
    # company branches under the town committee of their company's village; groups in their village's branch
    cb = orgs[orgs["kind"] == "company"]
    assert (cb["parent_id"] == cb["id"].map(town_of)).all()
    groups = orgs[orgs["level"] == "group"]
    assert (groups["parent_id"].map(by_id["seat_code"]) == groups["seat_code"]).all()


# --- the chains ----------------------------------------------------------------------------------


def _chain_status(t: Ledger) -> pd.DataFrame:
    """Per base–member link: the base's village, the member's village, and whether the base completes a chain
    (its owner run by a branch or led by a joint committee) and does so under a joint committee."""
    orgs = t["party_orgs"].set_index("id")

    def under_jc(org: str) -> bool:
        while org:
            if orgs.at[org, "level"] == "joint_committee":
                return True
            org = orgs.at[org, "parent_id"]
        return False

    jc = {o for o in orgs.index if under_jc(o)}
    co, cp = t["cooperatives"].set_index("id"), t["companies"].set_index("id")
    run = pd.concat([co["run_by"], cp["run_by"]])
    led = co["led_by"].reindex(run.index, fill_value="")
    bases = t["bases"].set_index("id")
    owner = bases["owner_id"]
    status = pd.DataFrame({"village": bases["village_code"],
                           "complete": ((run != "") | (led != "")).reindex(owner).to_numpy(),
                           "joint": (run.isin(jc) | (led != "")).reindex(owner).to_numpy()}, index=bases.index)
    links = t["base_members"].join(status, on="base_id")
    links["member_village"] = links["member_id"].map(t["members"].set_index("id")["village_code"])
    return links


def test_every_drives_pair_shares_a_village(songtao_tables: Ledger) -> None:
    t = songtao_tables
    links = _chain_status(t)
    member_village = t["members"].set_index("id")["village_code"]
    base_villages = links.groupby("member_id")["village"].apply(set)
    mh = t["member_households"]
    hv = mh["household_id"].map(t["households"].set_index("id")["village_code"])
    shares = [v == member_village[m] or v in base_villages.get(m, set()) for m, v in zip(mh["member_id"], hv,
                                                                                           strict=True)]
    assert all(shares)
    per_member = mh.groupby("member_id").size()
    assert per_member.max() <= 10


def test_households_tied_to_a_base_are_driven_first(songtao_tables: Ledger) -> None:
    t = songtao_tables
    hh = t["households"]
    built = set(t["bases"]["owner_id"])
    ch = t["cooperative_households"]
    tied = hh["id"].isin(t["employment"]["household_id"]) | hh["id"].isin(
        ch.loc[ch["cooperative_id"].isin(built), "household_id"])
    driven = hh["id"].isin(t["member_households"]["household_id"])
    frame = pd.DataFrame({"village": hh["village_code"], "poor": hh["poor"], "tied": tied, "driven": driven})
    # in a village where an untied household of a kind is driven, every tied one of that kind is
    untied_driven = frame[~frame["tied"] & frame["driven"]].groupby(["village", "poor"]).size()
    tied_left = frame[frame["tied"] & ~frame["driven"]].groupby(["village", "poor"]).size()
    assert not set(untied_driven.index) & set(tied_left.index)


@pytest.fixture(scope="module")
def expected(songtao_tables: Ledger) -> dict[str, set[str]]:
    """The poor households docs/sample.md's rules make complete / under a joint committee: the driven poor
    households of the villages with a chain member / a joint chain member."""
    t = songtao_tables
    links = _chain_status(t)
    chain = links[links["complete"]]
    pool = pd.concat([chain[["village", "member_id"]],
                      chain[["member_village", "member_id"]].set_axis(["village", "member_id"], axis=1)])
    joint_members = set(links.loc[links["joint"], "member_id"])
    chain_villages = set(pool["village"])
    joint_villages = set(pool.loc[pool["member_id"].isin(joint_members), "village"])
    hh = t["households"]
    poor = hh[hh["poor"] == "true"]
    driven = poor[poor["id"].isin(t["member_households"]["household_id"])]
    return {"poor": set(poor["id"]), "driven": set(driven["id"]),
            "in_chain_villages": set(poor.loc[poor["village_code"].isin(chain_villages), "id"]),
            "in_joint_villages": set(poor.loc[poor["village_code"].isin(joint_villages), "id"]),
            "complete": set(driven.loc[driven["village_code"].isin(chain_villages), "id"]),
            "joint": set(driven.loc[driven["village_code"].isin(joint_villages), "id"])}


def test_coverage_is_what_the_stated_rules_produce(songtao_graph, expected: dict[str, set[str]]) -> None:
    cov = services.coverage(songtao_graph, COUNTY)
    n = len(expected["poor"])
    assert cov["poor_households_driven"]["covered"] == len(expected["driven"])
    assert cov["poor_chain_complete"] == {"covered": len(expected["complete"]), "total": n,
                                          "ratio": len(expected["complete"]) / n}
    assert cov["poor_chain_joint_committee"]["covered"] == len(expected["joint"])
    assert cov["demo_point_party_org"]["ratio"] == 1.0


def test_the_stated_shares(expected: dict[str, set[str]]) -> None:
    """docs/sample.md: 90 % of poor households driven; complete ≈ 0.9 × the share living in a village with a chain
    member; under a joint committee ≈ 0.9 × the share living in a village with a joint chain member."""
    n = len(expected["poor"])
    driven = len(expected["driven"]) / n
    assert driven == pytest.approx(0.9, abs=0.01)  # Binomial(n, 0.9) per village: sd ≈ 0.002
    for kind, villages in (("complete", "in_chain_villages"), ("joint", "in_joint_villages")):
        share = len(expected[villages]) / n
        assert len(expected[kind]) / n == pytest.approx(0.9 * share, abs=0.01), kind
    assert 0.9 <= len(expected["in_chain_villages"]) / n <= 0.97
    assert 0.05 <= len(expected["in_joint_villages"]) / n <= 0.2
