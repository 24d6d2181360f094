"""Profiles and lists: scope checks, pairings, villages, cooperatives, organizations, search, industries."""

from __future__ import annotations

import pytest

from partychain import services
from partychain.errors import InvalidArgument, NotFound

from .conftest import Ledger

# --- scope ---------------------------------------------------------------------------------------


def test_check_scope_names_known_divisions(ledger: Ledger) -> None:
    o = ledger.oracle
    for code in [*o.counties, *o.towns[:5], *o.villages[:5]]:
        rec = services.check_scope(ledger.store, code)
        level = {6: "county", 9: "town", 12: "village"}[len(code)]
        assert rec == {"code": code, "name": o.div_name[code], "level": level, "kind": o.div_kind[code]}
    for prefix, level in ((o.counties[0][:2], "province"), (o.counties[0][:4], "prefecture")):
        assert services.check_scope(ledger.store, prefix) == {"code": prefix, "name": None, "level": level,
                                                             "kind": None}


@pytest.mark.parametrize("scope", ["", "5", "520", "5206281", "52062810100", "5206281010011", "52a628",
                                   "５２０６２８", " 520628", "520628\n"])
def test_malformed_scopes_are_invalid(mini: Ledger, scope: str) -> None:
    with pytest.raises(InvalidArgument):
        services.check_scope(mini.store, scope)


@pytest.mark.parametrize("scope", ["53", "5207", "520629", "520628999", "520628101999"])
def test_unknown_scopes_are_not_found(mini: Ledger, scope: str) -> None:
    with pytest.raises(NotFound):
        services.check_scope(mini.store, scope)


def test_count_divisions_in_scope(ledger: Ledger) -> None:
    o = ledger.oracle
    for scope in ledger.samples["scopes"]:
        [got] = ledger.store.named("count_divisions_in_scope", scope=scope).records()
        assert got == {"counties": sum(c.startswith(scope) for c in o.counties),
                       "towns": sum(c.startswith(scope) for c in o.towns),
                       "villages": sum(c.startswith(scope) for c in o.villages)}


# --- pairings and villages ---------------------------------------------------------------------------


def test_pairings_match_the_tables(ledger: Ledger) -> None:
    for code in ledger.samples["villages"]:
        want = ledger.oracle.pairings(code)
        assert ledger.store.named("list_village_pairings", village_code=code).records() == want, code
        got = services.pairings(ledger.store, code)
        assert got["village"] == code
        for role in ("as_strong", "as_weak"):
            assert got[role] == [{k: w[k] for k in ("code", "name", "since", "kind")}
                                 for w in want if w["role"] == role], (code, role)


def test_pairings_of_unknown_or_malformed_villages(mini: Ledger) -> None:
    with pytest.raises(NotFound):
        services.pairings(mini.store, "520628101999")
    with pytest.raises(InvalidArgument):
        services.pairings(mini.store, "520628101")
    assert services.pairings(mini.store, "520628102002") == {"village": "520628102002", "as_strong": [],
                                                            "as_weak": []}


def test_village_profiles_match_the_tables(ledger: Ledger) -> None:
    for code in ledger.samples["villages"]:
        assert services.village(ledger.store, code) == ledger.oracle.village(code), code
    with pytest.raises(NotFound):
        services.village(ledger.store, "520628999999")


def test_search_villages(ledger: Ledger, page_all) -> None:
    o = ledger.oracle
    town = o.towns[0]
    fragments = {o.div_name[o.villages[0]][:1], o.div_name[o.villages[-1]][:2], o.div_name[town][:2], "村", "没有"}
    for q in sorted(fragments):
        want = o.search(q)
        items, total = page_all(lambda **kw: services.search_villages(ledger.store, q, **kw), 7)  # noqa: B023
        assert total == len(want) and items == want, q
        codes = [i["code"] for i in items]
        assert len(codes) == len(set(codes))
    res = ledger.store.named("search_villages", q="", scope=town, skip=0, limit=1000)
    assert [r["code"] for r in res.records()] == [v["code"] for v in o.search("", town)]


