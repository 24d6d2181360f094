"""``python -m bench``: run the benchmarks and write bench/results/<scale>.json and docs/benchmarks.md tables.

    python -m bench all --scale county            # the Songtao sample, a few minutes (CI smoke: --quick)
    python -m bench all --scale province          # the Guizhou sample (~7 million households), ~20 minutes
    python -m bench load queries --scale province --ledger /tmp/guizhou --repeat 2
    python -m bench engines --scale county        # the embedded engine and Neo4j side by side (bench/engines.py)

The province ledger is generated once (``partychain sample guizhou``) into a cache folder under
the system temp directory and reused; ``--ledger`` points at another one.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from . import api, children, load, report
from .common import RESULTS, in_child, machine, sample_ledger, save

WHAT = ("load", "queries", "api", "analysis")


def _samples(ledger: Path, n: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """Random household ids and village codes for the API benchmark."""
    import random

    import pyarrow as pa
    import pyarrow.csv as pa_csv

    rng = random.Random(seed)
    hh = pa_csv.read_csv(ledger / "households.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["id"], column_types={"id": pa.string()})).column("id")
    dv = pa_csv.read_csv(ledger / "divisions.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["code", "level"], column_types={"code": pa.string(), "level": pa.string()})).to_pandas()
    villages = sorted(dv.loc[dv["level"] == "village", "code"])
    return ([hh[rng.randrange(len(hh))].as_py() for _ in range(n)],
            [rng.choice(villages) for _ in range(max(20, n // 10))])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="*", default=["all"], choices=[*WHAT, "all", "engines"],
                    help="sections to run; 'engines' (not part of 'all'): both engines side by side, alone")
    ap.add_argument("--scale", choices=["county", "province"], default="county",
                    help="county = the Songtao sample (522 villages); province = Guizhou (17,964 villages)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions per measurement")
    ap.add_argument("--load-repeat", type=int, help="repetitions of the load benchmark (default: --repeat, "
                                                    "at most 2 at province scale)")
    ap.add_argument("--ledger", type=Path, help="use this ledger instead of the generated sample")
    ap.add_argument("--db", type=Path, help="use this loaded graph for queries/api/analysis (no load benchmark)")
    ap.add_argument("--quick", action="store_true", help="few samples and short runs (a smoke test)")
    ap.add_argument("--seconds", type=float, help="duration of each HTTP load run (default 10, quick 2)")
    ap.add_argument("--results", type=Path, default=RESULTS, help="folder for <scale>.json")
    ap.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    ap.add_argument("--update", action="store_true",
                    help="replace only the sections run now in an existing <scale>.json (the others keep their "
                         "earlier figures; the report says when each section was measured)")
    ap.add_argument("--no-baselines", action="store_true",
                    help="queries: time the served answers and the named queries only, not the live queries "
                         "(live=True) nor pandas beside them (at province scale they take most of the run)")
    ap.add_argument("--workers", type=int, default=2, help="api: uvicorn worker processes of partychain serve")
    ap.add_argument("--seed", type=int, default=2021, help="seed of the generated sample")
    ap.add_argument("--neo4j-heap", default="3g", help="engines: the Neo4j server's heap (a county reload needs 2g)")
    ap.add_argument("--neo4j-pagecache", default="1g", help="engines: the Neo4j server's page cache")
    ap.add_argument("--embedded-buffer-pool-mb", type=int, default=0,
                    help="the embedded engine's buffer pool of the query and API benchmarks and of engines "
                         "(PARTYCHAIN_BUFFER_POOL_MB; 0: its default)")
    ap.add_argument("--neo4j-import-memory", help="engines: the importer's --max-off-heap-memory (default: 90 %% of "
                                                  "the free memory)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if "engines" in args.what:
        if set(args.what) != {"engines"}:
            ap.error("engines runs alone")
        _engines(args)
        return
    what = set(WHAT) if "all" in args.what else set(args.what)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="partychain-bench-"))
    try:
        ledger = args.ledger or sample_ledger(args.scale, args.seed, work)
        results: dict[str, Any] = {"machine": machine(), "scale": args.scale, "repeat": args.repeat,
                                   "quick": args.quick, "ledger": str(ledger)}
        db = args.db
        if "load" in what:
            load_repeat = args.load_repeat or (min(args.repeat, 2) if args.scale == "province" else args.repeat)
            print(f"load benchmark on {ledger} ({load_repeat} repetitions) ...", flush=True)
            keep = None if db else work / "graph"
            results["load"] = load.run(ledger, repeat=load_repeat, keep_db=keep,
                                       merge_rows=500 if args.quick else 2000, work=work)
            db = db or keep
        if what - {"load"} and db is None:
            print("loading the graph for the query benchmarks ...", flush=True)
            db = work / "graph"
            in_child(children.build_db, str(ledger), str(db))
        if "queries" in what:
            print("query benchmark ...", flush=True)
            q = in_child(children.queries, str(db), str(ledger), args.quick, not args.no_baselines,
                         args.embedded_buffer_pool_mb)
            results["queries"] = {**q["result"], "peak_rss_mb": q["peak_rss_mb"], "seconds": q["seconds"]}
        if "api" in what:
            print("API benchmark ...", flush=True)
            households, villages = _samples(ledger, 200 if args.quick else 2000)
            seconds = args.seconds or (2.0 if args.quick else 10.0)
            results["api"] = api.run(db, households, villages, seconds=seconds,
                                     repeat=1 if args.quick else args.repeat, workers=args.workers)
        if "analysis" in what:
            print("analysis benchmark ...", flush=True)
            results["analysis"] = _analysis(db, args)
        results["machine"]["load_average_end"] = machine()["load_average"]
        results["seconds"] = time.perf_counter() - started
        if args.update:
            results = _merged(args.results / f"{args.scale}.json", results, what)
        path = save(args.scale, results, folder=args.results)
        print(f"results: {path}")
        if not args.no_doc:
            print(f"report: {report.write(results)}")
        print(report.render(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _engines(args: argparse.Namespace) -> None:
    from . import engines

    work = Path(tempfile.mkdtemp(prefix="partychain-engines-"))
    try:
        ledger = args.ledger or sample_ledger(args.scale, args.seed, work)
        households, villages = _samples(ledger, 200 if args.quick else 2000)
        engines.main(ledger, scale=args.scale, work=work, quick=args.quick,
                     seconds=args.seconds or (2.0 if args.quick else 10.0), repeat=1 if args.quick else args.repeat,
                     heap=args.neo4j_heap, pagecache=args.neo4j_pagecache,
                     import_memory=args.neo4j_import_memory, buffer_pool_mb=args.embedded_buffer_pool_mb,
                     households=households,
                     villages=villages, results=args.results, doc=not args.no_doc)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _merged(path: Path, new: dict[str, Any], what: set[str]) -> dict[str, Any]:
    """``new``'s sections ``what`` put into the results stored at ``path`` (if any)."""
    if not path.exists():
        return new
    old: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    m = new["machine"]
    stamp = {"date": m["date"], "git": m["git"], "load_average": m.get("load_average"),
             "load_average_end": m.get("load_average_end")}
    for section in what:
        if section in new:
            old[section] = new[section]
            old.setdefault("updated", {})[section] = stamp
    return old


def _analysis(db: Path, args: argparse.Namespace) -> dict[str, Any]:
    try:
        from . import analysis  # noqa: F401  (written alongside; skipped if absent)
    except ImportError as e:
        return {"skipped": f"bench.analysis is not available: {e}"}
    if args.quick:
        repeat, n_perm, limit = 1, 49, 600.0
    elif args.scale == "province":
        repeat, n_perm, limit = 1, 199, 900.0
    else:
        repeat, n_perm, limit = args.repeat, 999, 1800.0
    try:
        out = in_child(children.analysis, str(db), repeat, n_perm, timeout=limit)
    except TimeoutError as e:
        return {"skipped": str(e)}
    return {**out["result"], "peak_rss_mb": out["peak_rss_mb"], "seconds": out["seconds"],
            "n_perm": n_perm, "repeat": repeat}


if __name__ == "__main__":
    main()
