"""Load benchmark: validated ledger → graph, beside the engine's raw COPY and a row-at-a-time MERGE loader.

* **validated load**: ``read_ledger`` + ``validate_ledger`` + ``EmbeddedStore.load`` (COPY from
  Arrow into a fresh database, then the atomic swap), graph rows/s, with the wall and CPU
  seconds of each phase and the peak memory of the process doing it.
* **raw COPY (the ceiling)**: the very node and relationship rows of the validated load, saved
  as Arrow IPC files after it and memory-mapped back, COPY'd into a fresh database the way
  the store does it (one transaction, same engine settings) with no reading, no validation
  and no swap; its peak memory is that of the COPY alone.
* **row-at-a-time MERGE (the common approach)**: one parameterised ``MERGE`` per household,
  per member and per DRIVES relationship of a slice of the ledger, reported as rows/s.

Every measurement runs in a fresh process (:func:`bench.common.in_child`).
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import in_child, summary


class _Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        w, c = time.perf_counter(), time.process_time()
        out = (w - self.wall, c - self.cpu)
        self.wall, self.cpu = w, c
        return out


class _Derivation(logging.Handler):
    """Catches the seconds the load spent deriving the version's index (``partychain.storage.derived`` logs them)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "derive_seconds"):
            self.seconds.append(float(record.derive_seconds))


def _validated_load(ledger_dir: str, db_dir: str, dump_dir: str | None) -> dict[str, Any]:
    from partychain.loaders import read_ledger, validate_ledger
    from partychain.storage.embedded import EmbeddedStore

    derivation = _Derivation()
    derived_log = logging.getLogger("partychain.storage.derived")
    derived_log.addHandler(derivation)
    derived_log.setLevel(logging.INFO)
    clock = _Clock()
    raw = read_ledger(Path(ledger_dir))
    rows_in = sum(raw.rows_in.values())
    read_s, read_cpu = clock.lap()
    ledger = validate_ledger(raw)
    del raw  # what a loader keeps from here on is the validated frames
    validate_s, validate_cpu = clock.lap()
    info = EmbeddedStore(Path(db_dir)).load(ledger, source=ledger_dir)
    write_s, write_cpu = clock.lap()
    if dump_dir:
        _dump(ledger, Path(dump_dir))
    return {"rows_in": rows_in, "nodes": sum(info.nodes.values()), "relationships": sum(info.relationships.values()),
            "read_s": read_s, "validate_s": validate_s, "write_s": write_s,
            "read_cpu_s": read_cpu, "validate_cpu_s": validate_cpu, "write_cpu_s": write_cpu,
            "derive_s": sum(derivation.seconds), "version": info.version}


def _dump(ledger: Any, out: Path) -> None:
    """The Arrow tables the store COPY'd, as IPC files (for the raw COPY of the same rows)."""
    from partychain.graph_model import NODES, RELS, graph_properties_of
    from partychain.storage.embedded import _arrow_table

    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, list[Any]] = {"nodes": [], "rels": []}
    for i, (label, frame) in enumerate(ledger.nodes.items()):
        _write_ipc(out / f"n{i}.arrow", _arrow_table(frame, graph_properties_of(NODES[label])))
        manifest["nodes"].append([label, f"n{i}.arrow"])
    for i, ((rtype, a, b), frame) in enumerate(ledger.rels.items()):
        _write_ipc(out / f"r{i}.arrow", _arrow_table(frame, graph_properties_of(RELS[rtype]), endpoints=True))
        manifest["rels"].append([rtype, a, b, f"r{i}.arrow"])
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _write_ipc(path: Path, table: Any) -> None:
    import pyarrow as pa

    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _raw_copy(dump_dir: str, db_dir: str) -> dict[str, Any]:
    import ladybug
    import pyarrow as pa

    from partychain.graph_model import ladybug_ddl
    from partychain.storage.embedded import EmbeddedStore, _Batches

    src = Path(dump_dir)
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))

    def table(name: str) -> Any:
        return pa.ipc.open_file(pa.memory_map(str(src / name))).read_all()

    Path(db_dir).mkdir(parents=True)
    store = EmbeddedStore(Path(db_dir))
    clock = _Clock()
    db = ladybug.Database(str(Path(db_dir) / "raw.lbdb"), max_num_threads=store.threads)
    conn = ladybug.Connection(db)
    batch = _Batches(conn)  # the store's transactions, so that only reading and validating differ
    batch.before(0)
    for stmt in ladybug_ddl():
        conn.execute(stmt)
    rows = 0
    for label, name in manifest["nodes"]:
        t = table(name)
        rows += t.num_rows
        batch.before(t.num_rows)
        conn.execute(f"COPY {label} FROM $rows", {"rows": t})
    for rtype, a, b, name in manifest["rels"]:
        t = table(name)
        rows += t.num_rows
        batch.before(t.num_rows)
        conn.execute(f"COPY {rtype} FROM $rows (from='{a}', to='{b}')", {"rows": t})
    batch.commit()
    conn.execute("CHECKPOINT")
    conn.close()
    db.close()
    copy_s, copy_cpu = clock.lap()
    return {"rows": rows, "copy_s": copy_s, "copy_cpu_s": copy_cpu,
            "db_bytes": sum(f.stat().st_size for f in Path(db_dir).rglob("*") if f.is_file())}


