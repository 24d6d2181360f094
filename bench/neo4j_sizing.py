"""Estimate a Neo4j store's size from a ``partychain export --format neo4j-admin`` folder.

    python -m bench.neo4j_sizing EXPORT_DIR [--scale 34.5]

Counts rows and the properties set per row in every ``nodes_*.csv`` and ``rels_*.csv`` file,
then applies the record sizes of Neo4j's record store format: node 15 bytes, relationship 34
bytes, property record 41 bytes per four property blocks, a 128-byte dynamic string record for
each string that does not fit inline (counted for non-ASCII strings and strings over 15
characters), and about 40 bytes of range-index entry per node key. ``--scale`` multiplies the
counts (34.5: Guizhou's 17,964 villages to China's ~620,000). The assumptions are stated in
docs/scaling.md.
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

NODE_B, REL_B, PROP_RECORD_B, STRING_RECORD_B, INDEX_ENTRY_B = 15, 34, 41, 128, 40


def _inline(value: str) -> bool:
    return value.isascii() and len(value) <= 15


def measure(folder: Path) -> dict[str, float]:
    """Rows and estimated bytes of the store files for one export folder."""
    out = {"nodes": 0.0, "relationships": 0.0, "node_store": 0.0, "rel_store": 0.0, "property_store": 0.0,
           "string_store": 0.0, "index": 0.0}
    for path in sorted(folder.glob("*.csv")):
        is_node = path.name.startswith("nodes_")
        with open(path, encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows)
            props = [i for i, h in enumerate(header) if not h.startswith(":") and ":START_ID" not in h
                     and ":END_ID" not in h and ":ID" not in h]
            for row in rows:
                values = [row[i] for i in props if row[i] != ""]
                out["property_store"] += math.ceil(len(values) / 4) * PROP_RECORD_B
                out["string_store"] += sum(STRING_RECORD_B for v in values if not _inline(v))
                if is_node:
                    out["nodes"] += 1
                    out["node_store"] += NODE_B
                    out["index"] += INDEX_ENTRY_B
                else:
                    out["relationships"] += 1
                    out["rel_store"] += REL_B
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.neo4j_sizing", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--scale", type=float, default=34.5, help="multiply the counts by this (default 34.5)")
    args = ap.parse_args(argv)
    m = measure(args.folder)
    gb = 1e9
    total = sum(v for k, v in m.items() if k not in ("nodes", "relationships"))
    print(f"| store part | export | × {args.scale:g} |")
    print("| --- | --- | --- |")
    print(f"| nodes | {m['nodes']:,.0f} | {m['nodes'] * args.scale:,.0f} |")
    print(f"| relationships | {m['relationships']:,.0f} | {m['relationships'] * args.scale:,.0f} |")
    for k in ("node_store", "rel_store", "property_store", "string_store", "index"):
        print(f"| {k.replace('_', ' ')} | {m[k] / gb:,.2f} GB | {m[k] * args.scale / gb:,.1f} GB |")
    print(f"| **total** | **{total / gb:,.2f} GB** | **{total * args.scale / gb:,.1f} GB** |")


if __name__ == "__main__":
    main()
