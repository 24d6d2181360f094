"""A new load is served by the running app without a restart, and requests in flight still succeed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient

from partychain.api.app import create_app
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore


def test_a_new_load_is_picked_up_without_restart(tmp_path: Path, mini_copy: Path, settings_for: Any,
                                                 keys: dict[str, str], expected_for: Any,
                                                 edit_csv: Callable[..., None]) -> None:
    graph = tmp_path / "graph"
    EmbeddedStore(graph).load(check_ledger(mini_copy), source="v1")
    app = create_app(EmbeddedStore(graph), settings_for(query_timeout_s=30))
    research = {"Authorization": f"Bearer {keys['researcher']}"}

    def tables() -> dict[str, pd.DataFrame]:
        return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in mini_copy.glob("*.csv")}

    def coverage(c: TestClient) -> dict[str, tuple[int, int]]:
        body = c.get("/api/v1/coverage", params={"scope": "520628"}).json()
        return {m: (v["covered"], v["total"]) for m, v in body["metrics"].items()}

    with TestClient(app) as c:
        v1 = c.get("/api/v1/health").json()["dataset_version"]
        assert c.get("/api/v1/stats").json()["nodes"]["Household"] == len(tables()["households"])
        assert coverage(c) == expected_for(tables()).coverage("520628")

        # A slow query is running when the next load lands (as `partychain load` would, from another store).
        slow = {"query": "MATCH (h:Household) WITH count(h) AS n UNWIND range(1, 20000000) AS x RETURN n, count(x)"}
        in_flight: list[Any] = []
        t = threading.Thread(target=lambda: in_flight.append(c.post("/api/v1/cypher", json=slow, headers=research)))
        t.start()

        # the new ledger: the last household goes, with everything pointing at it
        gone = tables()["households"]["id"].iloc[-1]
        edit_csv(mini_copy, "households", lambda f: f[f["id"] != gone])
        for table in ("member_households", "cooperative_households", "employment"):
            edit_csv(mini_copy, table, lambda f: f[f["household_id"] != gone])
        EmbeddedStore(graph).load(check_ledger(mini_copy), source="v2")

        t.join()
        assert in_flight[0].status_code == 200, in_flight[0].text
        assert in_flight[0].json()["rows"][0][0] in (len(tables()["households"]), len(tables()["households"]) + 1)

        v2 = c.get("/api/v1/health").json()["dataset_version"]
        assert v2 != v1
        assert c.get("/api/v1/stats").json()["nodes"]["Household"] == len(tables()["households"])
        assert coverage(c) == expected_for(tables()).coverage("520628")
        assert c.get(f"/api/v1/households/{gone}/chains", headers=research).status_code == 404
