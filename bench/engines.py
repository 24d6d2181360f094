"""Both engines side by side, in one run on one machine: ``python -m bench engines --scale county|province``.

For the same ledger, the embedded engine (LadybugDB, ``--db DIR``) and Neo4j Community (a
``tools/neo4j-server`` started here on a loopback port, :mod:`partychain.neo4j_server`):

* **load**: ``partychain load LEDGER`` into an empty graph and again over it (the replace), wall
  seconds of the whole command and ledger rows/s; the loader process's peak RSS; on Neo4j, the
  load transaction's own heap estimate (``SHOW TRANSACTIONS ... estimatedUsedHeapMemory``) and
  the server's heap in use (JMX), sampled every half second, and the server's peak RSS.  At
  province scale the one-transaction load is not run on Neo4j (its transaction would need tens
  of GB of heap, extrapolated from the county figure): the province goes through the bulk path;
* **bulk path** (Neo4j): ``partychain export DIR --format neo4j-admin`` from the embedded store,
  ``partychain neo4j import DIR --data D`` (Neo4j's own importer, the server stopped) and the
  first ``partychain neo4j start`` (which creates the key constraints and waits for their
  indexes); store size on disk;
* **queries** in-process (:func:`bench.queries.run` on each store, the same sampled households,
  villages, towns, counties): chain lookup, coverage of a village, town, county and the province,
  the first page of every gap list; p50/p99; and every named query of the catalog;
* **HTTP**: ``partychain serve`` on each engine (one uvicorn worker), ``GET
  /households/{id}/chains`` (researcher key) and ``GET /coverage?scope=<village>`` (anonymous):
  requests/s and p99 from the same load generator as ``bench/api.py``.

Results go to ``bench/results/engines-<scale>.json`` and the block between the
``results:engines-<scale>`` markers of docs/benchmarks.md.  The Neo4j server's heap and page
cache are options (``--neo4j-heap``, ``--neo4j-pagecache``; the importer's off-heap memory
``--neo4j-import-memory``); the default heap, 3 GB, holds a county reload with room to spare
(2 GB holds it with about 1 % to spare, see docs/neo4j.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import api
from .common import in_child, machine, save

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BEGIN, END = "<!-- results:engines-{scale}:begin -->", "<!-- results:engines-{scale}:end -->"


# --- processes ---------------------------------------------------------------------------------------


def _cli(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """``partychain ARGS`` in a child process: wall seconds, its peak RSS (reaped with ``wait4``), its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "partychain.cli", *args], env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if code != 0:
        raise RuntimeError(f"partychain {' '.join(args)} failed ({code}): {stderr[-3000:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "stdout": stdout, "stderr": stderr}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTYCHAIN_")}
    env["PARTYCHAIN_LOG_LEVEL"] = "WARNING"
    env.update(extra)
    return env


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def _vm_hwm_mb(pid: int) -> float:
    """A process's peak resident set (VmHWM), MB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Neo4jMonitor:
    """Samples the load transaction's heap estimate and the server's heap in use every ``every`` seconds."""

    TX = ("SHOW TRANSACTIONS YIELD metaData, estimatedUsedHeapMemory, allocatedDirectBytes "
          "WHERE metaData.op = 'load' RETURN max(estimatedUsedHeapMemory) AS heap")
    JMX = ("CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
           "RETURN attributes.HeapMemoryUsage.value.properties.used AS used")

    def __init__(self, store: Any, every: float = 0.5) -> None:
        self.store, self.every = store, every
        self.tx_peak = 0
        self.heap_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.tx_peak = max(self.tx_peak, int(self.store.run(self.TX).scalar() or 0))
                self.heap_peak = max(self.heap_peak, int(self.store.run(self.JMX).scalar() or 0))
            self._stop.wait(self.every)

    def __enter__(self) -> Neo4jMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


# --- the parts -----------------------------------------------------------------------------------------


def _load_embedded(ledger: Path, db: Path) -> dict[str, Any]:
    from partychain.storage.embedded import EmbeddedStore

    env = _env(PARTYCHAIN_ENGINE="embedded")
    first = _cli(["load", str(ledger), "--db", str(db)], env)
    again = _cli(["load", str(ledger), "--db", str(db)], env)
    store = EmbeddedStore(db)
    info = store.dataset()
    store.close()
    assert info is not None
    return {"first": _strip(first), "reload": _strip(again), "version": info.version,
            "rows_in": sum(info.rows_in.values()), "nodes": sum(info.nodes.values()),
            "relationships": sum(info.relationships.values()),
            "store_mb": _du_mb(db / "versions" / info.version)}


def _strip(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if k not in ("stdout", "stderr")}


def _load_neo4j(ledger: Path, env: dict[str, str], store: Any, server_pid: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("first", "reload"):
        with Neo4jMonitor(store) as mon:
            run = _cli(["load", str(ledger)], env)
        out[name] = {**_strip(run), "tx_heap_peak_mb": mon.tx_peak / 1e6, "server_heap_peak_mb": mon.heap_peak / 1e6}
        print(f"  neo4j {name} load: {run['seconds']:.1f} s, transaction heap {mon.tx_peak / 1e6:,.0f} MB, "
              f"server heap {mon.heap_peak / 1e6:,.0f} MB", flush=True)
    out["server_peak_rss_mb"] = _vm_hwm_mb(server_pid)
    return out


IMPORTED = re.compile(r"imported ([\d,]+) nodes, ([\d,]+) relationships, ([\d,]+) properties in ([\d.]+) s "
                      r"\(importer's peak memory ([^)]*)\)")


def _bulk(db: Path, version: str, data: Path, export: Path, client_db: Path, *, heap: str,
          pagecache: str, password: str, import_memory: str | None) -> tuple[dict[str, Any], str, int]:
    """Export from the embedded store, import into ``data`` (server stopped), start; the server's URI and pid."""
    emb = _env(PARTYCHAIN_ENGINE="embedded")
    exported = _cli(["export", str(export), "--format", "neo4j-admin", "--db", str(db)], emb)
    neo = _env(PARTYCHAIN_NEO4J_PASSWORD=password)
    limit = ["--max-off-heap", import_memory] if import_memory else []
    imported = _cli(["neo4j", "import", str(export), "--data", str(data), *limit], neo)
    m = IMPORTED.search(imported["stderr"])
    started = _cli(["neo4j", "start", "--data", str(data), "--port", "0", "--heap", heap, "--pagecache", pagecache,
                    "--tx-timeout", "600s", "--wait", "7200"], neo)
    uri = started["stdout"].strip().splitlines()[-1]
    pid = int((data / "partychain-neo4j.pid").read_text().split()[0])
    # the officer's personal data of this version travels beside the export, not in it
    personal = db / "versions" / version / "personal.sqlite"
    (client_db / "personal").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(personal, client_db / "personal" / f"{version}.sqlite")
    res = {"export_s": exported["seconds"], "export_mb": _du_mb(export), "import_s": imported["seconds"],
           "import_max_off_heap": import_memory or "default (90 % of free memory)",
           "importer_peak_rss_mb": imported["peak_rss_mb"], "start_s": started["seconds"],
           "store_mb": _du_mb(data / "data" / "databases" / "neo4j"),
           "tx_logs_mb": _du_mb(data / "data" / "transactions" / "neo4j")}
    if m:
        res.update(nodes=int(m.group(1).replace(",", "")), relationships=int(m.group(2).replace(",", "")),
                   properties=int(m.group(3).replace(",", "")), importer_reported_s=float(m.group(4)),
                   importer_peak_memory=m.group(5))
    print(f"  bulk path: export {res['export_s']:.1f} s, import {res['import_s']:.1f} s, first start "
          f"{res['start_s']:.1f} s, store {res['store_mb']:,.0f} MB", flush=True)
    return res, uri, pid


