"""Coverage metrics (``count_coverage_in_scope``) and the gap lists behind them (``list_<gap kind>``)."""

from __future__ import annotations

import pytest

from partychain import services
from partychain.errors import InvalidArgument

from .conftest import Ledger


def test_coverage_matches_the_tables(ledger: Ledger) -> None:
    o = ledger.oracle
    for scope in ledger.samples["scopes"]:
        got = services.coverage(ledger.store, scope)
        assert list(got) == list(services.COVERAGE_METRICS)
        want = o.coverage(scope)
        for metric, (covered, total) in want.items():
            assert got[metric] == {"covered": covered, "total": total,
                                   "ratio": covered / total if total else None}, (scope, metric)


def test_raw_coverage_query_rows(ledger: Ledger) -> None:
    scope = ledger.oracle.counties[0]
    res = ledger.store.named("count_coverage_in_scope", scope=scope)
    assert res.columns == ["metric", "covered", "total", "ratio"]
    metrics = [r["metric"] for r in res.records()]
    assert len(metrics) == len(set(metrics)) and set(metrics) == set(services.COVERAGE_METRICS)
    for r in res.records():
        assert isinstance(r["covered"], int) and isinstance(r["total"], int)
        assert r["ratio"] == (pytest.approx(r["covered"] / r["total"]) if r["total"] else None)


def test_a_scope_with_nothing_in_it_has_zero_totals_and_null_ratios(mini: Ledger) -> None:
    got = services.coverage(mini.store, "53")
    assert all(v == {"covered": 0, "total": 0, "ratio": None} for v in got.values())


def test_every_metric_has_a_gap_in_the_sample(ledger: Ledger, edited: Ledger) -> None:
    """Each ledger leaves every metric short somewhere, so the gap lists below are not vacuous.

    Both cover all their demonstration points (Songtao: the report's 56 of 56), so that gap is
    checked on the edited mini ledger.
    """
    county = ledger.oracle.counties[0]
    for kind in services.GAP_KINDS:
        if kind == "demo_points_without_org":
            assert edited.oracle.gap(kind, county)
        else:
            assert ledger.oracle.gap(kind, county), kind


def test_edited_ledger_coverage_and_gaps(edited: Ledger) -> None:
    """A branch straight under a joint committee, an uncovered demonstration point, a new chain."""
    o = edited.oracle
    for scope in edited.samples["scopes"]:
        got = services.coverage(edited.store, scope)
        assert {m: (v["covered"], v["total"]) for m, v in got.items()} == o.coverage(scope), scope
        for kind in services.GAP_KINDS:
            assert services.gaps(edited.store, scope, kind)["items"] == o.gap(kind, scope), (scope, kind)
    for h in o.household_ids:
        got = {tuple(c.values()) for c in services.household_chains(edited.store, h)}
        assert got == o.chains(h), h
    [hh4] = services.household_chains(edited.store, "HH-4")
    assert hh4["org_id"] == "BR-3" and hh4["general_branch_id"] is None and hh4["joint_committee_id"] == "JC-1"


@pytest.mark.parametrize("kind", services.GAP_KINDS)
def test_gap_lists_match_the_tables(ledger: Ledger, kind: str) -> None:
    o = ledger.oracle
    for scope in ledger.samples["scopes"]:
        want = o.gap(kind, scope)
        page = services.gaps(ledger.store, scope, kind, limit=services.MAX_LIMIT)
        assert page["total"] == len(want), (scope, kind)
        assert page["items"] == want[: services.MAX_LIMIT], (scope, kind)
        assert page["next_cursor"] is None if len(want) <= services.MAX_LIMIT else page["next_cursor"]


@pytest.mark.parametrize("kind", services.GAP_KINDS)
def test_gap_pages_concatenate_to_the_whole_list(ledger: Ledger, kind: str, page_all) -> None:
    o = ledger.oracle
    for scope in ledger.samples["page_scopes"]:
        want = o.gap(kind, scope)
        limit = 1 if ledger.name == "mini" else max(1, len(want) // 4 + 1)
        items, total = page_all(lambda **kw: services.gaps(ledger.store, scope, kind, **kw), limit)  # noqa: B023
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids)), "duplicates across pages"
        assert total == len(want) and items == want, (scope, kind)


