"""Export the graph as input for ``neo4j-admin database import full``.

A transactional load into Neo4j holds the whole replace in one transaction (see
:mod:`partychain.storage.neo4j`); for a province-scale *first* load, Neo4j's offline
importer is far faster and needs no transaction memory.  :func:`export_neo4j_admin` reads
any :class:`~partychain.storage.GraphStore` (typically the embedded one the ledger was
loaded and checked in) and writes, into one folder:

* ``nodes_<Label>.csv`` per label: ``<key>:ID(<space>)`` (id spaces: ``Division`` for
  county/town/village codes, ``Industry`` for industry codes, ``Ledger`` for every
  ledger-wide id), one typed column per model property (``name:string``, ``size:long``,
  ``scale:double``, ``poor:boolean``, ``as_of:date``, ``roles:string[]``) and ``:LABEL``;
* ``rels_<TYPE>_<From>_<To>.csv`` per relationship endpoint pair: ``:START_ID(<space>)``,
  ``:END_ID(<space>)``, typed properties, ``:TYPE``;
* ``nodes__Dataset.csv``: the manifest node the Neo4j store reads (when the store has one);
* ``constraints.cypher``: the uniqueness constraints to create once the server is up;
* ``import.sh``: the exact ``neo4j-admin database import full`` command line.

Cells are written verbatim: these files are machine input for neo4j-admin, which would
store a spreadsheet-style ``'`` prefix as part of the value.  They are not meant to be
opened in a spreadsheet; a cell starting with ``=``, ``+``, ``-`` or ``@`` could be run
as a formula there.  Every CSV meant for people must pass its text cells through
:func:`spreadsheet_safe`, which makes them inert.  List elements are joined with
``;`` (``--array-delimiter=";"``); an empty list becomes an empty cell, which
neo4j-admin imports as "no property" (queries read it as ``null``, not ``[]``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import shlex
import time
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from partychain import __version__
from partychain.errors import PartychainError
from partychain.graph_model import KEY_SPACES, NODES, RELS, graph_properties_of, neo4j_constraints
from partychain.graph_model.properties import PropertySpec
from partychain.storage.base import GraphStore, Progress

log = logging.getLogger(__name__)

ARRAY_DELIMITER = ";"
DATASET_LABEL = "_Dataset"  # the Neo4j store's manifest node (partychain.storage.neo4j)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, batch_size=65_536)  # strings quoted, "" escaped


def spreadsheet_safe(value: Any) -> Any:
    """A text cell made inert for spreadsheets: a leading ``=``, ``+``, ``-``, ``@``, tab or CR gets ``'``.

    For CSV meant for people only (never for neo4j-admin input). Non-text values pass through.

    >>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> spreadsheet_safe("-5"), spreadsheet_safe(-5), spreadsheet_safe("茶叶")
    ("'-5", -5, '茶叶')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def id_space(label: str) -> str:
    """The neo4j-admin id space of a label's key.

    >>> id_space("Town"), id_space("Industry"), id_space("Household"), id_space("WorkRule")
    ('Division', 'Industry', 'Ledger', 'WorkRule')
    """
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")
    return "".join(part.capitalize() for part in KEY_SPACES[label].split("_"))


def admin_type(spec: PropertySpec) -> str:
    """The neo4j-admin header type of a property (``long``, ``string[]`` ...)."""
    base = spec.scalar.neo4j_admin
    return f"{base}[]" if spec.is_list else base


def node_file(label: str) -> str:
    return f"nodes_{label}.csv"


def relationship_file(rtype: str, from_label: str, to_label: str) -> str:
    return f"rels_{rtype}_{from_label}_{to_label}.csv"


def node_header(label: str) -> list[str]:
    """Header of a label's node file.

    >>> node_header("ReportedFigure")  # doctest: +NORMALIZE_WHITESPACE
    ['id:ID(Ledger)', 'metric:string', 'value:double', 'unit:string', 'qualifiers:string[]',
     'wording:string', 'scope_code:string', 'as_of:date', ':LABEL']
    """
    model = NODES[label]
    cols = []
    for name, spec in graph_properties_of(model).items():
        cols.append(f"{name}:ID({id_space(label)})" if name == model.KEY else f"{name}:{admin_type(spec)}")
    return [*cols, ":LABEL"]


