"""The endpoints the dashboard reads: scorecards and their children, divisions, organizations and their units,
cooperatives, the pairing network; on the mini ledger (expected values from its CSV tables through pandas) and
on the Songtao sample (every number against the endpoints it must agree with)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from partychain import services
from partychain.api.app import create_app
from partychain.graph_model.enums import OrgLevel

METRICS = services.COVERAGE_METRICS


def ok(r: Any) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


def every(caller: Any, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged list, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = ok(caller.get(path, params={**params, "limit": 1000, **({"cursor": cursor} if cursor else {})}))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


# --- the mini ledger ------------------------------------------------------------------------------


def test_a_scorecard_holds_what_the_ledger_says(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame],
                                               expected_for: Any) -> None:
    exp = expected_for(mini_tables)
    for scope in ("520628", "520628101", "520628102001"):
        card = ok(callers["anonymous"].get(f"/scorecards/{scope}"))  # aggregates: open to everyone
        cov = exp.coverage(scope)
        assert {m: (v["covered"], v["total"]) for m, v in card["coverage"].items()} == cov
        assert card["coverage"] == ok(callers["anonymous"].get("/coverage", params={"scope": scope}))["metrics"]
        for kind in services.GAP_KINDS:
            assert card["gaps"][kind] == len(exp.gap_ids(scope, kind)), (scope, kind)
        hh = exp.households_in(scope)
        assert card["counts"]["households"] == len(hh)
        assert card["counts"]["poor_households"] == int(hh["id"].isin(exp.poor).sum())
        assert card["counts"]["party_members"] == len(exp.located_in("members", scope))
        assert card["models"] == exp.model_counts(scope)
        income = mini_tables["village_income"]
        income = income[income["village_code"].str.startswith(scope)]
        want = income.assign(yuan=income["collective_income"].astype(int)).groupby(income["year"].astype(int))["yuan"]
        assert [(r["year"], r["villages"], r["yuan"]) for r in card["incomes"]] == \
            [(int(y), int(g.count()), int(g.sum())) for y, g in want]
        pairs = mini_tables["pairings"]
        touching = pairs[pairs["strong_code"].str.startswith(scope) | pairs["weak_code"].str.startswith(scope)]
        assert card["pairings"]["pairings"] == len(touching)


def test_children_add_up_to_their_parent(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame]) -> None:
    d = mini_tables["divisions"]
    for scope, level in (("520628", "town"), ("520628101", "village")):
        page = ok(callers["anonymous"].get(f"/scorecards/{scope}/children"))
        assert page["level"] == level
        want = sorted(d.loc[(d["level"] == level) & d["code"].str.startswith(scope), "code"])
        assert [c["code"] for c in page["items"]] == want
        card = ok(callers["anonymous"].get(f"/scorecards/{scope}"))
        for m in METRICS:
            assert sum(c["coverage"][m]["covered"] for c in page["items"]) == card["coverage"][m]["covered"]
            assert sum(c["coverage"][m]["total"] for c in page["items"]) == card["coverage"][m]["total"]
        for kind in services.GAP_KINDS:
            assert sum(c["gaps"][kind] for c in page["items"]) == card["gaps"][kind]
    village = ok(callers["anonymous"].get("/scorecards/520628101001/children"))
    assert village["items"] == [] and village["level"] is None


def test_unknown_and_malformed_scopes(callers: dict[str, Any]) -> None:
    r = callers["anonymous"].get("/scorecards/520628999")
    assert r.status_code == 404 and "520628999" in r.json()["detail"]
    assert callers["anonymous"].get("/scorecards/52062").status_code == 400
    assert callers["anonymous"].get("/scorecards/abc/children").status_code == 400


def test_divisions_by_name_fragment(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame]) -> None:
    d = mini_tables["divisions"]
    found = every(callers["anonymous"], "/divisions", q="盘")
    assert [x["code"] for x in found] == sorted(d.loc[d["name"].str.contains("盘"), "code"])
    towns = every(callers["anonymous"], "/divisions", scope="520628", level="town")
    assert [(x["code"], x["parent_code"]) for x in towns] == \
        [(c, "520628") for c in sorted(d.loc[d["level"] == "town", "code"])]
    assert callers["anonymous"].get("/divisions", params={"level": "hamlet"}).status_code == 422


def test_records_need_a_key(callers: dict[str, Any]) -> None:
    for path, params in (("/orgs", {"scope": "520628"}), ("/orgs/JC-1/units", {}),
                         ("/cooperatives", {"scope": "520628"}), ("/pairings/network", {"scope": "520628"}),
                         ("/gaps/export", {"scope": "520628", "kind": "bases_without_member"}),
                         ("/report", {"scope": "520628"})):
        assert callers["anonymous"].get(path, params=params).status_code == 403, path
        assert callers["researcher"].get(path, params=params).status_code == 200, path


def test_org_roots_and_their_counts(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame],
                                   expected_for: Any) -> None:
    exp = expected_for(mini_tables)
    orgs = mini_tables["party_orgs"]
    roots = every(callers["researcher"], "/orgs", scope="520628", roots="true")
    want = orgs[(orgs["parent_id"] == "") & orgs["seat_code"].str.startswith("520628")]
    assert sorted(o["id"] for o in roots) == sorted(want["id"])
    assert [o["level"] for o in roots] == sorted((o["level"] for o in roots),
                                                 key=[v.value for v in OrgLevel].index)
    for o in roots:
        down = exp.downstream(o["id"])
        assert {k: o[k] for k in ("orgs", "cooperatives", "companies", "bases")} == \
            {k: down[k] for k in ("orgs", "cooperatives", "companies", "bases")}
        members = mini_tables["members"]
        assert o["party_members"] == int(members["org_id"].isin(exp.subtree(o["id"])).sum())
    named = every(callers["researcher"], "/orgs", scope="520628", q="盘石")
    assert sorted(o["id"] for o in named) == sorted(orgs.loc[orgs["name"].str.contains("盘石") &
                                                             orgs["seat_code"].str.startswith("520628"), "id"])


def test_the_units_of_an_organization_tree(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame],
                                          expected_for: Any) -> None:
    exp = expected_for(mini_tables)
    units = every(callers["researcher"], "/orgs/JC-1/units")
    downstream = every(callers["researcher"], "/orgs/JC-1/downstream/units")
    assert {u["id"] for u in units} == {u["id"] for u in downstream}
    under = exp.subtree("JC-1")
    for u in units:
        assert u["org_id"] in under
        assert exp.run_by.get(u["id"]) == u["org_id"] or exp.led_by.get(u["id"]) == u["org_id"]
        assert [b["id"] for b in u["bases"]] == sorted(b for b, o in exp.owner.items() if o == u["id"])
        assert u["_label"] == ("Cooperative" if u["type"] == "cooperative" else "Company")
    assert callers["researcher"].get("/orgs/NOPE/units").status_code == 404


def test_cooperatives_by_name(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame]) -> None:
    coops = mini_tables["cooperatives"]
    found = every(callers["researcher"], "/cooperatives", scope="520628", q="合作社")
    assert [c["id"] for c in found] == sorted(coops.loc[coops["name"].str.contains("合作社"), "id"])
    by_id = {c["id"]: c for c in found}
    for _, row in coops.iterrows():
        assert by_id[row["id"]]["branch_id"] == (row["run_by"] or None)
        assert by_id[row["id"]]["joint_committee_id"] == (row["led_by"] or None)


def test_the_pairing_network(callers: dict[str, Any], mini_tables: dict[str, pd.DataFrame]) -> None:
    net = ok(callers["researcher"].get("/pairings/network", params={"scope": "520628101"}))
    pairs = mini_tables["pairings"]
    touching = pairs[pairs["strong_code"].str.startswith("520628101") | pairs["weak_code"].str.startswith("520628101")]
    assert sorted((e["strong"], e["weak"]) for e in net["edges"]) == \
        sorted(zip(touching["strong_code"], touching["weak_code"], strict=True))
    income = mini_tables["village_income"]
    yuan = {(r.village_code, int(r.year)): int(r.collective_income) for r in income.itertuples()}
    for e in net["edges"]:
        years = sorted(y for v, y in yuan if v == e["weak"])
        assert e["before_year"] == e["since"] - 1 and e["latest_year"] == years[-1]
        before, latest = yuan.get((e["weak"], e["before_year"])), yuan[(e["weak"], years[-1])]
        assert e["weak_income_before"] == before
        assert e["weak_income_change"] == (latest - before if before is not None else None)
    roles = {n["code"]: (n["role"], n["in_scope"]) for n in net["nodes"]}
    assert roles["520628101001"] == ("strong", True) and roles["520628102001"] == ("weak", False)


# --- the Songtao sample ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def songtao(songtao_graph: Any, settings_for: Any, caller_for: Any) -> Any:
    with TestClient(create_app(songtao_graph, settings_for(), auth_failures_per_minute=10_000)) as client:
        yield {role: caller_for(client, role) for role in ("anonymous", "researcher")}


def test_songtao_scorecards_agree_with_the_lists_behind_them(songtao: dict[str, Any]) -> None:
    anon, res = songtao["anonymous"], songtao["researcher"]
    card = ok(anon.get("/scorecards/520628"))
    assert card["name"] == "松桃苗族自治县" and card["child_level"] == "town"
    assert card["coverage"] == ok(anon.get("/coverage", params={"scope": "520628"}))["metrics"]
    for kind in services.GAP_KINDS:
        assert card["gaps"][kind] == ok(res.get("/gaps", params={"scope": "520628", "kind": kind, "limit": 1}))["total"]
    assert card["models"] == ok(anon.get("/models", params={"scope": "520628"}))["counts"]
    towns = ok(anon.get("/scorecards/520628/children", params={"limit": 1000}))
    assert towns["total"] == 28
    for m in METRICS:
        assert sum(t["coverage"][m]["covered"] for t in towns["items"]) == card["coverage"][m]["covered"]
    town = towns["items"][0]
    assert town["coverage"] == ok(anon.get("/coverage", params={"scope": town["code"]}))["metrics"]
    net = ok(res.get("/pairings/network", params={"scope": "520628"}))
    assert len(net["edges"]) == card["pairings"]["pairings"]