def _http(argv: list[str], env: dict[str, str], households: list[str], villages: list[str], *, seconds: float,
          repeat: int) -> dict[str, Any]:
    env = {**env, "PARTYCHAIN_API_KEYS": f"{api.KEY}:researcher", "PARTYCHAIN_ANONYMOUS_RATE": "1000000",
           "PARTYCHAIN_ANONYMOUS_BURST": "1000000"}
    kw = {"seconds": seconds, "connections": 8, "threads": 2}
    started = time.perf_counter()
    with api.Server([sys.executable, "-m", "partychain.cli", "serve", *argv, "--host", "127.0.0.1", "--port",
                     "{port}"], env, "/api/v1/health") as srv:
        startup = time.perf_counter() - started
        chains = api._repeat(srv.base, [f"/api/v1/households/{h}/chains" for h in households], repeat,
                             auth=True, **kw)
        coverage = api._repeat(srv.base, [f"/api/v1/coverage?scope={v}" for v in villages], max(1, repeat - 1),
                               auth=False, **kw)
    return {"startup_s": startup, "chains": chains, "coverage_village": coverage}


def run(ledger: Path, *, scale: str, work: Path, quick: bool = False, seconds: float = 10.0, repeat: int = 3,
        heap: str = "3g", pagecache: str = "1g", import_memory: str | None = None, buffer_pool_mb: int = 0,
        households: list[str], villages: list[str]) -> dict[str, Any]:
    from partychain import neo4j_server
    from partychain.storage.neo4j import Neo4jStore

    from . import children

    res: dict[str, Any] = {"machine": machine(), "scale": scale, "ledger": str(ledger), "quick": quick,
                           "neo4j": {"version": neo4j_server.NEO4J_VERSION, "heap": heap, "pagecache": pagecache,
                                     "import_max_off_heap": import_memory},
                           "embedded": {"buffer_pool_mb": buffer_pool_mb}}
    db, data, client_db = work / "graph", work / "neo4j", work / "neo4j-client"
    password = secrets.token_urlsafe(18)
    print("embedded: load ...", flush=True)
    res["embedded"]["load"] = emb = _load_embedded(ledger, db)
    print(f"  embedded load: {emb['first']['seconds']:.1f} s, reload {emb['reload']['seconds']:.1f} s", flush=True)

    neo_env = _env(PARTYCHAIN_ENGINE="neo4j", PARTYCHAIN_NEO4J_PASSWORD=password, PARTYCHAIN_DB=str(client_db))
    if scale == "county":
        info = neo4j_server.start(data, port=0, password=password, heap=heap, pagecache=pagecache,
                                  tx_timeout="600s", exit_with=os.getpid())
        neo_env["PARTYCHAIN_NEO4J_URI"] = info.uri
        store = Neo4jStore(info.uri, password=password, personal_dir=client_db / "personal")
        try:
            print("neo4j: load ...", flush=True)
            res["neo4j"]["load"] = _load_neo4j(ledger, neo_env, store, info.pid)
        finally:
            store.close()
        uri, pid = info.uri, info.pid
    else:
        res["neo4j"]["load"] = {"skipped": "one transaction per load does not fit a province (see docs/neo4j.md); "
                                           "the province goes through the bulk path"}
        print("neo4j: bulk path ...", flush=True)
        res["neo4j"]["bulk"], uri, pid = _bulk(db, emb["version"], data, work / "export", client_db, heap=heap,
                                               pagecache=pagecache, password=password,
                                                   import_memory=import_memory)
        neo_env["PARTYCHAIN_NEO4J_URI"] = uri
    try:
        specs = {"embedded": {"engine": "embedded", "db": str(db), "buffer_pool_mb": str(buffer_pool_mb)},
                 "neo4j": {"engine": "neo4j", "uri": uri, "password": password,
                           "personal_dir": str(client_db / "personal")}}
        for name, spec in specs.items():
            print(f"{name}: queries ...", flush=True)
            q = in_child(children.engine_queries, spec, str(ledger), quick)
            res[name]["queries"] = {**q["result"], "seconds": q["seconds"], "peak_rss_mb": q["peak_rss_mb"]}
        emb_env = _env(PARTYCHAIN_ENGINE="embedded", PARTYCHAIN_BUFFER_POOL_MB=str(buffer_pool_mb))
        for name, argv, env in (("embedded", ["--db", str(db)], emb_env),
                                ("neo4j", [], neo_env)):
            print(f"{name}: HTTP ...", flush=True)
            res[name]["http"] = _http(argv, env, households, villages, seconds=seconds, repeat=repeat)
        res["neo4j"]["server_peak_rss_mb"] = _vm_hwm_mb(pid)
        if scale == "county":  # the bulk path at county scale too, after the transactional figures
            neo4j_server.stop(data)
            res["neo4j"]["bulk"], uri, pid = _bulk(db, emb["version"], data, work / "export", client_db, heap=heap,
                                                   pagecache=pagecache, password=password,
                                                   import_memory=import_memory)
    finally:
        neo4j_server.stop(data)
    return res