# --- cooperatives ------------------------------------------------------------------------------------


def test_cooperative_profiles_match_the_tables(ledger: Ledger) -> None:
    for cid in ledger.samples["coops"]:
        assert services.cooperative(ledger.store, cid) == ledger.oracle.cooperative(cid), cid
    with pytest.raises(NotFound):
        services.cooperative(ledger.store, "CO-NOPE")


# --- organizations --------------------------------------------------------------------------------------


def test_org_profiles_match_the_tables(ledger: Ledger) -> None:
    for oid in ledger.samples["orgs"]:
        assert services.org(ledger.store, oid) == ledger.oracle.org(oid), oid
    with pytest.raises(NotFound):
        services.org(ledger.store, "BR-NOPE")


def test_org_trees_match_the_tables(ledger: Ledger) -> None:
    for oid in ledger.samples["orgs"]:
        tree = services.org_tree(ledger.store, oid)
        assert tree == ledger.oracle.org_tree(oid), oid
        assert tree[0]["id"] == oid and tree[0]["depth"] == 0
        ids = {n["id"] for n in tree}
        assert all(n["parent_id"] in ids for n in tree[1:])
    with pytest.raises(NotFound):
        services.org_tree(ledger.store, "JC-NOPE")


def test_org_downstream_counts_match_the_tables(ledger: Ledger) -> None:
    for oid in ledger.samples["downstream_orgs"]:
        assert services.org_downstream(ledger.store, oid) == {"id": oid,
                                                             "counts": ledger.oracle.downstream(oid)["counts"]}, oid
    with pytest.raises(NotFound):
        services.org_downstream(ledger.store, "JC-NOPE")


@pytest.mark.parametrize("entity", services.ORG_DOWNSTREAM_ENTITIES)
def test_org_downstream_lists_match_the_tables(ledger: Ledger, entity: str, page_all) -> None:
    o = ledger.oracle
    for oid in ledger.samples["downstream_orgs"]:
        want = o.downstream(oid)[entity]
        limit = 2 if ledger.name == "mini" else 250
        items, total = page_all(lambda **kw: services.org_downstream_items(ledger.store, oid, entity, **kw),  # noqa: B023
                                limit)
        assert [i["id"] for i in items] == want and total == len(want), (oid, entity)
        labels = services.downstream_record_labels(entity)  # what the query's `records:` line declares
        keyed = {"Cooperative": o.coop, "Company": o.company, "Base": o.base, "PartyMember": o.member,
                 "Household": o.household}
        for i in items:
            label = labels[0] if len(labels) == 1 else {lb.lower(): lb for lb in labels}[i["type"]]
            assert i["id"] in keyed[label], (entity, i["id"], label)
            if entity == "units":
                rec = o.coop.get(i["id"]) or o.company[i["id"]]
                assert i["type"] == ("cooperative" if i["id"] in o.coop else "company")
            elif entity == "bases":
                rec = o.base[i["id"]]
                assert i["owner_id"] == o.base_owner[i["id"]]
            elif entity == "members":
                rec = {**o.member[i["id"]], "name": None}  # names are not in the graph
            else:
                rec = {**o.household[i["id"]], "name": None}
                assert i["poor"] == o.poor[i["id"]]
            assert (i.get("name"), i["village_code"], i["village_name"]) == (
                rec["name"], rec["village_code"], o.vname(rec["village_code"]))
    with pytest.raises(InvalidArgument):
        services.org_downstream_items(ledger.store, "JC-1", "nope")
    with pytest.raises(NotFound):
        services.org_downstream_items(ledger.store, "JC-NOPE", entity)


# --- industries ----------------------------------------------------------------------------------------------


def test_industry_totals_match_the_tables(ledger: Ledger) -> None:
    for scope in ledger.samples["scopes"]:
        got = services.industry_totals(ledger.store, scope)
        want = ledger.oracle.industry_totals(scope)
        assert [g["code"] for g in got] == [w["code"] for w in want]
        for g, w in zip(got, want, strict=True):
            assert g == {**w, "scale": pytest.approx(w["scale"])}, (scope, w["code"])