def _merge_slice(ledger_dir: str, db_dir: str, n: int) -> dict[str, Any]:
    """Row-at-a-time MERGE of the first ``n`` households, the DRIVES rows reaching them and their members."""
    import ladybug
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    from partychain.graph_model import ladybug_ddl

    def read(name: str, cols: list[str]) -> Any:
        return pa_csv.read_csv(Path(ledger_dir) / f"{name}.csv", convert_options=pa_csv.ConvertOptions(
            include_columns=cols, column_types=dict.fromkeys(cols, pa.string()), strings_can_be_null=False))

    hh = read("households", ["id", "poor", "size"]).slice(0, n)
    drives = read("member_households", ["member_id", "household_id"])
    drives = drives.filter(pc.is_in(drives.column("household_id"), value_set=hh.column("id"))).slice(0, n)
    members = read("members", ["id", "gender"])
    members = members.filter(pc.is_in(members.column("id"), value_set=drives.column("member_id")))
    Path(db_dir).mkdir(parents=True)
    db = ladybug.Database(str(Path(db_dir) / "merge.lbdb"))
    conn = ladybug.Connection(db)
    for stmt in ladybug_ddl():
        conn.execute(stmt)
    t = time.perf_counter()
    rows = 0
    for r in hh.to_pylist():
        conn.execute("MERGE (h:Household {id: $id}) SET h.size = $size, h.poor = $poor",
                     {"id": r["id"], "size": int(r["size"]) if r["size"] else None, "poor": r["poor"] == "true"})
        rows += 1
    for r in members.to_pylist():
        conn.execute("MERGE (m:PartyMember {id: $id}) SET m.gender = $g", {"id": r["id"], "g": r["gender"] or None})
        rows += 1
    for r in drives.to_pylist():
        conn.execute("MATCH (m:PartyMember {id: $a}) MATCH (h:Household {id: $b}) MERGE (m)-[:DRIVES]->(h)",
                     {"a": r["member_id"], "b": r["household_id"]})
        rows += 1
    secs = time.perf_counter() - t
    conn.close()
    db.close()
    return {"rows": rows, "seconds": secs}


def _derive_share(r: dict[str, Any]) -> float:
    """What deriving the index adds to the validated build without it (read + validate + write - derive)."""
    return float(r["derive_s"] / (r["read_s"] + r["validate_s"] + r["write_s"] - r["derive_s"]))


def run(ledger_dir: Path, *, repeat: int = 3, merge_rows: int = 2000, keep_db: Path | None = None,
        work: Path | None = None) -> dict[str, Any]:
    """Measure the three loaders on ``ledger_dir``; each repetition in a fresh process.

    ``keep_db``: keep the graph of the last validated load there (for the query and API benchmarks).
    """
    work = Path(tempfile.mkdtemp(prefix="partychain-bench-load-", dir=work))
    try:
        validated, raw = [], []
        for i in range(repeat):
            last = i == repeat - 1
            db = keep_db if (last and keep_db is not None) else work / f"v{i}"
            if db.exists():
                shutil.rmtree(db)
            dump = work / "arrow" if i == 0 else None
            validated.append(in_child(_validated_load, str(ledger_dir), str(db), str(dump) if dump else None))
            raw.append(in_child(_raw_copy, str(work / "arrow"), str(work / f"r{i}")))
            shutil.rmtree(work / f"r{i}", ignore_errors=True)
            if db != keep_db:
                shutil.rmtree(db, ignore_errors=True)
        m = in_child(_merge_slice, str(ledger_dir), str(work / "m"), merge_rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first = validated[0]["result"]
    rows_in = first["rows_in"]
    graph_rows = first["nodes"] + first["relationships"]
    v_secs = [x["seconds"] for x in validated]
    copy_secs = [x["result"]["copy_s"] for x in raw]
    phases = ("read_s", "validate_s", "write_s", "read_cpu_s", "validate_cpu_s", "write_cpu_s")
    return {
        "ledger": str(ledger_dir), "rows_in": rows_in, "graph_rows": graph_rows, "nodes": first["nodes"],
        "relationships": first["relationships"],
        "validated_load": {"seconds": summary(v_secs),
                           "rows_per_s": summary([graph_rows / s for s in v_secs]),
                           "phases_s": {k: summary([x["result"][k] for x in validated]) for k in phases},
                           # the derived index (issue 15), inside write_s: what it adds to the build without it
                           "derive_s": summary([x["result"]["derive_s"] for x in validated]),
                           "derive_share": summary([_derive_share(x["result"]) for x in validated]),
                           "peak_rss_mb": summary([x["peak_rss_mb"] for x in validated])},
        "raw_copy": {"seconds": summary(copy_secs), "rows_per_s": summary([graph_rows / s for s in copy_secs]),
                     "cpu_s": summary([x["result"]["copy_cpu_s"] for x in raw]),
                     "peak_rss_mb": summary([x["peak_rss_mb"] for x in raw]),
                     "db_bytes": raw[-1]["result"]["db_bytes"]},
        "row_merge": {"rows": m["result"]["rows"], "seconds": m["result"]["seconds"],
                      "rows_per_s": m["result"]["rows"] / m["result"]["seconds"],
                      "peak_rss_mb": m["peak_rss_mb"]},
    }
