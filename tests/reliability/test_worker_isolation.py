"""Worker isolation of untrusted queries on the embedded engine: what gets past the guard stays in a worker.

The queries here go straight to the :class:`~partychain.storage.sandbox.WorkerPool`, *around* the
guard, to show the second line of defence on its own: a query that crashes the engine (SIGSEGV),
parses for minutes, allocates gigabytes, burns CPU, checkpoints or writes a file kills or taints
only its worker — which is replaced — while this process (the server) carries on and the graph's
folder stays as it was.  Workers also go away with their server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import ladybug
import pytest

from partychain.errors import QueryError, QueryTimeout
from partychain.storage.embedded import GRAPH_FILE, EmbeddedStore
from partychain.storage.sandbox import Limits, QueryCrashed, QueryResourceExceeded, WorkerPool

from .apikit import graph_files
from .hostile_cypher import FILE_PREFIX


@pytest.fixture
def graph(mini_graph: EmbeddedStore, tmp_path: Path) -> Path:
    """A private copy of the mini graph (the unguarded queries may try to damage it)."""
    dst = tmp_path / "graph"
    shutil.copytree(mini_graph.path, dst, symlinks=True)
    return dst


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    p = WorkerPool(2)
    p.start(wait=True)
    yield p
    p.close()


def db_file(graph: Path) -> Path:
    return graph / "current" / GRAPH_FILE


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def still_serves(pool: WorkerPool, graph: Path) -> None:
    res, cut = pool.run(db_file(graph), "MATCH (v:Village) RETURN count(v) AS n", {}, timeout_s=10, max_rows=5)
    assert res.rows == [[4]] and not cut


@pytest.mark.parametrize("query", [
    "CALL read_csv_serial('/etc/passwd') RETURN *",  # SIGSEGV in LadybugDB 0.22
], ids=["read_csv_serial"])
def test_a_crash_kills_only_its_worker(pool: WorkerPool, graph: Path, query: str) -> None:
    before = pool.pids()
    with pytest.raises(QueryCrashed, match="SIGSEGV"):
        pool.run(db_file(graph), query, {}, timeout_s=5, max_rows=10)
    assert pool.counts["crashed"] == 1
    after = pool.pids()
    assert len(after) == 2 and len(set(before) - set(after)) == 1  # one worker replaced
    still_serves(pool, graph)


@pytest.mark.parametrize("query", [
    "RETURN " + "CASE WHEN true THEN " * 25 + "1" + " END" * 25 + " AS x",  # parses for minutes
    "RETURN " + "(" * 4000 + "1" + ")" * 4000 + " AS x",  # seconds of parsing, then a crash
], ids=["nested_case_25", "nested_brackets_4000"])
def test_an_uninterruptible_parse_is_killed_at_the_deadline(pool: WorkerPool, graph: Path, query: str) -> None:
    started = time.perf_counter()
    with pytest.raises((QueryTimeout, QueryCrashed)):
        pool.run(db_file(graph), query, {}, timeout_s=1.0, max_rows=10)
    assert time.perf_counter() - started < 1.0 + pool.limits.grace_s + 1.0
    still_serves(pool, graph)


def test_a_memory_blow_up_fails_the_query_not_the_server(pool: WorkerPool, graph: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryResourceExceeded):
        pool.run(db_file(graph), "UNWIND range(1, 1000000000) AS x RETURN sum(x)", {}, timeout_s=60, max_rows=1)
    assert time.perf_counter() - started < 5  # in-process, the same query takes ~2 minutes and ~8 GB
    still_serves(pool, graph)


def test_cpu_past_the_limit_is_stopped_by_the_kernel(graph: Path) -> None:
    # The parent's deadline is pushed far out: RLIMIT_CPU (time limit x threads + margin) stops the worker.
    pool = WorkerPool(1, Limits(grace_s=60, cpu_margin_s=0, threads=1))
    try:
        started = time.perf_counter()
        with pytest.raises(QueryTimeout, match="CPU"):
            pool.run(db_file(graph), "RETURN " + "CASE WHEN true THEN " * 25 + "1" + " END" * 25 + " AS x", {},
                     timeout_s=1.0, max_rows=1)
        assert time.perf_counter() - started < 30
        assert pool.counts["killed_cpu"] == 1
        still_serves(pool, graph)
    finally:
        pool.close()


def test_engine_side_files_and_writes_stay_out_of_the_graph(pool: WorkerPool, graph: Path) -> None:
    before = graph_files(graph)
    leak = Path(FILE_PREFIX + "unguarded.csv")
    try:
        # CHECKPOINT on a read-only database leaves a .shadow file that stops every later read-only open;
        # the worker opened the graph through a link in its own folder, so the file lands there
        for query in ("CHECKPOINT", f"COPY (MATCH (h:Household) RETURN h.head_name, h.id_number) TO '{leak}'"):
            with pytest.raises(QueryError):  # the engine's own error (it cannot write)
                pool.run(db_file(graph), query, {}, timeout_s=5, max_rows=1)
        assert graph_files(graph) == before
        assert not leak.exists() or leak.stat().st_size == 0  # RLIMIT_FSIZE 0: not a byte written
        db = ladybug.Database(str(db_file(graph)), read_only=True)  # the graph still opens read-only
        db.close()
        assert pool.counts["spawned"] >= 3  # the worker that checkpointed was replaced
        still_serves(pool, graph)
    finally:
        leak.unlink(missing_ok=True)


def test_a_worker_killed_from_outside_is_replaced(pool: WorkerPool, graph: Path) -> None:
    still_serves(pool, graph)
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    still_serves(pool, graph)
    assert len(pool.pids()) == 2


def test_workers_leave_with_their_server(graph: Path, tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(
        "import sys, time\n"
        "from partychain.storage.sandbox import WorkerPool\n"
        "p = WorkerPool(2); p.start(wait=True)\n"
        f"p.run({str(db_file(graph))!r}, 'RETURN 1', {{}}, timeout_s=5, max_rows=1)\n"
        "print(*p.pids(), flush=True)\n"
        "time.sleep(600)\n", encoding="utf-8")
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        pids = [int(x) for x in server.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(p) for p in pids)
        server.kill()  # SIGKILL: no cleanup code runs in the server
        server.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in pids)
    finally:
        server.kill()


def test_closing_the_store_stops_its_workers(graph: Path) -> None:
    store = EmbeddedStore(graph, query_workers=2)
    store.prepare_readonly()
    pids = store.workers().pids()
    scratch = [p.scratch for p in store.workers()._all]
    assert store.run_readonly("RETURN 1 AS x", timeout_s=5, max_rows=1)[0].rows == [[1]]
    store.close()
    assert not any(alive(p) for p in pids)
    assert not any(d.exists() for d in scratch)  # the workers' own folders are gone too
    assert store.run_readonly("RETURN 2 AS x", timeout_s=5, max_rows=1)[0].rows == [[2]]  # starts again on use
    store.close()


def test_a_worker_imports_only_what_a_query_needs() -> None:
    """A worker process (``python -m partychain.storage.sandbox``) loads neither pandas nor the stores nor the
    settings: the pool starts, and a killed worker is replaced, in a fraction of the time (docs/reliability.md)."""
    heavy = ("pandas", "partychain.settings", "partychain.storage.base", "partychain.storage.embedded",
             "partychain.storage.neo4j", "partychain.loaders")
    probe = ("import sys\n"
             "import partychain.storage.sandbox, ladybug\n"
             f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert res.stdout.strip() == "[]", res.stdout + res.stderr


def test_a_small_memory_limit_still_returns_nodes(graph: Path) -> None:
    """What a query's answer needs (the model that shapes nodes and relationships) is loaded before the worker
    limits its address space: loaded on first use instead, under a 64 MB limit, its shared libraries failed to
    map and the first query returning a node failed (an ImportError, or the worker died)."""
    pool = WorkerPool(1, Limits(memory_mb=64))
    try:
        res, _ = pool.run(db_file(graph), "MATCH (v:Village)-[r:PART_OF]->(t:Town) RETURN v, r ORDER BY v.code LIMIT 1",
                          {}, timeout_s=10, max_rows=100)
        (village, rel), = res.rows
        assert village["_label"] == "Village" and village["code"] == "520628101001" and rel == {"_type": "PART_OF"}
        still_serves(pool, graph)
    finally:
        pool.close()


def test_a_graph_named_by_a_relative_path_answers(mini_graph: EmbeddedStore, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``partychain serve --db var/graph`` (the README's first command) names the graph relative to the server's
    folder; a worker opens it through a link in its own folder, where that path named nothing, and every
    researcher query was a 503 ("Cannot create an empty database under READ ONLY mode")."""
    shutil.copytree(mini_graph.path, tmp_path / "var" / "graph", symlinks=True)
    monkeypatch.chdir(tmp_path)
    store = EmbeddedStore(Path("var") / "graph", query_workers=1)
    try:
        res, cut = store.run_readonly("MATCH (v:Village) RETURN count(v) AS n", timeout_s=10, max_rows=5)
        assert res.rows == [[4]] and not cut
    finally:
        store.close()
