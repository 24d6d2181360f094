"""Export a loaded graph: copy it from any store into a writer, e.g. as input for ``neo4j-admin database import``.

:func:`export_neo4j_admin` reads a :class:`~partychain.storage.GraphStore` (typically the embedded one the
ledger was loaded and checked in) label by label and relationship endpoint pair by endpoint pair, as Arrow
tables, and feeds them to the neo4j-admin CSV writer,
:class:`~partychain.storage.neo4j_admin.AdminCsvWriter` (the files it writes are described there).
:func:`spreadsheet_safe` makes text cells of CSV meant for people inert.

This is its own layer above storage: it needs a store to read and a writer to feed, and no store needs it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from partychain.graph_model import NODES, RELS
from partychain.storage.base import GraphStore, Progress
from partychain.storage.neo4j_admin import (
    ARRAY_DELIMITER,
    AdminCsvWriter,
    admin_type,
    id_space,
    import_command,
    import_script,
    node_file,
    node_header,
    relationship_file,
    relationship_header,
    text_column,
)
from partychain.storage.writer import GraphWriter

__all__ = ["ARRAY_DELIMITER", "FORMULA_PREFIXES", "admin_type", "copy_graph", "export_neo4j_admin", "id_space",
           "import_command", "import_script", "node_file", "node_header", "relationship_file", "relationship_header",
           "spreadsheet_safe", "text_column"]

log = logging.getLogger(__name__)

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


def copy_graph(store: GraphStore, writer: GraphWriter, *, step: Any = None) -> int:
    """Feed the whole graph in ``store`` to ``writer``: every label's nodes (in key order), then every
    relationship type's endpoint pairs, as Arrow tables (:meth:`GraphStore.iter_node_tables`,
    :meth:`GraphStore.iter_relationship_tables`); ``step(what)`` after each label and type.  Returns the rows.

    The store hands over columns (the embedded engine builds them itself), so at most one label's or one
    endpoint pair's result is in memory.
    """
    rows = 0
    writer.begin()
    for label in NODES:
        n = sum(writer.nodes(label, table) for table in store.iter_node_tables(label))
        rows += n
        if step:
            step(f"nodes {label} ({n:,})")
    for rtype in RELS:
        n = sum(writer.relationships(rtype, a, b, table) for a, b, table in store.iter_relationship_tables(rtype))
        rows += n
        if step:
            step(f"relationships {rtype} ({n:,})")
    writer.end()
    return rows


def export_neo4j_admin(store: GraphStore, out_dir: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write the graph in ``store`` as neo4j-admin import files into ``out_dir``; file name → rows.

    >>> import tempfile
    >>> from partychain.testing import mini_store
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     counts = export_neo4j_admin(mini_store(), Path(tmp))
    >>> counts["nodes_Village.csv"], counts["rels_LIVES_IN_Household_Village.csv"]
    (4, 5)
    """
    started = time.perf_counter()
    steps = len(NODES) + len(RELS) + 1
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(what, done, steps)

    writer = AdminCsvWriter(Path(out_dir), dataset=store.dataset())
    copy_graph(store, writer, step=step)
    step("import.sh")
    counts = writer.counts
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    log.info("exported %d rows in %d files to %s in %.2f s (%.0f rows/s)", rows, len(counts), out_dir, seconds,
             rows / seconds if seconds else float("inf"))
    return counts