# --- the report ------------------------------------------------------------------------------------------


def _ms(x: float) -> str:
    return f"{x:,.2f}" if x < 10 else f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def _lat(p: dict[str, Any] | None) -> str:
    return f"{_ms(p['p50_ms'])} / {_ms(p['p99_ms'])}" if p and p.get("n") else "–"


def _faster(a: float | None, b: float | None, *, higher_is_better: bool = False) -> str:
    """Which engine is better on one figure (``a`` embedded, ``b`` Neo4j), and by how much."""
    if not a or not b:
        return "–"
    if higher_is_better:
        a, b = 1 / a, 1 / b
    if max(a, b) / min(a, b) < 1.1:
        return "same (±10 %)"
    return f"embedded {b / a:,.1f}×" if a < b else f"**Neo4j {a / b:,.1f}×**"


def render(r: dict[str, Any]) -> str:
    m, e, n = r["machine"], r["embedded"], r["neo4j"]
    el = e["load"]
    lines = [f"Measured {m['date']} on {m['cpus']} CPUs ({m['cpu'].split()[0]} {m['cpu'].split()[1]}), "
             f"{m['memory_gb']} GB, commit {m['git']}; load average {m['load_average'][0]} at the start, "
             f"{m.get('load_average_end', ['?'])[0]} at the end. Neo4j {n['version']} Community "
             f"(`tools/neo4j-server`, heap {n['heap']}, page cache {n['pagecache']}) and the embedded engine "
             f"(ladybug {m['packages'].get('ladybug', '?')}"
             + (f", buffer pool {e['buffer_pool_mb']:,} MB" if e.get("buffer_pool_mb") else "")
             + ") on the same machine in the same run; "
             f"{el['rows_in']:,} ledger rows → {el['nodes']:,} nodes and {el['relationships']:,} relationships. "
             "Latencies are p50 / p99 in ms, in-process (the service functions on an opened store; for Neo4j "
             "through the Bolt driver on loopback); HTTP is `partychain serve`, one worker, 8 connections.", "",
             "| measure | embedded | Neo4j | better |", "| --- | --- | --- | --- |"]
    nl = n.get("load", {})
    if "first" in nl:
        for key, what in (("first", "load into an empty graph (`partychain load`), s"),
                          ("reload", "reload over the previous graph, s")):
            a, b = el[key]["seconds"], nl[key]["seconds"]
            lines.append(f"| {what} | {a:,.1f} | {b:,.1f} | {_faster(a, b)} |")
        a, b = el["rows_in"] / el["reload"]["seconds"], el["rows_in"] / nl["reload"]["seconds"]
        lines.append(f"| ledger rows/s (reload) | {a:,.0f} | {b:,.0f} | {_faster(a, b, higher_is_better=True)} |")
        lines.append(f"| memory of the load | loader process {el['reload']['peak_rss_mb']:,.0f} MB RSS | loader "
                     f"{nl['reload']['peak_rss_mb']:,.0f} MB RSS; the transaction "
                     f"{max(nl['first']['tx_heap_peak_mb'], nl['reload']['tx_heap_peak_mb']):,.0f} MB of server "
                     f"heap (peak of samples), server heap in use up to "
                     f"{max(nl['first']['server_heap_peak_mb'], nl['reload']['server_heap_peak_mb']):,.0f} MB | – |")
    else:
        lines.append(f"| load into an empty graph (`partychain load`), s | {el['first']['seconds']:,.1f} | not run: "
                     "one transaction does not fit (bulk path below) | – |")
    b = n.get("bulk")
    if b:
        lines.append(f"| bulk path: `partychain export` + `partychain neo4j import` + first `neo4j start` "
                     f"(constraints), s | – | {b['export_s']:,.1f} + {b['import_s']:,.1f} + {b['start_s']:,.1f} = "
                     f"{b['export_s'] + b['import_s'] + b['start_s']:,.1f} (importer peak RSS "
                     f"{b['importer_peak_rss_mb']:,.0f} MB; its off-heap limit "
                     f"{b.get('import_max_off_heap') or 'default'}) | – |")
        lines.append(f"| store on disk, MB | {el['store_mb']:,.0f} | {b['store_mb']:,.0f} (after the import; "
                     f"transaction logs {b['tx_logs_mb']:,.0f}) | – |")
    eq, nq = e["queries"]["graph"], n["queries"]["graph"]
    for key, what in (("chain", "leadership chains of a household"), ("coverage_village", "coverage of a village"),
                      ("coverage_town", "coverage of a town"), ("coverage_county", "coverage of a county"),
                      ("coverage_province", "coverage of the province"),
                      ("gap_page", "first page of a gap list (county)")):
        a, c = eq.get(key), nq.get(key)
        lines.append(f"| {what}, p50 / p99 ms (n={a['n'] if a else 0}) | {_lat(a)} | {_lat(c)} | "
                     f"{_faster(a and a['p50_ms'], c and c['p50_ms'])} |")
    for key, what in (("chains", "HTTP `GET /households/{id}/chains`"), ("coverage_village",
                                                                        "HTTP `GET /coverage?scope=<village>`")):
        a, c = e["http"][key], n["http"][key]
        lines.append(f"| {what}: requests/s; p99 ms | {a['rps']['median']:,.0f}; {_ms(a['p99_ms']['median'])} | "
                     f"{c['rps']['median']:,.0f}; {_ms(c['p99_ms']['median'])} | "
                     f"{_faster(a['rps']['median'], c['rps']['median'], higher_is_better=True)} |")
    lines.append(f"| server start-up until the first health answer, s | {e['http']['startup_s']:,.1f} | "
                 f"{n['http']['startup_s']:,.1f} | – |")
    lines.append(f"| memory of the query process / server | {e['queries']['peak_rss_mb']:,.0f} MB RSS (engine in "
                 f"process) | client {n['queries']['peak_rss_mb']:,.0f} MB; server peak RSS "
                 f"{n.get('server_peak_rss_mb', 0):,.0f} MB | – |")
    named_e, named_n = e["queries"].get("named", {}), n["queries"].get("named", {})
    if named_e and named_n:
        faster = sorted((k for k in named_e if k in named_n and named_n[k]["p50_ms"] * 1.1 < named_e[k]["p50_ms"]),
                        key=lambda k: named_n[k]["p50_ms"] / named_e[k]["p50_ms"])
        lines += ["", f"Named queries on sample parameters (p50 of {next(iter(named_e.values()))['n']} calls): "
                  f"Neo4j is faster on {len(faster)} of {len(named_e)}"
                  + (f" ({', '.join(f'`{k}`' for k in faster)})" if faster else "") + ".", "",
                  "<details><summary>Every named query, p50 ms, both engines</summary>", "",
                  "| query | embedded | Neo4j |", "| --- | --- | --- |"]
        for k in sorted(named_e, key=lambda k: -named_e[k]["p50_ms"]):
            other = _ms(named_n[k]["p50_ms"]) if k in named_n else "–"
            lines.append(f"| `{k}` | {_ms(named_e[k]['p50_ms'])} | {other} |")
        lines += ["", "</details>"]
    lines += ["", f"The whole run took {r['seconds'] / 60:,.1f} minutes."]
    return "\n".join(lines)


