"""The API keeps answering, consistently, while ``partychain load`` replaces the graph under it.

The app serves the mini ledger (version A).  Client threads hammer endpoints whose answers differ
between A and a second ledger B (one poor household less: other node counts, other coverage) —
``/stats``, ``/coverage``, ``/models``, ``/health`` and researcher ``/cypher`` — while
``partychain load`` runs in another process three times (B, A, B).  Then:

* no response is an error (no 5xx, nothing but 200);
* every response is entirely A's or entirely B's answer — ``/stats`` node counts with the dataset
  fingerprint of the same version (the request is pinned to one graph version), ``/coverage`` and
  ``/models`` equal to one ledger's answer, never a mix;
* a request gets the graph that was current at some moment while it ran: after a load finished
  (and before the next one began) every request gets that load's graph.

Twice: the app in this process (a test client), and ``partychain serve --workers 2`` (two uvicorn
worker processes, each following the ``current`` link with its own read-only open of the graph and
its derived index), asked over HTTP. A trial (``pytest -m trial``): half a minute of concurrent
traffic and loads each.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from partychain.api.app import create_app
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore

from .apikit import auth, make_settings, serving

SCOPE = "520628"
CLIENTS = 6
HOUSEHOLDS = "MATCH (h:Household) RETURN count(h) AS n"


def answer(path: str, body: dict[str, Any]) -> Any:
    """The part of a response that identifies which graph answered."""
    if path == "/stats":
        return (body["dataset"]["fingerprint"], body["nodes"], body["relationships"])
    if path == "/cypher":
        return body["rows"]
    return body


def fetch(c: TestClient | httpx.Client, path: str) -> Any:
    if path == "/cypher":
        return c.post("/api/v1/cypher", json={"query": HOUSEHOLDS}, headers=auth("researcher"))
    params = {"scope": SCOPE} if path in ("/coverage", "/models") else None
    return c.get("/api/v1" + path, params=params)


PATHS = ["/stats", "/coverage", "/models", "/cypher"]


def answers(c: TestClient) -> dict[str, Any]:
    out = {}
    for path in PATHS:
        r = fetch(c, path)
        assert r.status_code == 200, r.text
        out[path] = answer(path, r.json())
    return out


@pytest.mark.trial
@pytest.mark.parametrize("how", ["in-process", "serve --workers 2"])
def test_serving_while_loading(tmp_path: Path, mini_copy: Path, how: str) -> None:
    ledger_a = mini_copy
    ledger_b = tmp_path / "ledger-b"
    subprocess.run(["cp", "-r", str(ledger_a), str(ledger_b)], check=True)
    hh = pd.read_csv(ledger_b / "households.csv", dtype=str, keep_default_na=False)
    gone = hh.loc[hh["poor"] == "true", "id"].iloc[-1]
    hh[hh["id"] != gone].to_csv(ledger_b / "households.csv", index=False)
    for table in ("member_households", "cooperative_households", "employment"):
        f = pd.read_csv(ledger_b / f"{table}.csv", dtype=str, keep_default_na=False)
        f[f["household_id"] != gone].to_csv(ledger_b / f"{table}.csv", index=False)

    # each ledger's answers, from graphs of their own
    expected = {}
    for name, ledger in (("A", ledger_a), ("B", ledger_b)):
        s = EmbeddedStore(tmp_path / f"ref-{name}", query_workers=1)
        s.load(check_ledger(ledger), source=name)
        with TestClient(create_app(s, make_settings())) as c:
            expected[name] = answers(c)
        s.close()
    assert expected["A"]["/stats"] != expected["B"]["/stats"]
    assert expected["A"]["/coverage"] != expected["B"]["/coverage"]
    assert expected["A"]["/cypher"] != expected["B"]["/cypher"]

    graph = tmp_path / "graph"
    EmbeddedStore(graph).load(check_ledger(ledger_a), source="A")
    results: list[tuple[float, float, str, int, Any]] = []  # started, ended, path, status, answer
    lock = threading.Lock()
    stop = threading.Event()

    def client(k: int) -> None:
        i = k
        while not stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            started = time.monotonic()
            r = fetch(c, path)
            ended = time.monotonic()
            got = answer(path, r.json()) if r.status_code == 200 else r.text[:300]
            with lock:
                results.append((started, ended, path, r.status_code, got))

    loads: list[tuple[str, float, float]] = [("A", -1.0, -1.0)]  # ledger, load process started, finished
    env = {**os.environ, "PARTYCHAIN_DB": str(graph)}
    env.pop("PARTYCHAIN_NEO4J_URI", None)
    with contextlib.ExitStack() as stack:
        if how == "in-process":
            store = EmbeddedStore(graph)
            stack.callback(store.close)
            c: TestClient | httpx.Client = stack.enter_context(
                TestClient(create_app(store, make_settings(query_timeout_s=30))))
        else:
            srv = stack.enter_context(serving(graph, tmp_path / "server.log", {"PARTYCHAIN_QUERY_TIMEOUT_S": "30",
                                                                               "PARTYCHAIN_ANONYMOUS_RATE": "1000000",
                                                                               "PARTYCHAIN_ANONYMOUS_BURST": "1000000"},
                                              workers=2))
            c = stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{srv.port}", timeout=60))
        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        for name, ledger in (("B", ledger_b), ("A", ledger_a), ("B", ledger_b)):
            began = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "partychain.cli", "load", str(ledger), "--db", str(graph)],
                                  check=False, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            loads.append((name, began, time.monotonic()))
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(60)
        final = answers(c)

    statuses = Counter(status for *_, status, _ in results)
    print(f"\nserving while loading: {len(results)} requests during 3 loads, statuses {dict(statuses)}")
    assert statuses == Counter({200: len(results)}), [r for r in results if r[3] != 200][:5]
    assert len(results) > 100

    def which(path: str, got: Any) -> str:
        hits = [name for name in ("A", "B") if expected[name][path] == got]
        assert hits, f"{path} answered neither A nor B (a mix?): {got}"
        return hits[0] if len(hits) == 1 else "AB"

    def possible(started: float, ended: float) -> set[str]:
        """Ledgers whose graph may have been current at some moment between ``started`` and ``ended``."""
        out = set()
        for i, (name, began, _finished) in enumerate(loads):
            superseded = loads[i + 1][2] if i + 1 < len(loads) else float("inf")  # the next load done
            if began <= ended and superseded > started:
                out.add(name)
        return out

    for started, ended, path, _status, got in results:
        version = which(path, got)
        if version != "AB":
            assert version in possible(started, ended), (path, version, started, ended, loads)
    seen = Counter(which(path, got) for _, _, path, _, got in results)
    assert seen["A"] and seen["B"], seen
    assert final == expected["B"]
