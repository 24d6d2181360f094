"""Leadership chains of households (``list_household_chains``, ``get_household``)."""

from __future__ import annotations

import pytest

from partychain import services
from partychain.errors import InvalidArgument, NotFound

from .conftest import CHAIN_COLUMNS, Ledger


def test_chains_match_the_tables(ledger: Ledger) -> None:
    o = ledger.oracle
    wrong = {}
    for h in ledger.samples["households"]:
        got = services.household_chains(ledger.store, h)
        rows = [tuple(c[k] for k in CHAIN_COLUMNS) for c in got]
        assert len(rows) == len(set(rows)), f"{h}: duplicate chains {rows}"
        if set(rows) != o.chains(h):
            wrong[h] = (sorted(rows, key=str), sorted(o.chains(h), key=str))
    assert not wrong, wrong


def test_the_raw_query_gives_one_row_per_distinct_path(ledger: Ledger) -> None:
    o = ledger.oracle
    for h in ledger.samples["households"][:40]:
        res = ledger.store.named("list_household_chains", household_id=h)
        assert res.columns == list(CHAIN_COLUMNS)
        assert sorted(map(tuple, res.rows), key=str) == sorted(o.chains(h), key=str), h


def test_every_case_of_chain_is_sampled(ledger: Ledger) -> None:
    """The sample walks through undriven households, chains broken at each link, and complete ones."""
    o = ledger.oracle
    chains = [o.chains(h) for h in ledger.samples["households"]]
    assert any(not c for c in chains)  # undriven
    assert any(c and all(r[1] is None for r in c) for c in chains)  # member linked to no base
    assert any(r[1] and r[3] is None for c in chains for r in c)  # owner run or led by no organization
    assert any(r[3] for c in chains for r in c)  # complete
    assert any(r[5] for c in chains for r in c)  # under a joint committee
    assert any(r[6] for c in chains for r in c)  # reaches a town committee


def test_breaks_leave_nulls_after_them(ledger: Ledger) -> None:
    for h in ledger.samples["households"]:
        for c in services.household_chains(ledger.store, h):
            assert c["member_id"] is not None
            if c["base_id"] is None:
                assert all(c[k] is None for k in CHAIN_COLUMNS[2:]), c
            else:
                assert c["owner_id"] is not None, c  # every base has an owner
            if c["org_id"] is None:
                assert all(c[k] is None for k in CHAIN_COLUMNS[4:]), c


def test_mini_chain_cases(mini: Ledger) -> None:
    s = mini.store
    # complete: member, base, cooperative, branch under a general branch under a joint committee, in a town
    assert services.household_chains(s, "HH-1") == [dict(zip(CHAIN_COLUMNS, mini.oracle.chains("HH-1").pop(),
                                                              strict=True))]
    [hh1] = services.household_chains(s, "HH-1")
    assert hh1["joint_committee_id"] == mini.oracle.org_parent[hh1["general_branch_id"]]
    assert hh1["town_committee_id"] == mini.oracle.org_parent[hh1["joint_committee_id"]]
    # a member linked to no base: member_id and the rest null
    [hh2] = services.household_chains(s, "HH-2")
    assert hh2["member_id"] and not any(hh2[k] for k in CHAIN_COLUMNS[1:])
    # a cooperative no branch runs but a joint committee leads: the committee is the chain's organization
    [hh3] = services.household_chains(s, "HH-3")
    assert hh3["org_id"] == hh3["joint_committee_id"] == mini.oracle.led_by[hh3["owner_id"]]
    # undriven households have no chain
    undriven = [h for h in mini.oracle.household_ids if not mini.oracle.drivers.get(h)]
    assert undriven
    for h in undriven:
        assert services.household_chains(s, h) == []
        assert s.named("list_household_chains", household_id=h).rows == []


def test_unknown_household_is_not_found(mini: Ledger) -> None:
    with pytest.raises(NotFound):
        services.household_chains(mini.store, "HH-NOPE")
    with pytest.raises(InvalidArgument):
        services.household_chains(mini.store, "")
    assert mini.store.named("get_household", household_id="HH-NOPE").rows == []


def test_get_household(ledger: Ledger) -> None:
    o = ledger.oracle
    for h in ledger.samples["households"][:30]:
        [rec] = ledger.store.named("get_household", household_id=h).records()
        raw = o.household[h]
        assert rec["id"] == h and "head_name" not in rec  # personal data is not in the graph
        assert sorted(rec["driven_by"]) == sorted(o.drivers.get(h, []))
        assert bool(rec["poor"]) == o.poor[h]
        assert rec["village_code"] == raw["village_code"] and rec["village_name"] == o.vname(raw["village_code"])