def write(r: dict[str, Any]) -> Path:
    """Replace this scale's engines block in docs/benchmarks.md."""
    begin, end = BEGIN.format(scale=r["scale"]), END.format(scale=r["scale"])
    text = DOC.read_text(encoding="utf-8")
    block = f"{begin}\n{render(r)}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + f"\n\n## Both engines, {r['scale']} scale\n\n{block}\n"
    DOC.write_text(text, encoding="utf-8")
    return DOC


def main(ledger: Path, *, scale: str, work: Path, quick: bool, seconds: float, repeat: int, heap: str,
         pagecache: str, import_memory: str | None, buffer_pool_mb: int, households: list[str],
         villages: list[str], results: Path, doc: bool) -> None:
    started = time.perf_counter()
    r = run(ledger, scale=scale, work=work, quick=quick, seconds=seconds, repeat=repeat, heap=heap,
            pagecache=pagecache, import_memory=import_memory, buffer_pool_mb=buffer_pool_mb, households=households,
            villages=villages)
    r["machine"]["load_average_end"] = machine()["load_average"]
    r["seconds"] = time.perf_counter() - started
    path = save(f"engines-{scale}", r, folder=results)
    print(f"results: {path}")
    if doc:
        print(f"report: {write(r)}")
    print(render(r))
    json.dumps(r, default=str)  # fail here, not later, if something is not serializable
