"""What running researcher Cypher in worker processes costs: latency against in-process, start-up, memory.

    python -m bench.readonly_workers --db GRAPH_DIR [--repeat 50]

For each query, the median and p95 of ``store.run_readonly`` with ``query_workers=0`` (the engine in
this process) and with worker processes (``partychain.storage.sandbox``), after a warm-up; then the
time to start a pool of workers and see them ready, and the resident memory of a worker before and
after it opened the graph.  Prints JSON (the figures in ``docs/reliability.md`` come from here).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from partychain.storage.embedded import EmbeddedStore

QUERIES = {
    "RETURN 1": "RETURN 1 AS x",
    "count villages": "MATCH (v:Village) RETURN count(v) AS n",
    "households per village (522 rows)": "MATCH (h:Household)-[:LIVES_IN]->(v:Village) "
                                         "RETURN v.code AS village, count(h) AS n ORDER BY village",
    "1,000 member nodes": "MATCH (m:PartyMember) RETURN m LIMIT 1000",
    "10,000 rows (row cap)": "MATCH (h:Household) RETURN h.id AS id, h.size AS size",
}


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def _times(store: EmbeddedStore, query: str, repeat: int) -> list[float]:
    for _ in range(5):
        store.run_readonly(query, timeout_s=60, max_rows=10_000)
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        store.run_readonly(query, timeout_s=60, max_rows=10_000)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _p(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, round(q * (len(s) - 1)))], 2)


def run(db: Path, repeat: int = 50) -> dict[str, Any]:
    inproc = EmbeddedStore(db, query_workers=0)
    started = time.perf_counter()
    isolated = EmbeddedStore(db, query_workers=4)
    isolated.prepare_readonly()
    start_s = time.perf_counter() - started
    pool = isolated.workers()
    idle_kb = [_rss_kb(p) for p in pool.pids()]
    out: dict[str, Any] = {"graph": str(db), "repeat": repeat, "workers": pool.size,
                           "start_s": round(start_s, 2), "worker_rss_idle_kb": idle_kb, "queries": {}}
    for name, query in QUERIES.items():
        a, b = _times(inproc, query, repeat), _times(isolated, query, repeat)
        out["queries"][name] = {
            "in_process_ms": {"p50": _p(a, 0.5), "p95": _p(a, 0.95)},
            "worker_ms": {"p50": _p(b, 0.5), "p95": _p(b, 0.95)},
            "overhead_ms_p50": round(statistics.median(b) - statistics.median(a), 2),
        }
    out["worker_rss_after_kb"] = [_rss_kb(p) for p in pool.pids()]
    out["counts"] = dict(pool.counts)
    inproc.close()
    isolated.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="graph directory (with a `current` link)")
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    print(json.dumps(run(args.db, args.repeat), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
