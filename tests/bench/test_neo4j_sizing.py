"""``bench.neo4j_sizing`` counts what an export holds and prices it in Neo4j record sizes."""

from __future__ import annotations

from pathlib import Path

from bench.neo4j_sizing import INDEX_ENTRY_B, NODE_B, REL_B, measure
from partychain.export import export_neo4j_admin
from partychain.storage.embedded import EmbeddedStore


def test_sizing_counts_the_exported_rows(mini_graph: EmbeddedStore, tmp_path: Path) -> None:
    counts = export_neo4j_admin(mini_graph, tmp_path)
    m = measure(tmp_path)
    nodes = sum(n for f, n in counts.items() if f.startswith("nodes_"))
    rels = sum(n for f, n in counts.items() if f.startswith("rels_"))
    assert (m["nodes"], m["relationships"]) == (nodes, rels)
    assert m["node_store"] == nodes * NODE_B and m["rel_store"] == rels * REL_B and m["index"] == nodes * INDEX_ENTRY_B
    assert m["property_store"] > 0 and m["string_store"] > 0  # Chinese names do not fit inline