def test_gap_counts_agree_with_coverage(ledger: Ledger) -> None:
    county = ledger.oracle.counties[0]
    cov = services.coverage(ledger.store, county)
    pairs = {"cooperatives_without_org": "cooperative_party_org", "demo_points_without_org": "demo_point_party_org",
             "poor_households_not_driven": "poor_households_driven", "bases_without_member": "bases_linked",
             "poor_households_chain_incomplete": "poor_chain_complete"}
    for kind, metric in pairs.items():
        total = services.gaps(ledger.store, county, kind, limit=1)["total"]
        assert total == cov[metric]["total"] - cov[metric]["covered"], kind


def test_raw_gap_query_past_the_end_is_empty(mini: Ledger) -> None:
    res = mini.store.named("list_cooperatives_without_org", scope="520628", skip=1000, limit=10)
    assert res.rows == [] and res.columns == ["id", "name", "village_code", "village_name", "total"]


def test_cursors_are_signed_for_one_list_of_one_graph(mini: Ledger) -> None:
    """A cursor says where the next page starts only for the list and graph version that handed it out."""
    first = services.gaps(mini.store, "520628", "cooperatives_without_org", limit=1)
    second = services.gaps(mini.store, "520628", "cooperatives_without_org", limit=1, cursor=first["next_cursor"])
    assert second["items"] and second["items"][0]["id"] != first["items"][0]["id"]
    version = services.version_of(mini.store)
    forged = [services.encode_cursor(1000, list_id="x", version=version), "1000." + "A" * 22,
              f"{2**63}.AAAA", str(10**26), first["next_cursor"].replace("1.", "1000.", 1)]
    for cursor in forged:
        with pytest.raises(InvalidArgument, match="invalid cursor"):
            services.gaps(mini.store, "520628", "cooperatives_without_org", limit=1, cursor=cursor)
    with pytest.raises(InvalidArgument, match="invalid cursor"):  # another list
        services.gaps(mini.store, "520628", "bases_without_member", limit=1, cursor=first["next_cursor"])
    with pytest.raises(InvalidArgument, match="invalid cursor"):  # another graph version
        services.gaps(mini.store, "520628101", "cooperatives_without_org", limit=1, cursor=first["next_cursor"])


def test_breaks_at_names_the_first_missing_link(mini: Ledger) -> None:
    items = services.gaps(mini.store, "520628", "poor_households_chain_incomplete")["items"]
    assert {i["id"]: i["breaks_at"] for i in items} == {
        h: mini.oracle.breaks_at(h) for h in mini.oracle.household_ids
        if mini.oracle.poor[h] and h not in mini.oracle.complete}
    assert {i["breaks_at"] for i in items} <= {"member", "base", "party_org", "joint_committee"}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kind": "nope"}, "unknown gap kind"),
    ({"limit": 0}, "limit"),
    ({"limit": services.MAX_LIMIT + 1}, "limit"),
    ({"cursor": "bm9wZQ"}, "invalid cursor"),
    ({"cursor": "99999999999999999999.AAAA"}, "invalid cursor"),
    ({"scope": "5206281"}, "not a division code"),
    ({"scope": "52a628"}, "not a division code"),
    ({"scope": ""}, "not a division code"),
])
def test_gap_arguments_are_checked(mini: Ledger, kwargs: dict, message: str) -> None:
    args = {"scope": "520628", "kind": "cooperatives_without_org", **kwargs}
    with pytest.raises(InvalidArgument, match=message):
        services.gaps(mini.store, args.pop("scope"), args.pop("kind"), **args)


def test_gap_record_labels_name_the_records(mini: Ledger) -> None:
    tables = {"Household": mini.oracle.household, "PartyMember": mini.oracle.member, "Base": mini.oracle.base,
              "Cooperative": mini.oracle.coop}
    seen = set()
    for kind in services.GAP_KINDS:
        label = services.gap_record_label(kind)
        ids = [i["id"] for i in services.gaps(mini.store, "520628", kind)["items"]]
        assert all(i in tables[label] for i in ids), kind  # (the mini ledger has no demo point without one)
        seen.add(label)
    assert seen == set(tables)
