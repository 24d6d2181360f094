"""The four linkage models: ``count_linkage_models`` and ``list_model_<model>``."""

from __future__ import annotations

import pytest

from partychain import services
from partychain.errors import InvalidArgument

from .conftest import Ledger

COLUMNS = ["org_id", "org_name", "unit_id", "unit_name", "village_code", "village_name", "households", "total"]


def test_model_counts_match_the_tables(ledger: Ledger) -> None:
    for scope in ledger.samples["scopes"]:
        got = services.model_counts(ledger.store, scope)
        assert list(got) == list(services.MODELS)
        assert got == {m: len(ledger.oracle.model(m, scope)) for m in services.MODELS}, scope


def test_every_model_has_instances(ledger: Ledger) -> None:
    county = ledger.oracle.counties[0]
    assert all(services.model_counts(ledger.store, county).values())


@pytest.mark.parametrize("model", services.MODELS)
def test_model_instances_match_the_tables(ledger: Ledger, model: str) -> None:
    for scope in ledger.samples["scopes"]:
        want = ledger.oracle.model(model, scope)
        page = services.model_instances(ledger.store, scope, model, limit=services.MAX_LIMIT)
        assert page["total"] == len(want), (scope, model)
        assert page["items"] == want[: services.MAX_LIMIT], (scope, model)


@pytest.mark.parametrize("model", services.MODELS)
def test_model_pages_concatenate(ledger: Ledger, model: str, page_all) -> None:
    scope = ledger.oracle.counties[0]
    want = ledger.oracle.model(model, scope)
    limit = 1 if ledger.name == "mini" else max(1, len(want) // 3 + 1)
    items, total = page_all(lambda **kw: services.model_instances(ledger.store, scope, model, **kw), limit)
    keys = [(i["org_id"], i["unit_id"]) for i in items]
    assert len(keys) == len(set(keys))
    assert total == len(want) and items == want


@pytest.mark.parametrize("model", services.MODELS)
def test_raw_model_query(ledger: Ledger, model: str) -> None:
    scope = ledger.oracle.counties[0]
    res = ledger.store.named(f"list_model_{model}", scope=scope, skip=0, limit=5)
    assert res.columns == COLUMNS
    want = ledger.oracle.model(model, scope)
    assert [r["unit_id"] for r in res.records()] == [w["unit_id"] for w in want[:5]]
    assert all(r["total"] == len(want) for r in res.records())


def test_unknown_model_is_refused(mini: Ledger) -> None:
    with pytest.raises(InvalidArgument, match="unknown linkage model"):
        services.model_instances(mini.store, "520628", "nope")
    with pytest.raises(InvalidArgument):
        services.model_counts(mini.store, "5206289")
