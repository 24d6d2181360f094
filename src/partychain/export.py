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
import json
import logging
import math
import os
import shlex
import time
from pathlib import Path
from typing import Any

from partychain import __version__
from partychain.errors import PartychainError
from partychain.graph_model import NODES, RELS, neo4j_constraints, properties_of
from partychain.graph_model.properties import PropertySpec
from partychain.storage.base import GraphStore, Progress

log = logging.getLogger(__name__)

ARRAY_DELIMITER = ";"
ID_SPACES: dict[str, str] = {"County": "Division", "Town": "Division", "Village": "Division",
                             "Industry": "Industry"}
DEFAULT_ID_SPACE = "Ledger"
ADMIN_TYPES = {"string": "string", "int": "long", "float": "double", "bool": "boolean", "date": "date"}
DATASET_LABEL = "_Dataset"  # the Neo4j store's manifest node (partychain.storage.neo4j)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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

    >>> id_space("Town"), id_space("Industry"), id_space("Household")
    ('Division', 'Industry', 'Ledger')
    """
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")
    return ID_SPACES.get(label, DEFAULT_ID_SPACE)


def admin_type(spec: PropertySpec) -> str:
    """The neo4j-admin header type of a property (``long``, ``string[]`` ...)."""
    base = ADMIN_TYPES[spec.type]
    return f"{base}[]" if spec.is_list else base


def node_file(label: str) -> str:
    return f"nodes_{label}.csv"


def relationship_file(rtype: str, from_label: str, to_label: str) -> str:
    return f"rels_{rtype}_{from_label}_{to_label}.csv"


def node_header(label: str) -> list[str]:
    """Header of a label's node file.

    >>> node_header("ReportedFigure")
    ['id:ID(Ledger)', 'metric:string', 'value:double', 'unit:string', 'scope_code:string', 'as_of:date', ':LABEL']
    """
    model = NODES[label]
    cols = []
    for name, spec in properties_of(model).items():
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
    props = [f"{name}:{admin_type(spec)}" for name, spec in properties_of(rel).items()]
    return [f":START_ID({id_space(from_label)})", f":END_ID({id_space(to_label)})", *props, ":TYPE"]


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def format_cell(v: Any, spec: PropertySpec | None = None, *, where: str = "") -> str:
    """A value as neo4j-admin reads it for the column's type (``None`` → empty → no property).

    >>> from partychain.graph_model import NODES, properties_of
    >>> format_cell(["lead_goose", "policy_publicist"], properties_of(NODES["PartyMember"])["roles"])
    'lead_goose;policy_publicist'
    >>> format_cell(True), format_cell(800.0), format_cell(None)
    ('true', '800.0', '')
    """
    if spec is not None and spec.is_list:
        if v is None:
            return ""
        parts = [_scalar(x) for x in v]
        bad = [p for p in parts if ARRAY_DELIMITER in p]
        if bad:
            raise PartychainError(f"{where}: list element {bad[0]!r} contains the array delimiter "
                                  f"{ARRAY_DELIMITER!r}; it cannot be exported for neo4j-admin")
        return ARRAY_DELIMITER.join(parts)
    return _scalar(v)


def _writer(path: Path) -> tuple[Any, Any]:
    fh = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the caller
    return fh, csv.writer(fh, lineterminator="\n")


def export_neo4j_admin(store: GraphStore, out_dir: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write the graph in ``store`` as neo4j-admin import files into ``out_dir``; file name → rows.

    Reads with ``store.iter_nodes(label)`` and ``store.iter_relationships(type)``, one row
    at a time, so the export holds at most one relationship type in memory.

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
        specs = list(properties_of(model).values())
        name = node_file(label)
        fh, w = _writer(out_dir / name)
        with fh:
            w.writerow(node_header(label))
            n = 0
            for row in store.iter_nodes(label):
                w.writerow([*(format_cell(v, s, where=f"{label}.{s.name}") for v, s in zip(row, specs, strict=True)),
                            label])
                n += 1
        counts[name] = n
        node_files.append(name)
        step(f"nodes {label}")

    rel_files: list[str] = []
    for rtype, rel in RELS.items():
        specs = list(properties_of(rel).values())
        handles: dict[tuple[str, str], tuple[Any, Any]] = {}
        try:
            for a, b in rel.ENDPOINTS:
                name = relationship_file(rtype, a, b)
                fh, w = handles[(a, b)] = _writer(out_dir / name)
                w.writerow(relationship_header(rtype, a, b))
                counts[name] = 0
                rel_files.append(name)
            for a, ka, b, kb, *props in store.iter_relationships(rtype):
                name = relationship_file(rtype, a, b)
                handles[(a, b)][1].writerow(
                    [format_cell(ka), format_cell(kb),
                     *(format_cell(v, s, where=f"{rtype}.{s.name}") for v, s in zip(props, specs, strict=True)),
                     rtype])
                counts[name] += 1
        finally:
            for fh, _ in handles.values():
                fh.close()
        step(f"relationships {rtype}")

    info = store.dataset()
    if info is not None:
        manifest = {**info.to_dict(), "engine": "neo4j", "source": f"neo4j-admin import of {info.source}"}
        name = f"nodes_{DATASET_LABEL}.csv"
        fh, w = _writer(out_dir / name)
        with fh:
            w.writerow(["id:ID(Dataset)", "json:string", "version:string", "loaded_at:string", ":LABEL"])
            w.writerow(["current", json.dumps(manifest, ensure_ascii=False), info.version, info.loaded_at,
                        DATASET_LABEL])
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
