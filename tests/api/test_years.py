"""Years over HTTP: every endpoint that reads the graph takes ?year= (the latest by default, 404 naming the years
loaded otherwise); /versions lists the versions; /changes answers as `partychain diff` does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from partychain.api.app import create_app
from partychain.services.changes import changes
from partychain.storage.embedded import EmbeddedStore

from .conftest import PREFIX, auth, make_settings


@pytest.fixture(scope="module")
def client(songtao_years_graph: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(songtao_years_graph, make_settings(), auth_failures_per_minute=10_000)) as c:
        yield c


def test_versions_and_the_default_year(client: TestClient, songtao_years_graph: EmbeddedStore) -> None:
    got = client.get(f"{PREFIX}/versions").json()
    assert [v["year"] for v in got["versions"]] == [2019, 2020, 2021]
    assert got["default"] == got["versions"][-1]["version"] == songtao_years_graph.dataset().version  # type: ignore[union-attr]
    assert client.get(f"{PREFIX}/stats").json()["dataset"]["year"] == 2021
    stats_2019 = client.get(f"{PREFIX}/stats", params={"year": 2019}).json()
    assert stats_2019["dataset"]["year"] == 2019 and stats_2019["dataset"]["as_of"] == "2019-12-31"
    with songtao_years_graph.pinned(2019) as view:
        assert stats_2019["nodes"] == view.counts()[0]


@pytest.mark.parametrize("path", ["/stats", "/coverage?scope=520628", "/models?scope=520628101"])
def test_a_year_not_loaded_is_404_naming_the_years(client: TestClient, path: str) -> None:
    sep = "&" if "?" in path else "?"
    res = client.get(f"{PREFIX}{path}{sep}year=2018")
    assert res.status_code == 404, res.text
    assert "no ledger of 2018 is loaded; loaded years: 2019, 2020, 2021" in res.json()["detail"]


def test_coverage_reads_the_year_asked_for(client: TestClient, songtao_years_graph: EmbeddedStore) -> None:
    for year in (2019, 2021):
        got = client.get(f"{PREFIX}/coverage", params={"scope": "520628101", "year": year}).json()
        with songtao_years_graph.pinned(year) as view:
            from partychain.services import coverage

            assert got["metrics"] == coverage(view, "520628101")
    a, b = (client.get(f"{PREFIX}/coverage", params={"scope": "520628", "year": y}).json() for y in (2019, 2021))
    assert a["metrics"]["households_driven"]["covered"] < b["metrics"]["households_driven"]["covered"]


@pytest.mark.parametrize("scope", ["520628", "520628101", "520628101221"])
def test_changes_equal_the_service(client: TestClient, songtao_years_graph: EmbeddedStore, scope: str) -> None:
    res = client.get(f"{PREFIX}/changes", params={"scope": scope, "from": 2019, "to": 2020, "limit": 100000},
                     headers=auth("researcher"))
    assert res.status_code == 200, res.text
    assert res.json() == changes(songtao_years_graph, scope=scope, from_year=2019, to_year=2020, limit=100000)


def test_changes_bad_input(client: TestClient) -> None:
    r = auth("researcher")
    res = client.get(f"{PREFIX}/changes", params={"scope": "520628", "from": 2018, "to": 2021}, headers=r)
    assert res.status_code == 404 and "loaded years: 2019, 2020, 2021" in res.json()["detail"]
    assert client.get(f"{PREFIX}/changes", params={"scope": "52062", "from": 2019, "to": 2021},
                      headers=r).status_code == 400
    assert client.get(f"{PREFIX}/changes", params={"scope": "520628999", "from": 2019, "to": 2021},
                      headers=r).status_code == 404
    assert client.get(f"{PREFIX}/changes", params={"scope": "520628", "from": 2019}, headers=r).status_code == 422
    assert client.get(f"{PREFIX}/changes", params={"scope": "520628", "from": 2019, "to": 2021}).status_code in (
        401, 403)


@pytest.mark.parametrize("year", [2019, 2021])
def test_economy_equals_the_service_of_the_year(client: TestClient, songtao_years_graph: EmbeddedStore,
                                                year: int) -> None:
    from partychain.services.economy import collective_economy

    res = client.get(f"{PREFIX}/economy", params={"scope": "520628101", "year": year})  # anonymous: aggregates
    assert res.status_code == 200, res.text
    with songtao_years_graph.pinned(year) as view:
        assert res.json() == collective_economy(view, scope="520628101")
    assert max(y["year"] for y in res.json()["years"]) == year
    higher = client.get(f"{PREFIX}/economy", params={"scope": "520628101", "year": year, "hollow_below": 100_000})
    assert [y["hollow"] for y in higher.json()["years"]] >= [y["hollow"] for y in res.json()["years"]]
    assert higher.json()["hollow_below"] == 100_000


def test_economy_bad_input(client: TestClient) -> None:
    assert client.get(f"{PREFIX}/economy", params={"scope": "520628", "year": 2018}).status_code == 404
    assert client.get(f"{PREFIX}/economy", params={"scope": "520628", "hollow_below": -5}).status_code == 422
    assert client.get(f"{PREFIX}/economy", params={"scope": "999999"}).status_code == 404
