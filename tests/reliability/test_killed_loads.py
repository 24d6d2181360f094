"""Killed loads: SIGKILL a running ``partychain load`` at any moment and the graph is never lost.

Each trial starts ``partychain load LEDGER --db DIR`` as a subprocess on a directory that
holds a complete graph of the other ledger, and SIGKILLs it: at a seeded random moment
over the whole run (interpreter start, reading, validation, COPY, checkpoint, rename, link
swap) or at a random moment after the build directory (``*.partial``) appeared.  After
every kill:

* the database opens with a complete graph: its checksum is the old graph's, or the new
  graph's when the kill came after the link swap, never anything else;
* ``dataset()`` describes that graph (fingerprint, node and relationship counts, rows);
* a rerun of the load gives exactly the graph of a clean load, and leaves no ``*.partial``
  directory or half-made link behind.

Random timing rarely lands in the few milliseconds of the final rename and link swap, so
``test_kill_at_each_commit_step`` (in the default run) kills the load deterministically at each
step of its commit sequence; the random trials on the mini ledger are a trial (``pytest -m trial``),
and ``test_killed_loads_songtao`` (slow: ``--run-slow``) repeats them on the Songtao sample
(325,000 rows), whose load takes many seconds.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from partychain.loaders import ValidatedLedger, check_ledger
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

SEED = 20210408


@dataclass
class Ledger:
    path: Path
    validated: ValidatedLedger
    checksum: str  # of a clean load
    db: Path  # the graph directory of that clean load


@dataclass
class Trial:
    mode: str  # "anytime" or "after_partial"
    delay: float
    phase: str  # where the kill landed: "starting", "building", "renamed", "swapped", "finished"
    outcome: str  # "old" or "new"


def _clean_load(ledger: Path, db: Path) -> Ledger:
    validated = check_ledger(ledger)
    store = EmbeddedStore(db)
    store.load(validated, source=str(ledger))
    checksum = store.checksum()
    store.close()
    return Ledger(ledger, validated, checksum, db)


def _variant(src: Path, dst: Path) -> Path:
    """A second valid ledger that differs from ``src`` in a few cells and rows."""
    shutil.copytree(src, dst)
    hh = pd.read_csv(dst / "households.csv", dtype=str, keep_default_na=False)
    hh["size"] = (pd.to_numeric(hh["size"]).fillna(1).astype(int) % 8 + 1).astype(str)
    hh.to_csv(dst / "households.csv", index=False)
    emp = pd.read_csv(dst / "employment.csv", dtype=str, keep_default_na=False)
    emp.iloc[: max(1, len(emp) // 2)].to_csv(dst / "employment.csv", index=False)
    return dst


def _load_cmd(ledger: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "partychain.cli", "load", str(ledger), "--db", str(db), "--replace"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PARTYCHAIN_LOG_LEVEL": "WARNING"}


def _partials(db: Path) -> list[Path]:
    return list((db / "versions").glob("*.partial")) if (db / "versions").exists() else []


def _current(db: Path) -> str | None:
    try:
        return os.readlink(db / "current")
    except FileNotFoundError:
        return None


def _phase(db: Path, before: str | None, finished: bool) -> str:
    """Where a load was killed, read from what it left on disk (exact: the process is dead)."""
    if finished:
        return "finished"
    if _current(db) != before:
        return "swapped"  # after the atomic link swap (fsync, pruning)
    if _partials(db):
        return "building"  # validated; writing the new database into *.partial
    current = (before or "").split("/")[-1]
    done = [p for p in (db / "versions").iterdir() if not p.name.endswith(".partial") and p.name != current]
    if any(p.name > current for p in done):
        return "renamed"  # the new version is complete but not yet linked
    return "starting"  # interpreter start, reading and validating the ledger


def _calibrate(ledger: Path, db: Path) -> tuple[float, float]:
    """Run one load to the end, timing it: (seconds until *.partial appears, seconds in all)."""
    started = time.perf_counter()
    proc = subprocess.Popen(_load_cmd(ledger, db), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t_partial = None
    while proc.poll() is None:
        if t_partial is None and _partials(db):
            t_partial = time.perf_counter() - started
        time.sleep(0.002)
    total = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
    assert t_partial is not None
    return t_partial, total


def _check_intact(db: Path, old: Ledger, new: Ledger) -> str:
    """The graph at ``db`` is exactly ``old`` or exactly ``new``, and its manifest says which; returns which."""
    store = EmbeddedStore(db)
    try:
        checksum = store.checksum()
        assert checksum in (old.checksum, new.checksum), "the graph is neither the old nor the new one"
        which = old if checksum == old.checksum else new
        info = store.dataset()
        assert info is not None
        assert info.fingerprint == which.validated.fingerprint()
        nodes, rels = store.counts()
        assert info.nodes == {k: v for k, v in nodes.items() if v}
        assert info.relationships == {k: v for k, v in rels.items() if v}
        assert info.rows_loaded == which.validated.rows_loaded
        return "old" if which is old else "new"
    finally:
        store.close()


def _rerun_and_check(db: Path, ledger: Ledger, keep_versions: int = 2) -> None:
    store = EmbeddedStore(db, keep_versions=keep_versions)
    store.load(ledger.validated, source=str(ledger.path), replace=True)
    assert store.checksum() == ledger.checksum
    store.close()
    assert not _partials(db), "a .partial directory survived the next load"
    assert not list(db.glob(".current.*")), "a half-made link survived the next load"
    assert len([p for p in (db / "versions").iterdir()]) <= keep_versions


def run_trials(a: Ledger, b: Ledger, db: Path, trials: int, seed: int) -> list[Trial]:
    """Kill loads alternating between ``a`` and ``b``; after each kill check the graph, then finish the load."""
    rng = random.Random(seed)
    # The first load of a session runs cold (imports, page cache) and can take twice as long as the
    # next ones; delays drawn from its duration would mostly land after the end. Time three loads
    # (b, a, b: db then holds b) and draw from the fastest.
    runs = [_calibrate(ledger.path, db) for ledger in (b, a, b)]
    total = min(t for _, t in runs)
    after_partial = min(t - p for p, t in runs)
    state, results = b, []
    for i in range(trials):
        target = a if state is b else b
        mode = "anytime" if i % 2 == 0 else "after_partial"
        before = _current(db)
        proc = subprocess.Popen(_load_cmd(target.path, db), env=_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if mode == "anytime":
            delay = rng.uniform(0, total * 1.05)
            time.sleep(delay)
        else:
            delay = rng.uniform(0, max(0.05, after_partial) * 1.05)
            while proc.poll() is None and not _partials(db):
                time.sleep(0.002)
            time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode in (0, -signal.SIGKILL), f"trial {i}: load exited with {proc.returncode}"
        phase = _phase(db, before, finished)
        outcome = _check_intact(db, state, target)
        expected = "new" if phase in ("swapped", "finished") else "old"
        assert outcome == expected, f"trial {i}: killed while {phase}, yet the {outcome} graph is current"
        results.append(Trial(mode, round(delay, 3), phase, outcome))
        _rerun_and_check(db, target)
        state = target
    return results


def _summary(results: list[Trial]) -> dict[str, object]:
    return {"trials": len(results), "phases": dict(Counter(r.phase for r in results)),
            "outcomes": dict(Counter(r.outcome for r in results)), "data_lost": 0}


@pytest.fixture(scope="module")
def mini_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ledger, Ledger]:
    root = tmp_path_factory.mktemp("killed")
    a = _clean_load(mini_ledger_path(), root / "clean-a")
    b = _clean_load(_variant(mini_ledger_path(), root / "ledger-b"), root / "clean-b")
    assert a.checksum != b.checksum
    return a, b


@pytest.mark.trial
def test_killed_loads_keep_a_complete_graph(mini_pair: tuple[Ledger, Ledger], tmp_path: Path) -> None:
    a, b = mini_pair
    db = tmp_path / "db"
    results = run_trials(a, b, db, trials=20, seed=SEED)
    summary = _summary(results)
    print("killed loads (mini):", json.dumps(summary))
    assert summary["trials"] == 20
    killed = [r for r in results if r.phase != "finished"]
    assert len(killed) >= 12, results  # the delays are spread over the run, few land after its end
    assert {r.phase for r in killed} >= {"starting", "building"}, results


# (step, patch run inside the killed process, expected graph afterwards); the load keeps one old
# version, so that it prunes one after its swap
COMMIT_STEPS = [
    ("during_copy", "embedded._arrow_table = die_on_call(embedded._arrow_table, 5)", "old"),
    ("after_build", "embedded.EmbeddedStore._write = die_after(embedded.EmbeddedStore._write)", "old"),
    ("before_rename", "pathlib.Path.rename = die_before(pathlib.Path.rename)", "old"),
    ("after_rename", "embedded._fsync_dir = die_after(embedded._fsync_dir)", "old"),
    ("after_new_link", "pathlib.Path.symlink_to = die_after(pathlib.Path.symlink_to)", "old"),
    ("after_swap", "os.replace = die_after(os.replace)", "new"),
    ("during_prune", "embedded.shutil.rmtree = die_on_call(embedded.shutil.rmtree, 1, after=False, "
                     "only=lambda p, *a, **k: not str(p).endswith('.partial'))", "new"),
]

_DRIVER = """
import os, pathlib, signal, sys
from partychain.storage import embedded

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def die_after(fn):
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        die()
        return out
    return wrapper

