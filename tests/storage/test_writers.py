"""The graph writers: one ledger, fed to each writer as the same frames, stores the same graph.

The embedded store's ``COPY`` and Neo4j's ``UNWIND`` are compared on real engines in tests/neo4j
(test_parity.py); here the neo4j-admin CSV writer, fed a validated ledger directly, must write what
the export of that ledger's loaded graph writes, and the writers' frame conversion must agree for
pandas frames and for a store's Arrow reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from partychain.export import copy_graph, export_neo4j_admin
from partychain.graph_model import NODES, RELS, graph_properties_of
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore
from partychain.storage.neo4j import node_rows, relationship_rows
from partychain.storage.neo4j_admin import AdminCsvWriter
from partychain.storage.writer import as_table, write_ledger
from partychain.testing import mini_ledger_path


def _rows(folder: Path) -> dict[str, tuple[str, list[str]]]:
    """Each CSV file's header and its rows in sorted order (the export's relationship order is the engine's)."""
    out = {}
    for f in sorted(folder.glob("*.csv")):
        header, *rows = f.read_text(encoding="utf-8").splitlines()
        out[f.name] = (header, sorted(rows))
    return out


def test_the_csv_writer_fed_a_ledger_writes_what_the_export_of_its_graph_writes(
        tmp_path: Path, mini_graph: EmbeddedStore) -> None:
    ledger = check_ledger(mini_ledger_path())
    writer = AdminCsvWriter(tmp_path / "from-ledger")
    nodes, rels = write_ledger(writer, ledger)
    counts = export_neo4j_admin(mini_graph, tmp_path / "from-store")

    from_ledger, from_store = _rows(tmp_path / "from-ledger"), _rows(tmp_path / "from-store")
    assert set(from_store) - set(from_ledger) == {"nodes__Dataset.csv"}  # the writer was given no manifest
    assert {k: v for k, v in from_store.items() if k != "nodes__Dataset.csv"} == from_ledger
    assert sum(writer.counts.values()) == sum(nodes.values()) + sum(rels.values()) > 0
    assert {k: v for k, v in counts.items() if k != "nodes__Dataset.csv"} == writer.counts
    assert list(writer.counts) == [k for k in counts if k != "nodes__Dataset.csv"]  # model order, every file
    assert (tmp_path / "from-ledger" / "import.sh").exists()


def test_copying_a_store_into_a_writer_writes_every_row_once(tmp_path: Path, mini_graph: EmbeddedStore) -> None:
    class Counting:
        def __init__(self) -> None:
            self.calls: list[str] = []
            self.rows: dict[str, int] = {}

        def begin(self) -> None:
            self.calls.append("begin")

        def nodes(self, label: str, frame: Any) -> int:
            self.rows[label] = self.rows.get(label, 0) + frame.num_rows
            return int(frame.num_rows)

        def relationships(self, rtype: str, from_label: str, to_label: str, frame: Any) -> int:
            assert (from_label, to_label) in RELS[rtype].ENDPOINTS
            self.rows[rtype] = self.rows.get(rtype, 0) + frame.num_rows
            return int(frame.num_rows)

        def end(self) -> None:
            self.calls.append("end")

    writer = Counting()
    total = copy_graph(mini_graph, writer)
    nodes, rels = mini_graph.counts()
    assert writer.calls == ["begin", "end"]
    assert {k: v for k, v in writer.rows.items() if k in NODES} == {k: v for k, v in nodes.items() if v}
    assert {k: v for k, v in writer.rows.items() if k in RELS} == {k: v for k, v in rels.items() if v}
    assert total == sum(nodes.values()) + sum(rels.values())


@pytest.mark.parametrize("kind", ["nodes", "relationships"])
def test_a_ledger_frame_and_the_stores_read_of_it_convert_alike(kind: str, mini_graph: EmbeddedStore) -> None:
    ledger = check_ledger(mini_ledger_path())
    if kind == "nodes":
        for label, frame in ledger.nodes.items():
            specs = graph_properties_of(NODES[label])
            read = pa.concat_tables(mini_graph.iter_node_tables(label))
            key = NODES[label].KEY
            mine = as_table(frame, specs).sort_by(key)
            assert mine.equals(as_table(read, specs).sort_by(key)), label
            assert node_rows(frame, label) == node_rows(as_table(frame, specs), label), label
    else:
        for (rtype, a, b), frame in ledger.rels.items():
            specs = graph_properties_of(RELS[rtype])
            read = [t for x, y, t in mini_graph.iter_relationship_tables(rtype) if (x, y) == (a, b)]
            order = [("from", "ascending"), ("to", "ascending")]
            mine = as_table(frame, specs, endpoints=True)
            assert mine.column_names[:2] == ["from", "to"]
            stored = as_table(pa.concat_tables(read), specs, endpoints=True)
            assert mine.sort_by(order).select(["from", "to"]).equals(stored.sort_by(order).select(["from", "to"]))
            assert relationship_rows(frame, rtype, a, b) == relationship_rows(mine, rtype, a, b), rtype
