"""Every endpoint through HTTP against the real embedded engine, on the mini ledger and the Songtao sample.

Expected values come from the ledger's CSV tables through pandas (``Expected`` in conftest.py),
never from the graph and never typed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from partychain import services
from partychain.api.app import create_app
from partychain.storage.embedded import EmbeddedStore


@dataclass
class Dataset:
    name: str
    store: EmbeddedStore
    tables: dict[str, pd.DataFrame]
    expected: Any
    researcher: Any
    officer: Any
    anonymous: Any

    @property
    def county(self) -> str:
        d = self.tables["divisions"]
        return str(d.loc[d["level"] == "county", "code"].iloc[0])

    def codes(self, level: str, n: int) -> list[str]:
        d = self.tables["divisions"]
        return list(d.loc[d["level"] == level, "code"].iloc[:n])


@pytest.fixture(scope="module", params=["mini", "songtao"])
def ds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, settings_for: Any,
       mini_loader: Any, expected_for: Any, caller_for: Any) -> Iterator[Dataset]:
    if request.param == "mini":
        store = mini_loader(tmp_path_factory.mktemp("endpoints") / "graph")
        tables = request.getfixturevalue("mini_tables")
    else:
        store = request.getfixturevalue("songtao_graph")
        tables = request.getfixturevalue("songtao_tables")
    app = create_app(store, settings_for(), auth_failures_per_minute=10_000)
    with TestClient(app) as client:
        yield Dataset(request.param, store, tables, expected_for(tables), caller_for(client, "researcher"),
                      caller_for(client, "officer"), caller_for(client, "anonymous"))


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def all_pages(caller: Any, path: str, params: dict[str, Any], *, limit: int, key: str = "items",
              max_pages: int | None = None) -> tuple[list[Any], int]:
    """The items of every page (or of the first ``max_pages``) and the total the pages report."""
    items: list[Any] = []
    cursor = None
    pages = 0
    while True:
        body = ok(caller.get(path, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})}))
        items += body[key]
        pages += 1
        assert len(body[key]) <= limit
        cursor = body["next_cursor"]
        if cursor is None or pages == max_pages:
            return items, body["total"]


def test_health_and_stats(ds: Dataset) -> None:
    t = ds.tables
    villages = int((t["divisions"]["level"] == "village").sum())
    health = ok(ds.anonymous.get("/health"))
    assert health["status"] == "ok" and health["villages"] == villages
    assert health["dataset_version"] == ds.store.dataset().version  # type: ignore[union-attr]

    stats = ok(ds.anonymous.get("/stats"))
    assert stats["nodes"]["Village"] == villages
    assert stats["nodes"]["Household"] == len(t["households"])
    assert stats["nodes"]["PartyMember"] == len(t["members"])
    assert stats["nodes"]["Cooperative"] == len(t["cooperatives"])
    assert stats["nodes"]["Branch"] == int((t["party_orgs"]["level"] == "branch").sum())
    assert stats["relationships"]["DRIVES"] == len(t["member_households"])
    assert stats["relationships"]["JOINED"] == len(t["cooperative_households"])
    assert stats["relationships"]["PAIRED_WITH"] == len(t["pairings"])
    assert stats["dataset"]["version"] == health["dataset_version"] and stats["dataset"]["loaded_at"]


def test_coverage(ds: Dataset) -> None:
    for scope in [ds.county, *ds.codes("town", 3), *ds.codes("village", 2)]:
        body = ok(ds.anonymous.get("/coverage", params={"scope": scope}))
        assert body["scope"] == scope
        want = ds.expected.coverage(scope)
        got = {m: (v["covered"], v["total"]) for m, v in body["metrics"].items()}
        assert got == want, scope
        for v in body["metrics"].values():
            assert v["ratio"] == (pytest.approx(v["covered"] / v["total"]) if v["total"] else None)


@pytest.mark.parametrize("kind", ["cooperatives_without_org", "demo_points_without_org", "poor_households_not_driven",
                                  "bases_without_member", "members_driving_nobody",
                                  "poor_households_chain_incomplete"])
def test_gaps_page_through_the_records(ds: Dataset, kind: str) -> None:
    # Every page of the mini ledger; the first pages of the Songtao sample (each page re-runs the query).
    limit, max_pages = (2, None) if ds.name == "mini" else (1000, 2)
    for scope in (ds.county, ds.codes("town", 1)[0]):
        items, total = all_pages(ds.officer, "/gaps", {"scope": scope, "kind": kind}, limit=limit, max_pages=max_pages)
        want = ds.expected.gap_ids(scope, kind)
        assert [i["id"] for i in items] == want[:len(items)] and total == len(want), (kind, scope)
        assert len(items) == min(len(want), limit * (max_pages or len(want) + 1))


def test_models(ds: Dataset) -> None:
    for scope in (ds.county, *ds.codes("town", 2)):
        counts = ok(ds.anonymous.get("/models", params={"scope": scope}))["counts"]
        assert counts == ds.expected.model_counts(scope), scope
        for model, n in counts.items():
            items, total = all_pages(ds.researcher, f"/models/{model}/instances", {"scope": scope},
                                     limit=3 if ds.name == "mini" else 500)
            assert total == n == len(items)
            assert len({(i["org_id"], i["unit_id"]) for i in items}) == n


def test_household_chains(ds: Dataset) -> None:
    hh = ds.tables["households"]
    driven = hh[hh["id"].isin(ds.expected.drivers)]
    sample = [*driven["id"].iloc[:15], *hh.loc[~hh["id"].isin(ds.expected.drivers), "id"].iloc[:2]]
    for h in sample:
        chains, total = all_pages(ds.researcher, f"/households/{h}/chains", {}, limit=2, key="chains")
        got = {tuple(c[k] for k in services.CHAIN_COLUMNS) for c in chains}
        assert got == ds.expected.chains(h) and total == len(chains), h
    r = ds.researcher.get("/households/HH-NO-SUCH/chains")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_pairings(ds: Dataset) -> None:
    p = ds.tables["pairings"]
    codes = pd.concat([p["strong_code"], p["weak_code"]]).value_counts().index[:5]
    for code in [*codes, ds.codes("village", 1)[0]]:
        body = ok(ds.researcher.get("/pairings", params={"village": code}))
        strong, weak = ds.expected.pairings(code)
        assert (body["village"], body["as_strong"], body["as_weak"]) == (code, strong, weak)
        names = dict(zip(ds.tables["divisions"]["code"], ds.tables["divisions"]["name"], strict=True))
        assert [(d["code"], d["name"]) for d in body["as_strong_detail"]] == [(c, names[c]) for c in strong]
    assert ds.researcher.get("/pairings", params={"village": "52"}).status_code == 400
    assert ds.researcher.get("/pairings", params={"village": ds.county + "999999"}).status_code == 404


def test_orgs(ds: Dataset) -> None:
    orgs = ds.tables["party_orgs"]
    roots = list(orgs.loc[orgs["level"] == "joint_committee", "id"])
    for org_id in [*roots, *orgs.loc[orgs["level"] == "general_branch", "id"].iloc[:2]]:
        row = orgs.set_index("id").loc[org_id]
        detail = ok(ds.researcher.get(f"/orgs/{org_id}"))
        assert (detail["id"], detail["name"], detail["level"], detail["kind"]) == (org_id, row["name"], row["level"],
                                                                                  row["kind"])
        assert detail["parent_id"] == (row["parent_id"] or None)
        assert detail["covers"] == sorted(c for c in row["covers"].split(";") if c)
        assert detail["secretary_id"] == (row["secretary_id"] or None)

        tree, total = all_pages(ds.researcher, f"/orgs/{org_id}/tree", {}, limit=50)
        assert {n["id"] for n in tree} == ds.expected.subtree(org_id) and total == len(tree)
        assert tree[0]["id"] == org_id and tree[0]["depth"] == 0
        assert [n["depth"] for n in tree] == sorted(n["depth"] for n in tree)

        down = ok(ds.researcher.get(f"/orgs/{org_id}/downstream"))
        want = ds.expected.downstream(org_id)
        assert down == {"id": org_id, "counts": want}
        for entity, key in (("units", None), ("bases", "bases"), ("members", "members"), ("households", "households")):
            items, n = all_pages(ds.officer, f"/orgs/{org_id}/downstream/{entity}", {}, limit=500)
            expect_n = want[key] if key else want["cooperatives"] + want["companies"]
            assert n == len(items) == expect_n, (org_id, entity)
    assert ds.researcher.get("/orgs/NO-SUCH-ORG").status_code == 404
    assert ds.researcher.get("/orgs/NO-SUCH-ORG/tree").status_code == 404
    assert ds.researcher.get("/orgs/NO-SUCH-ORG/downstream").status_code == 404


def test_cooperatives(ds: Dataset) -> None:
    coops = ds.tables["cooperatives"]
    sample = pd.concat([coops[coops["run_by"] != ""].iloc[:2], coops[coops["led_by"] != ""].iloc[:2],
                        coops[(coops["run_by"] == "") & (coops["led_by"] == "")].iloc[:1]])
    joined = ds.tables["cooperative_households"]
    for _, c in sample.iterrows():
        body = ok(ds.researcher.get(f"/cooperatives/{c['id']}"))
        members = joined.loc[joined["cooperative_id"] == c["id"], "household_id"]
        assert body["name"] == c["name"] and body["kind"] == c["kind"] and body["village_code"] == c["village_code"]
        assert body["branch_id"] == (c["run_by"] or None) and body["joint_committee_id"] == (c["led_by"] or None)
        assert body["bases"] == sorted(b for b, o in ds.expected.owner.items() if o == c["id"])
        assert body["households"] == members.nunique()
        assert body["poor_households"] == len(set(members) & ds.expected.poor)
    assert ds.researcher.get("/cooperatives/NO-SUCH").status_code == 404


def test_villages(ds: Dataset) -> None:
    income = ds.tables["village_income"]
    for code in ds.codes("village", 3):
        body = ok(ds.researcher.get(f"/villages/{code}"))
        mine = income[income["village_code"] == code].sort_values("year")
        assert body["incomes"] == [{"year": int(y), "yuan": int(v)}
                                   for y, v in zip(mine["year"], mine["collective_income"], strict=True)]
        assert body["households"] == len(ds.expected.households_in(code))
        assert body["cooperatives"] == len(ds.expected.located_in("cooperatives", code))
        strong, weak = ds.expected.pairings(code)
        assert (body["pairings_as_strong"], body["pairings_as_weak"]) == (len(strong), len(weak))
    assert ds.researcher.get(f"/villages/{ds.county}999999").status_code == 404


def test_search(ds: Dataset) -> None:
    d = ds.tables["divisions"]
    town_name = str(d.loc[d["level"] == "town", "name"].iloc[0])
    village_name = str(d.loc[d["level"] == "village", "name"].iloc[-1])
    for q in (town_name[:2], village_name, "村"):
        items, total = all_pages(ds.researcher, "/search", {"q": q}, limit=100)
        assert [v["code"] for v in items] == ds.expected.search(q) and total == len(items), q


def test_industries(ds: Dataset) -> None:
    for scope in (ds.county, ds.codes("town", 1)[0]):
        items, total = all_pages(ds.researcher, "/industries", {"scope": scope}, limit=3)
        want = ds.expected.industry_totals(scope)
        assert total == len(want) and [i["code"] for i in items] == sorted(want)
        for i in items:
            got = {k: i[k] for k in want[i["code"]]}
            assert got == pytest.approx(want[i["code"]]), (scope, i["code"])


def test_figures(ds: Dataset) -> None:
    reported = ds.tables["reported_figures"]
    items, total = all_pages(ds.anonymous, "/figures", {"scope": ds.county}, limit=2)
    mine = reported[reported["scope_code"].str.startswith(ds.county)]
    assert total == len(mine)
    got = {(i["metric"], i["scope_code"]): i for i in items}
    for _, r in mine.iterrows():
        row = got[(r["metric"], r["scope_code"])]
        assert row["reported"] == pytest.approx(float(r["value"]))
        qualifiers = set(filter(None, str(r["qualifiers"]).split(";"))) or {"exact"}
        assert set(row["qualifiers"]) == qualifiers
        assert row["wording"] == (r["wording"] or None)
        computed, reported = row["computed"], row["reported"]
        if computed is None:
            want = "not_computable"
        elif "can_reach" in qualifiers:  # a capacity: fewer recorded neither confirms nor contradicts it
            want = "meets_bound" if computed >= reported else "not_computable"
        elif "at_least" in qualifiers:  # 余: more than the figure
            want = "meets_bound" if computed >= reported else "mismatch"
        else:
            want = "match" if computed == pytest.approx(reported) else "mismatch"
        assert row["status"] == want, (r["metric"], qualifiers, computed, reported)
    jc = got.get(("joint_committees", ds.county))
    if jc:
        orgs = ds.tables["party_orgs"]
        assert jc["computed"] == int(((orgs["level"] == "joint_committee")
                                      & orgs["seat_code"].str.startswith(ds.county)).sum())
    mu = got.get(("planting_mu", ds.county))
    if mu:
        bases = ds.expected.located_in("bases", ds.county)
        planned = pd.to_numeric(bases.loc[bases["unit"] == "mu", "planned_scale"], errors="coerce")
        assert mu["qualifiers"][0] == "planned" and mu["computed"] == pytest.approx(planned.sum())  # 规划: the plan


def test_scope_errors(ds: Dataset) -> None:
    for path in ("/coverage", "/models", "/figures"):
        bad = ds.anonymous.get(path, params={"scope": "52x"})
        assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json", path
        unknown = ds.anonymous.get(path, params={"scope": ds.county + "999"})
        assert unknown.status_code == 404, path
    for path in ("/gaps?kind=bases_without_member&", "/industries?", "/models/jc_coop_poor/instances?"):
        assert ds.researcher.get(f"{path}scope=5").status_code == 400, path
        assert ds.researcher.get(f"{path}scope={ds.county}999").status_code == 404, path
    assert ds.researcher.get("/gaps", params={"scope": ds.county, "kind": "nonsense"}).status_code == 422
    assert ds.researcher.get("/gaps", params={"scope": ds.county, "kind": "bases_without_member",
                                              "cursor": "not-a-cursor"}).status_code == 400