def die_before(fn):
    def wrapper(*args, **kwargs):
        die()
    return wrapper

def die_on_call(fn, n, after=True, only=lambda *a, **k: True):
    seen = [0]
    def wrapper(*args, **kwargs):
        if only(*args, **kwargs):
            seen[0] += 1
            if seen[0] == n and not after:
                # half the work: remove one file, then die
                target = pathlib.Path(args[0])
                files = sorted(p for p in target.rglob("*") if p.is_file())
                if files:
                    files[0].unlink()
                die()
        out = fn(*args, **kwargs)
        if seen[0] == n and after:
            die()
        return out
    return wrapper

{patch}
from partychain.cli import main
sys.argv = ["partychain", "load", {ledger!r}, "--db", {db!r}, "--replace"]
main()
"""


@pytest.mark.parametrize(("step", "patch", "expected"), COMMIT_STEPS, ids=[s[0] for s in COMMIT_STEPS])
def test_kill_at_each_commit_step(step: str, patch: str, expected: str, mini_pair: tuple[Ledger, Ledger],
                                  tmp_path: Path) -> None:
    a, b = mini_pair
    db = tmp_path / "db"
    shutil.copytree(a.db, db, symlinks=True)  # a complete graph of a (its `current` link is relative)
    assert _check_intact(db, a, b) == "old"
    code = _DRIVER.format(patch=patch, ledger=str(b.path), db=str(db))
    proc = subprocess.run([sys.executable, "-c", code], env={**_env(), "PARTYCHAIN_KEEP_VERSIONS": "1"},
                          capture_output=True, timeout=300, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert _check_intact(db, a, b) == expected
    _rerun_and_check(db, b)


@pytest.mark.slow
def test_killed_loads_songtao(songtao_path: Path, tmp_path: Path) -> None:
    a = _clean_load(songtao_path, tmp_path / "clean-a")
    b = _clean_load(_variant(songtao_path, tmp_path / "ledger-b"), tmp_path / "clean-b")
    results = run_trials(a, b, tmp_path / "db", trials=24, seed=SEED + 1)
    summary = _summary(results)
    print("killed loads (songtao):", json.dumps(summary))
    killed = [r for r in results if r.phase != "finished"]
    assert len(killed) >= 14
    assert {r.phase for r in killed} >= {"starting", "building"}
