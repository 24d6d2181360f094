"""The neo4j-admin CSV writer: a graph as input for ``neo4j-admin database import full``.

A transactional load into Neo4j holds the whole replace in one transaction (see
:mod:`partychain.storage.neo4j`); for a province-scale *first* load, Neo4j's offline importer is far
faster and needs no transaction memory.  :class:`AdminCsvWriter` is the third
:class:`~partychain.storage.writer.GraphWriter`: fed frames per label and per relationship endpoint pair
(a store's bulk reads, :func:`partychain.export.export_neo4j_admin`, or a validated ledger's,
:func:`~partychain.storage.writer.write_ledger`), it writes into one folder:

* ``nodes_<Label>.csv`` per label: ``<key>:ID(<space>)`` (id spaces: ``Division`` for
  county/town/village codes, ``Industry`` for industry codes, ``Ledger`` for every
  ledger-wide id), one typed column per model property (``name:string``, ``size:long``,
  ``scale:double``, ``poor:boolean``, ``as_of:date``, ``roles:string[]``) and ``:LABEL``;
* ``rels_<TYPE>_<From>_<To>.csv`` per relationship endpoint pair: ``:START_ID(<space>)``,
  ``:END_ID(<space>)``, typed properties, ``:TYPE``;
* ``nodes__Dataset.csv``: the manifest node the Neo4j store reads (when there is a manifest);
* ``constraints.cypher``: the uniqueness constraints to create once the server is up;
* ``import.sh``: the exact ``neo4j-admin database import full`` command line.

Every label and endpoint pair of the model gets its file (a header only, when nothing was written).
Cells are written verbatim: these files are machine input for neo4j-admin, which would
store a spreadsheet-style ``'`` prefix as part of the value.  They are not meant to be
opened in a spreadsheet; a cell starting with ``=``, ``+``, ``-`` or ``@`` could be run
as a formula there (CSV meant for people passes its text cells through
:func:`partychain.export.spreadsheet_safe`).  List elements are joined with
``;`` (``--array-delimiter=";"``); an empty list becomes an empty cell, which
neo4j-admin imports as "no property" (queries read it as ``null``, not ``[]``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shlex
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from partychain import __version__
from partychain.errors import PartychainError
from partychain.graph_model import KEY_SPACES, NODES, RELS, graph_properties_of, neo4j_constraints
from partychain.graph_model.properties import PropertySpec

from .base import DatasetInfo
from .neo4j import DATASET_CONSTRAINT, DATASET_LABEL
from .writer import Frame, as_table

ARRAY_DELIMITER = ";"
_CSV_OPTIONS = pa_csv.WriteOptions(include_header=False, batch_size=65_536)  # strings quoted, "" escaped


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


class AdminCsvWriter:
    """The neo4j-admin CSV :class:`~partychain.storage.writer.GraphWriter`: one file per label and per
    relationship endpoint pair in ``out_dir``, then (:meth:`end`) the manifest node of ``dataset`` (if any),
    ``constraints.cypher`` and ``import.sh``.  ``counts`` holds the rows per file, in model order.

    Columns are written by Arrow's CSV writer, a frame at a time: the writer holds no more than the frame
    it is given.

    >>> import tempfile
    >>> from partychain.storage.writer import write_ledger
    >>> from partychain.loaders import check_ledger
    >>> from partychain.testing import mini_ledger_path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     writer = AdminCsvWriter(Path(tmp))
    ...     _ = write_ledger(writer, check_ledger(mini_ledger_path()))
    >>> writer.counts["nodes_Village.csv"], writer.counts["rels_LIVES_IN_Household_Village.csv"]
    (4, 5)
    """

    def __init__(self, out_dir: Path, *, dataset: DatasetInfo | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.dataset = dataset
        self.counts: dict[str, int] = {}
        self._files: dict[str, BinaryIO] = {}

    def _sink(self, name: str, header: list[str]) -> BinaryIO:
        """The open file ``name``, created with its header on first use."""
        sink = self._files.get(name)
        if sink is None:
            self._files[name] = sink = open(self.out_dir / name, "wb")  # noqa: SIM115 - closed by end()
            sink.write(_csv_line(header))
            self.counts[name] = 0
        return sink

    def begin(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)

    def nodes(self, label: str, frame: Frame) -> int:
        specs = graph_properties_of(NODES[label])
        sink = self._sink(node_file(label), node_header(label))
        table = as_table(frame, specs)
        cols = [text_column(table.column(p), s, where=f"{label}.{p}") for p, s in specs.items()]
        n = _write_rows(sink, cols, label)
        self.counts[node_file(label)] += n
        return n

    def relationships(self, rtype: str, from_label: str, to_label: str, frame: Frame) -> int:
        specs = graph_properties_of(RELS[rtype])
        name = relationship_file(rtype, from_label, to_label)
        sink = self._sink(name, relationship_header(rtype, from_label, to_label))
        table = as_table(frame, specs, endpoints=True)
        cols = [table.column("from"), table.column("to"),
                *(text_column(table.column(p), s, where=f"{rtype}.{p}") for p, s in specs.items())]
        n = _write_rows(sink, cols, rtype)
        self.counts[name] += n
        return n

    def end(self) -> None:
        try:
            node_files = [node_file(label) for label in NODES]
            rel_files = [relationship_file(t, a, b) for t, rel in RELS.items() for a, b in rel.ENDPOINTS]
            for label in NODES:  # every file, a header only where nothing was written
                self._sink(node_file(label), node_header(label))
            for rtype, rel in RELS.items():
                for a, b in rel.ENDPOINTS:
                    self._sink(relationship_file(rtype, a, b), relationship_header(rtype, a, b))
        finally:
            for sink in self._files.values():
                sink.close()
            self._files.clear()
        info = self.dataset
        if info is not None:
            manifest = {**info.to_dict(), "engine": "neo4j", "source": f"neo4j-admin import of {info.source}"}
            name = f"nodes_{DATASET_LABEL}.csv"
            with open(self.out_dir / name, "wb") as fh:
                fh.write(_csv_line(["id:ID(Dataset)", "json:string", "version:string", "loaded_at:string", ":LABEL"]))
                fh.write(_csv_line(["current", json.dumps(manifest, ensure_ascii=False), info.version,
                                    info.loaded_at, DATASET_LABEL]))
            self.counts[name] = 1
            node_files.append(name)
        self.counts = {name: self.counts[name] for name in [*node_files[:len(NODES)], *rel_files,
                                                           *node_files[len(NODES):]]}
        (self.out_dir / "constraints.cypher").write_text(_constraints_script(), encoding="utf-8")
        script = self.out_dir / "import.sh"
        script.write_text(import_script(node_files, rel_files, dataset=info.version if info else None),
                          encoding="utf-8")
        os.chmod(script, 0o755)


def _constraints_script() -> str:
    lines = ["// Uniqueness constraints of the partychain model; run once after neo4j-admin import:",
             "//   cypher-shell -u neo4j -f constraints.cypher", *(f"{c};" for c in neo4j_constraints()),
             f"{DATASET_CONSTRAINT};", ""]
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
