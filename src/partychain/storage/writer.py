"""One way to write a graph: the :class:`GraphWriter` protocol, fed per label and per relationship endpoint pair.

A graph travels as *frames*: one per node label (a column per graph property of the label's model) and
one per relationship endpoint pair (``from`` and ``to``, the endpoints' keys, then the relationship's
properties).  A frame is a pandas ``DataFrame`` (what :mod:`partychain.loaders` validates into a
:class:`~partychain.graph_model.frames.ValidatedLedger`) or an Arrow table (what a store reads back,
:meth:`~partychain.storage.base.GraphStore.iter_node_tables`); :func:`as_table` makes either the Arrow
table of the model's types that the writers take apart.

The writers:

- :class:`~partychain.storage.embedded.CopyWriter`: the embedded engine's bulk ``COPY`` from Arrow into a
  new database;
- :class:`~partychain.storage.neo4j.UnwindWriter`: Neo4j's batched ``UNWIND`` inside the load's one
  transaction, updating the graph there in place;
- :class:`~partychain.storage.neo4j_admin.AdminCsvWriter`: the ``neo4j-admin database import`` CSV files.

A writer is used once: :meth:`GraphWriter.begin`, then any number of :meth:`GraphWriter.nodes` and
:meth:`GraphWriter.relationships` calls (all nodes before the relationships that need them; a label or an
endpoint pair may come in several parts), then :meth:`GraphWriter.end`.  :func:`write_ledger` drives a
writer through a validated ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeAlias

import pandas as pd
import pyarrow as pa

from partychain.graph_model.frames import ValidatedLedger, arrow_table
from partychain.graph_model.properties import PropertySpec

Frame: TypeAlias = pd.DataFrame | pa.Table
"""A node or relationship frame: pandas (a validated ledger's) or Arrow (a store's bulk read)."""

Step = Callable[[str], None]
"""Called once a label or an endpoint pair is written, with what was written (progress)."""

ENDPOINT_COLUMNS = ("from", "to")
_STORE_ENDPOINTS = {"start": "from", "end": "to"}  # the bulk reads' column names (base.relationship_query)


class GraphWriter(Protocol):
    """Writes one graph, given as frames per label and per relationship endpoint pair."""

    def begin(self) -> None:
        """Get ready to write (schema, files, the previous graph's keys)."""

    def nodes(self, label: str, frame: Frame) -> int:
        """Write nodes of ``label`` (one frame, or one part of the label's frame); returns how many."""

    def relationships(self, rtype: str, from_label: str, to_label: str, frame: Frame) -> int:
        """Write relationships of ``rtype`` from ``from_label`` to ``to_label`` nodes; returns how many."""

    def end(self) -> None:
        """Finish: make everything written durable in the writer's target (not yet visible to readers of a
        store: the store's load does that)."""


def as_table(frame: Frame, specs: dict[str, PropertySpec], *, endpoints: bool = False) -> pa.Table:
    """A frame as an Arrow table of the properties ``specs`` (a model's :func:`graph_properties_of`) with their
    types, in model order (``from``/``to`` first with ``endpoints``); a property the frame lacks is a null column.

    Pandas frames convert as :func:`~partychain.graph_model.frames.arrow_table` converts them (Arrow-backed
    columns without copying); an Arrow table's columns are cast, its ``start``/``end`` (a store's bulk read)
    named ``from``/``to``.

    >>> from partychain.graph_model import RELS, graph_properties_of
    >>> t = as_table(pa.table({"start": ["a"], "end": ["b"], "since": [2019]}),
    ...              graph_properties_of(RELS["DRIVES"]), endpoints=True)
    >>> t.column_names, t.schema.field("since").type
    (['from', 'to', 'since'], DataType(int64))
    """
    if isinstance(frame, pd.DataFrame):
        return arrow_table(frame, specs, endpoints=endpoints)
    names = [_STORE_ENDPOINTS.get(n, n) for n in frame.column_names]
    frame = frame.rename_columns(names)
    wanted = [*(ENDPOINT_COLUMNS if endpoints else ()), *specs]
    arrays: list[pa.ChunkedArray] = []
    for name in wanted:
        t = specs[name].arrow_type() if name in specs else pa.string()
        arrays.append(frame.column(name).cast(t) if name in names
                      else pa.chunked_array([pa.nulls(frame.num_rows, t)]))
    return pa.Table.from_arrays(arrays, names=wanted)


def write_ledger(writer: GraphWriter, ledger: ValidatedLedger, step: Step | None = None
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Write a validated ledger's graph with ``writer`` (begin, every label, every endpoint pair, end).

    Returns nodes per label and relationships per type, as written.
    """
    writer.begin()
    nodes: dict[str, int] = {}
    for label, frame in ledger.nodes.items():
        nodes[label] = nodes.get(label, 0) + writer.nodes(label, frame)
        if step:
            step(f"nodes {label}")
    rels: dict[str, int] = {}
    for (rtype, a, b), frame in ledger.rels.items():
        rels[rtype] = rels.get(rtype, 0) + writer.relationships(rtype, a, b, frame)
        if step:
            step(f"relationships {rtype} {a}→{b}")
    writer.end()
    return nodes, rels
