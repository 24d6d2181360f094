"""Killed loads on the Neo4j backend (marked ``neo4j``: the session's Neo4j server, see ``tests/conftest.py``).

Like ``test_killed_loads.py`` for the embedded engine, each trial SIGKILLs a running
``partychain load`` at a seeded random moment, alternating between two ledgers that differ by
one household; the load is one write transaction, so afterwards the server holds the old graph
or the new one — its checksum is one of the two clean loads' — and ``dataset()`` describes that
graph; a researcher query answers with that graph's household count.  A load run to the end
afterwards gives exactly the clean graph.

* the mini ledger, 12 trials: ``trial`` (``pytest -m trial``, about a minute);
* the Songtao sample (about 333,000 ledger rows, a 40–60 s load on the test server), 10 trials:
  ``trial`` (``pytest -m trial``, about 15 minutes).
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
EditCsv = Callable[[Path, str, Callable[[pd.DataFrame], pd.DataFrame]], None]


def _load(ledger: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PARTYCHAIN_ENGINE": "neo4j"}
    return subprocess.Popen([sys.executable, "-m", "partychain.cli", "load", str(ledger), "--replace"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _settled(store: Neo4jStore, attempts: int = 50) -> str:
    """The checksum once the server has rolled back a killed load's transaction (reads may wait on it)."""
    for _ in range(attempts):
        try:
            return store.checksum()
        except StoreError:
            time.sleep(0.2)
    return store.checksum()


def _two_ledgers(source: Path, tmp_path: Path, edit_csv: EditCsv) -> tuple[Path, Path]:
    """A copy of ``source`` and a copy without its last household (and that household's rows elsewhere)."""
    ledger_a = tmp_path / "a"
    shutil.copytree(source, ledger_a)
    ledger_b = tmp_path / "b"
    shutil.copytree(source, ledger_b)
    gone = pd.read_csv(ledger_b / "households.csv", dtype=str)["id"].iloc[-1]
    edit_csv(ledger_b, "households", lambda f: f[f["id"] != gone])
    for table in ("member_households", "cooperative_households", "employment"):
        edit_csv(ledger_b, table, lambda f: f[f["household_id"] != gone])
    return ledger_a, ledger_b


def _trials(source: Path, tmp_path: Path, edit_csv: EditCsv, trials: int, what: str) -> None:
    ledger_a, ledger_b = _two_ledgers(source, tmp_path, edit_csv)
    households = {name: len(pd.read_csv(path / "households.csv", dtype=str))
                  for name, path in (("a", ledger_a), ("b", ledger_b))}
    store = Neo4jStore.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    try:
        clean = {}
        for name, ledger in (("b", ledger_b), ("a", ledger_a)):
            info = store.load(check_ledger(ledger), source=name, replace=True)  # two ledgers of one year
            clean[store.checksum()] = (name, info.fingerprint)
        assert len(clean) == 2
        started = time.perf_counter()
        p = _load(ledger_b)
        assert p.wait(900) == 0, p.stderr.read() if p.stderr else ""
        full = time.perf_counter() - started

        rng = random.Random(SEED)
        phases: Counter[str] = Counter()
        for _ in range(trials):
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
            res, _cut = store.run_readonly("MATCH (h:Household) RETURN count(h) AS n", timeout_s=30, max_rows=1)
            assert res.rows[0][0] == households[name]
            phases["old graph" if after == before else "new graph"] += 1
        print(f"\nkilled Neo4j loads of {what}: {trials} trials, a full load {full:.1f} s, {dict(phases)}")

        p = _load(ledger_b)  # a load run to the end after all that: exactly the clean graph
        assert p.wait(900) == 0
        assert clean[store.checksum()][0] == "b"
    finally:
        store.close()


@pytest.mark.trial
def test_killed_neo4j_loads_keep_a_complete_graph(tmp_path: Path, edit_csv: EditCsv) -> None:
    _trials(mini_ledger_path(), tmp_path, edit_csv, trials=12, what="the mini ledger")


@pytest.mark.trial
def test_killed_neo4j_loads_of_the_songtao_sample(tmp_path: Path, edit_csv: EditCsv, songtao_path: Path) -> None:
    _trials(songtao_path, tmp_path, edit_csv, trials=10, what="the Songtao sample")
