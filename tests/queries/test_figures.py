"""The figure metrics (`services.figures.compute_metrics`, from the count_* and sum_* queries) match pandas."""

from __future__ import annotations

import pytest

from partychain.graph_model.metrics import METRICS
from partychain.services.figures import compare, compute_metrics, figures

from .conftest import Ledger


def test_metrics_match_the_tables(ledger: Ledger) -> None:
    for scope in ledger.samples["scopes"]:
        got = compute_metrics(ledger.store, scope)
        want = ledger.oracle.metrics(scope)
        assert set(got) == set(want) >= {m.name for m in METRICS}
        for name, value in want.items():
            assert got[name] == pytest.approx(value), (scope, name)


def test_reported_figures_are_compared_with_the_tables(ledger: Ledger) -> None:
    rows = figures(ledger.store)
    reported = ledger.oracle.t["reported_figures"]
    assert len(rows) == len(reported)
    for r in rows:
        if r.status == "not_computable":
            assert r.metric not in {m.name for m in METRICS}
            continue
        values = ledger.oracle.metrics(r.scope_code)
        computed, status, _ = compare(r.metric, float(r.reported), r.qualifiers, values)
        assert r.computed == pytest.approx(computed) and r.status == status
        q = set(r.qualifiers)
        key = f"{r.metric}_planned" if "planned" in q else f"{r.metric}_per_year" if "per_year" in q else r.metric
        assert r.computed == pytest.approx(values[key])
        if q == {"exact"}:
            assert r.status == ("match" if abs(float(r.reported) - values[key]) < 1e-9 else "mismatch")
        elif "at_least" in q and "can_reach" not in q:
            assert r.status == ("meets_bound" if values[key] >= float(r.reported) else "mismatch")


def test_raw_figure_queries(ledger: Ledger) -> None:
    o = ledger.oracle
    county = o.counties[0]
    [people] = ledger.store.named("count_people_in_scope", scope=county).records()
    want = o.metrics(county)
    assert people == {k: want[k] for k in ("party_members", "households", "poor_households")}
    rows = ledger.store.named("sum_employment_in_scope", scope=county).records()
    assert sum(r["person_times"] for r in rows) == want["employment_person_times"]
    assert all(isinstance(r["person_times"], int) for r in rows)  # INT128 sums come back as int
    assert ledger.store.named("check_health").scalar() == len(o.villages)
    [div] = ledger.store.named("get_division", code=county).records()
    assert div["name"] == o.div_name[county] and div["level"] == "county"


def test_node_and_relationship_counts(ledger: Ledger) -> None:
    t = ledger.oracle.t
    nodes, rels = ledger.store.counts()
    d = t["divisions"]
    assert nodes["Village"] == (d.level == "village").sum() and nodes["Town"] == (d.level == "town").sum()
    for label, table in (("Household", "households"), ("PartyMember", "members"), ("Cooperative", "cooperatives"),
                         ("Company", "companies"), ("Base", "bases"), ("CollectiveIncome", "village_income")):
        assert nodes[label] == len(t[table]), label
    for rtype, table in (("DRIVES", "member_households"), ("LINKS", "base_members"),
                         ("JOINED", "cooperative_households"), ("EMPLOYED_AT", "employment"),
                         ("PAIRED_WITH", "pairings"), ("CONTRACTS", "contracts"), ("HOLDS_SHARE", "shareholdings")):
        assert rels[rtype] == len(t[table]), rtype
    assert rels["UNDER"] == (t["party_orgs"].parent_id != "").sum()
