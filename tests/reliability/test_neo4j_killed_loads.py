"""Killed loads on the Neo4j backend (marked ``neo4j``: skipped unless ``PARTYCHAIN_NEO4J_URI`` is set).

Point ``PARTYCHAIN_NEO4J_URI`` (and ``PARTYCHAIN_NEO4J_USER`` / ``PARTYCHAIN_NEO4J_PASSWORD``) at a
throwaway server: these tests replace its graph.  Like ``test_killed_loads.py`` for the embedded
engine, each trial SIGKILLs a running ``partychain load`` at a seeded random moment; the load is
one write transaction, so afterwards the server holds the old graph or the new one — its checksum
is one of the two clean loads' — and ``dataset()`` describes that graph.  A load run to the end
afterwards gives exactly the clean graph.  Researcher queries keep answering between kills.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from partychain.errors import StoreError
from partychain.loaders import check_ledger
from partychain.settings import Settings
from partychain.storage.neo4j import Neo4jStore
from partychain.testing import mini_ledger_path

pytestmark = pytest.mark.neo4j

SEED = 20210408
TRIALS = 12


def _load(ledger: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PARTYCHAIN_ENGINE": "neo4j"}
    return subprocess.Popen([sys.executable, "-m", "partychain.cli", "load", str(ledger)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _settled(store: Neo4jStore, attempts: int = 50) -> str:
    """The checksum once the server has rolled back a killed load's transaction (reads may wait on it)."""
    for _ in range(attempts):
        try:
            return store.checksum()
        except StoreError:
            time.sleep(0.2)
    return store.checksum()


def test_killed_neo4j_loads_keep_a_complete_graph(tmp_path: Path,
                                                  edit_csv: Callable[[Path, str, Callable[[pd.DataFrame],
                                                                                          pd.DataFrame]], None]
                                                  ) -> None:
    ledger_a = tmp_path / "a"
    shutil.copytree(mini_ledger_path(), ledger_a)
    ledger_b = tmp_path / "b"
    shutil.copytree(mini_ledger_path(), ledger_b)
    gone = pd.read_csv(ledger_b / "households.csv", dtype=str)["id"].iloc[-1]
    edit_csv(ledger_b, "households", lambda f: f[f["id"] != gone])
    for table in ("member_households", "cooperative_households", "employment"):
        edit_csv(ledger_b, table, lambda f: f[f["household_id"] != gone])

    store = Neo4jStore.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    try:
        clean = {}
        for name, ledger in (("b", ledger_b), ("a", ledger_a)):
            info = store.load(check_ledger(ledger), source=name)
            clean[store.checksum()] = (name, info.fingerprint)
        assert len(clean) == 2
        started = time.perf_counter()
        p = _load(ledger_b)
        assert p.wait(300) == 0, p.stderr.read() if p.stderr else ""
        full = time.perf_counter() - started

        rng = random.Random(SEED)
        phases: Counter[str] = Counter()
        for _ in range(TRIALS):
            before = _settled(store)
            target = ledger_a if clean[before][0] == "b" else ledger_b
            p = _load(target)
            time.sleep(rng.uniform(0.2, full * 1.1))
            p.kill()
            p.wait(30)
            after = _settled(store)
            assert after in clean, "a killed load left a graph that is neither the old nor the new one"
            name, fingerprint = clean[after]
            info = store.dataset()
            assert info is not None and info.fingerprint == fingerprint
            res, _cut = store.run_readonly("MATCH (h:Household) RETURN count(h) AS n", timeout_s=10, max_rows=1)
            assert res.rows[0][0] == len(pd.read_csv((ledger_a if name == "a" else ledger_b) / "households.csv"))
            phases["old graph" if after == before else "new graph"] += 1
        print(f"\nkilled Neo4j loads: {TRIALS} trials, {dict(phases)}")

        p = _load(ledger_b)  # a load run to the end after all that: exactly the clean graph
        assert p.wait(300) == 0
        assert clean[store.checksum()][0] == "b"
    finally:
        store.close()