def relationship_header(rtype: str, from_label: str, to_label: str) -> list[str]:
    """Header of one relationship endpoint pair's file.

    >>> relationship_header("DRIVES", "PartyMember", "Household")
    [':START_ID(Ledger)', ':END_ID(Ledger)', 'since:long', ':TYPE']
    """
    rel = RELS[rtype]
    if (from_label, to_label) not in rel.ENDPOINTS:
        raise ValueError(f"{rtype} does not connect {from_label} to {to_label}")
    props = [f"{name}:{admin_type(spec)}" for name, spec in graph_properties_of(rel).items()]
    return [f":START_ID({id_space(from_label)})", f":END_ID({id_space(to_label)})", *props, ":TYPE"]


def text_column(column: pa.Array | pa.ChunkedArray, spec: PropertySpec, *, where: str = "") -> pa.ChunkedArray:
    """A typed column as neo4j-admin reads it for ``spec``'s header type.

    Lists are joined with ``;`` (an empty list becomes an empty cell, i.e. no property) and a
    float NaN becomes an empty cell; everything else stays typed for the CSV writer, which
    writes ``true``/``false``, ISO dates and quoted strings.

    >>> from partychain.graph_model import NODES, properties_of
    >>> roles = properties_of(NODES["PartyMember"])["roles"]
    >>> text_column(pa.array([["lead_goose", "policy_publicist"], [], None]), roles).to_pylist()
    ['lead_goose;policy_publicist', None, None]
    """
    col = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    col = col.cast(spec.arrow_type())
    if spec.is_list:
        col = col.cast(pa.list_(pa.string()))
        flat = pc.list_flatten(col)
        bad = flat.filter(pc.match_substring(flat, ARRAY_DELIMITER))
        if len(bad):
            raise PartychainError(f"{where}: list element {bad[0].as_py()!r} contains the array delimiter "
                                  f"{ARRAY_DELIMITER!r}; it cannot be exported for neo4j-admin")
        joined = pc.binary_join(col, ARRAY_DELIMITER)
        return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)
    if spec.type == "float":
        return pc.if_else(pc.is_nan(col), pa.scalar(None, pa.float64()), col)
    return col


