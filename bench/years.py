"""Years side by side: the cost of keeping three Songtao versions, and of a county diff.

``python -m bench.years [--repeat N]`` writes the Songtao history (2019, 2020, 2021), loads the three years
into one fresh embedded store — each load in a fresh process (:func:`bench.common.in_child`), its wall time
and peak memory — and reports the disk each version takes (its directory: graph, personal-data store,
manifest), then times ``partychain.services.changes`` (what ``partychain diff`` and ``GET /api/v1/changes``
run) for the county, a town and a village, each in a fresh process, ``--repeat`` times.  The results go
to ``bench/results/years-county.json``; docs/benchmarks.md ("Years side by side") quotes them.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import in_child, machine, save, summary

SCOPES = {"county": "520628", "town": "520628101", "village": "520628101221"}


def _load(ledger: str, db: str) -> dict[str, Any]:
    from partychain.loaders import check_ledger
    from partychain.storage.embedded import EmbeddedStore

    started = time.perf_counter()
    info = EmbeddedStore(Path(db)).load(check_ledger(Path(ledger)), source=ledger)
    return {"year": info.year, "version": info.version, "seconds": time.perf_counter() - started,
            "store_seconds": info.seconds, "nodes": sum(info.nodes.values()),
            "relationships": sum(info.relationships.values())}


def _diff(db: str, scope: str, a: int, b: int) -> dict[str, Any]:
    from partychain.services.changes import changes
    from partychain.storage.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    started = time.perf_counter()
    res = changes(store, scope=scope, from_year=a, to_year=b)
    return {"seconds": time.perf_counter() - started, "counts": res["counts"]}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(repeat: int) -> dict[str, Any]:
    from partychain.sample.history import generate_songtao_years

    root = Path(tempfile.mkdtemp(prefix="bench-years-"))
    try:
        generate_songtao_years(root / "ledgers", [2019, 2020, 2021], seed=2021)
        db = root / "db"
        loads = [in_child(_load, str(root / "ledgers" / str(y)), str(db)) for y in (2019, 2020, 2021)]
        for load in loads:
            load["disk_bytes"] = _size(db / "versions" / load["result"]["version"])
        diffs: dict[str, Any] = {}
        for name, scope in SCOPES.items():
            runs = [in_child(_diff, str(db), scope, 2020, 2021) for _ in range(repeat)]
            diffs[name] = {"scope": scope, "seconds": summary([r["result"]["seconds"] for r in runs]),
                           "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                           "counts": runs[0]["result"]["counts"]}
        return {"machine": machine(), "loads": loads, "total_disk_bytes": _size(db / "versions"), "diff": diffs}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = run(args.repeat)
    path = save("years-county", results)
    print(f"results: {path}")
    print("| year | load, s (wall, fresh process) | of which the store's write, s | peak RSS, MB | disk, MB |")
    print("| --- | --- | --- | --- | --- |")
    for load in results["loads"]:
        r = load["result"]
        print(f"| {r['year']} | {r['seconds']:.1f} | {r['store_seconds']:.1f} | {load.get('peak_rss_mb', 0):.0f} | "
              f"{load['disk_bytes'] / 2**20:.0f} |")
    print(f"\nthree versions on disk: {results['total_disk_bytes'] / 2**20:.0f} MB")
    print("\n| diff 2020 → 2021 | median s | min s | max s |")
    print("| --- | --- | --- | --- |")
    for name, d in results["diff"].items():
        s = d["seconds"]
        print(f"| {name} ({d['scope']}) | {s['median']:.2f} | {s['min']:.2f} | {s['max']:.2f} |")


if __name__ == "__main__":
    main()