def _csv_line(fields: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue().encode("utf-8")


def _write_rows(fh: BinaryIO, columns: list[pa.ChunkedArray], tag: str) -> int:
    """Append rows (the columns plus the constant ``:LABEL``/``:TYPE`` column ``tag``) to an open file."""
    n = len(columns[0]) if columns else 0
    if n:
        names = [f"c{i}" for i in range(len(columns) + 1)]
        table = pa.table([*columns, pa.repeat(pa.scalar(tag, pa.string()), n)], names=names)
        pa_csv.write_csv(table, fh, _CSV_OPTIONS)
    return n


def export_neo4j_admin(store: GraphStore, out_dir: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write the graph in ``store`` as neo4j-admin import files into ``out_dir``; file name → rows.

    Reads columns, not rows: ``store.iter_node_tables(label)`` and
    ``store.iter_relationship_tables(type)`` hand over Arrow tables (the embedded engine builds
    them itself) and the CSV is written by Arrow's writer, so the export holds at most one
    label's or one relationship endpoint pair's result in memory.

    >>> import tempfile
    >>> from partychain.testing import mini_store
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     counts = export_neo4j_admin(mini_store(), Path(tmp))
    >>> counts["nodes_Village.csv"], counts["rels_LIVES_IN_Household_Village.csv"]
    (4, 5)
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    steps = len(NODES) + len(RELS) + 1
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(what, done, steps)

    node_files: list[str] = []
    for label, model in NODES.items():
        specs = graph_properties_of(model)
        name = node_file(label)
        with open(out_dir / name, "wb") as fh:
            fh.write(_csv_line(node_header(label)))
            n = 0
            for table in store.iter_node_tables(label):
                cols = [text_column(table.column(p), s, where=f"{label}.{p}") for p, s in specs.items()]
                n += _write_rows(fh, cols, label)
        counts[name] = n
        node_files.append(name)
        step(f"nodes {label} ({n:,})")

    rel_files: list[str] = []
    for rtype, rel in RELS.items():
        specs = graph_properties_of(rel)
        handles: dict[tuple[str, str], BinaryIO] = {}
        try:
            for a, b in rel.ENDPOINTS:
                name = relationship_file(rtype, a, b)
                handles[(a, b)] = sink = open(out_dir / name, "wb")  # noqa: SIM115 - closed below
                sink.write(_csv_line(relationship_header(rtype, a, b)))
                counts[name] = 0
                rel_files.append(name)
            for a, b, table in store.iter_relationship_tables(rtype):
                cols = [table.column("start"), table.column("end"),
                        *(text_column(table.column(p), s, where=f"{rtype}.{p}") for p, s in specs.items())]
                counts[relationship_file(rtype, a, b)] += _write_rows(handles[(a, b)], cols, rtype)
        finally:
            for handle in handles.values():
                handle.close()
        step(f"relationships {rtype} ({sum(counts[relationship_file(rtype, a, b)] for a, b in rel.ENDPOINTS):,})")

    info = store.dataset()
    if info is not None:
        manifest = {**info.to_dict(), "engine": "neo4j", "source": f"neo4j-admin import of {info.source}"}
        name = f"nodes_{DATASET_LABEL}.csv"
        with open(out_dir / name, "wb") as fh:
            fh.write(_csv_line(["id:ID(Dataset)", "json:string", "version:string", "loaded_at:string", ":LABEL"]))
            fh.write(_csv_line(["current", json.dumps(manifest, ensure_ascii=False), info.version,
                                   info.loaded_at, DATASET_LABEL]))
        counts[name] = 1
        node_files.append(name)

    (out_dir / "constraints.cypher").write_text(_constraints_script(), encoding="utf-8")
    script = out_dir / "import.sh"
    script.write_text(import_script(node_files, rel_files, dataset=info.version if info else None), encoding="utf-8")
    os.chmod(script, 0o755)
    step("import.sh")

    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    log.info("exported %d rows in %d files to %s in %.2f s (%.0f rows/s)", rows, len(counts), out_dir, seconds,
             rows / seconds if seconds else float("inf"))
    return counts


def _constraints_script() -> str:
    lines = ["// Uniqueness constraints of the partychain model; run once after neo4j-admin import:",
             "//   cypher-shell -u neo4j -f constraints.cypher", *(f"{c};" for c in neo4j_constraints()),
             f"CREATE CONSTRAINT partychain_dataset_id_unique IF NOT EXISTS FOR (n:{DATASET_LABEL}) "
             "REQUIRE n.id IS UNIQUE;", ""]
    return "\n".join(lines)


def import_command(node_files: list[str], rel_files: list[str], *, database: str = "neo4j") -> list[str]:
    """The ``neo4j-admin database import full`` argument list for the exported files.

    >>> import_command(["nodes_County.csv"], ["rels_PART_OF_Town_County.csv"])[:6]
    ['neo4j-admin', 'database', 'import', 'full', 'neo4j', '--overwrite-destination']
    """
    return ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination",
            f"--array-delimiter={ARRAY_DELIMITER}", "--id-type=string", "--multiline-fields=true",
            *(f"--nodes={f}" for f in node_files), *(f"--relationships={f}" for f in rel_files)]


def import_script(node_files: list[str], rel_files: list[str], *, dataset: str | None = None) -> str:
    """``import.sh``: runs the import from the script's folder into a stopped database."""
    rendered = {"DATABASE": '"${1:-neo4j}"',
                f"--array-delimiter={ARRAY_DELIMITER}": f'--array-delimiter="{ARRAY_DELIMITER}"'}
    args = [rendered.get(a) or shlex.quote(a) for a in import_command(node_files, rel_files, database="DATABASE")]
    args[:5] = [" ".join(args[:5])]
    args.insert(1, '--report-file="${TMPDIR:-/tmp}/partychain-import.report"')
    body = " \\\n  ".join(args)
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"""#!/bin/sh
# Generated by partychain {__version__} at {stamp}{f" from dataset {dataset}" if dataset else ""}.
#
# Imports the CSV files beside this script into a Neo4j 5 database with neo4j-admin, REPLACING
# it (--overwrite-destination). The database must be stopped; usage: ./import.sh [DATABASE]
# (default: neo4j). Afterwards start the server and create the constraints:
#   cypher-shell -u neo4j -f constraints.cypher
# With the project's docker-compose.yml: see docs/neo4j.md ("First loads with neo4j-admin").
#
# The CSV cells are verbatim values for neo4j-admin, not for spreadsheets: do not open them in
# one (a cell starting with =, +, - or @ could run as a formula).
set -eu
cd "$(dirname "$0")"
{body}
"""
