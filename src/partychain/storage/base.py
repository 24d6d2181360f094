"""The storage interface the CLI, the API and the analysis depend on; engines plug in behind it."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import pyarrow as pa

from partychain import cypher
from partychain.graph_model import NODE_TYPES, NODES, REL_TYPES, RELS, properties_of

Progress = Callable[[str, int, int], None]
TABLE_ROWS = 250_000  # rows per Arrow table of the bulk readers (export)


def _table(rows: list[list[Any]], schema: pa.Schema) -> pa.Table:
    """Rows of query values (dates as ISO text, see :func:`normalize_value`) as a table of ``schema``."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table([pa.array(col).cast(f.type) for col, f in zip(columns, schema, strict=True)], schema=schema)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Columns and rows of a query, with engine-specific values normalised to JSON-friendly Python."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class DatasetInfo:
    """What is loaded: a version id, when, from where, and how many rows of each table."""

    version: str
    loaded_at: str
    engine: str
    source: str
    fingerprint: str
    rows_in: dict[str, int] = field(default_factory=dict)  # data rows per table in the ledger
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    seconds: float = 0.0
    rows_loaded: dict[str, int] = field(default_factory=dict)  # per table; rows_in = rows_loaded + rows_skipped
    rows_skipped: dict[str, int] = field(default_factory=dict)  # blank rows, reported as warnings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalize_value(v: Any) -> Any:
    """Engine values → plain Python: Decimal sums → int/float, dates → ISO, nodes → property dicts."""
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [normalize_value(x) for x in v]
    if isinstance(v, dict):
        return {k: normalize_value(x) for k, x in v.items()}
    return v


class GraphStore(ABC):
    """A graph the project can load, query and describe.

    Implementations: :class:`~partychain.storage.embedded.EmbeddedStore` (LadybugDB, the
    default) and :class:`~partychain.storage.neo4j.Neo4jStore`.
    """

    engine: ClassVar[str]
    dialect: ClassVar[str]  # which override of a named query applies ("ladybug" or "neo4j")

    @abstractmethod
    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        """Run trusted query text (from the catalog or generated from the model) with parameters."""

    @abstractmethod
    def run_readonly(self, query: str, parameters: Mapping[str, Any] | None = None, *,
                     timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        """Run untrusted query text on a path the engine itself keeps read-only.

        Returns the result (at most ``max_rows`` rows) and whether rows were cut off.
        """

    @abstractmethod
    def load(self, ledger: Any, *, source: str, progress: Progress | None = None) -> DatasetInfo:
        """Replace the graph with a validated ledger, atomically."""

    @abstractmethod
    def dataset(self) -> DatasetInfo | None:
        """What is loaded now, or ``None`` when nothing is."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def prepare_readonly(self) -> None:  # noqa: B027 - optional hook
        """Get ready for :meth:`run_readonly` ahead of the first call (the embedded engine starts its workers
        and waits until they are ready, a second or two)."""

    @contextlib.contextmanager
    def pinned(self) -> Iterator[GraphStore]:
        """A view whose every query (and :meth:`dataset`) sees one and the same graph version.

        For answers built from several queries: a load that lands in between must not mix graphs.
        The embedded engine pins the version its ``current`` link names now; this default (Neo4j,
        whose load is one transaction) yields the store itself.
        """
        yield self

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- shared behaviour -------------------------------------------------------

    def named(self, name: str, **parameters: Any) -> QueryResult:
        """Run the catalog query ``name`` with keyword parameters."""
        return self.run(cypher.get(name, self.dialect).text, parameters)

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per label and relationships per type (zero for types with none)."""
        nodes = {n.label(): 0 for n in NODE_TYPES}
        for label, n in self.named("count_nodes").rows:
            nodes[label[0] if isinstance(label, list) else label] = int(n)
        rels = {r.TYPE: 0 for r in REL_TYPES}
        for rtype, n in self.named("count_relationships").rows:
            rels[rtype] = int(n)
        return nodes, rels

    def iter_nodes(self, label: str) -> Iterator[list[Any]]:
        """Every node of ``label`` as a row of its model's properties, ordered by key (bulk export)."""
        model = next(n for n in NODE_TYPES if n.label() == label)
        props = list(properties_of(model))
        ret = ", ".join(f"n.{p} AS {p}" for p in props)
        res = self.run(f"MATCH (n:{label}) RETURN {ret} ORDER BY n.{model.KEY}")
        yield from res.rows

    def iter_relationships(self, rtype: str) -> Iterator[list[Any]]:
        """Every relationship of ``rtype`` as (from label, from key, to label, to key, props...)."""
        rel = next(r for r in REL_TYPES if rtype == r.TYPE)
        props = list(properties_of(rel))
        for a, b in rel.ENDPOINTS:
            ka = next(n for n in NODE_TYPES if n.label() == a).KEY
            kb = next(n for n in NODE_TYPES if n.label() == b).KEY
            ret = ", ".join([f"x.{ka}", f"y.{kb}", *(f"r.{p}" for p in props)])
            res = self.run(f"MATCH (x:{a})-[r:{rtype}]->(y:{b}) RETURN {ret}")
            for row in sorted(res.rows, key=lambda r: [str(v) for v in r]):
                yield [a, row[0], b, row[1], *row[2:]]

    def iter_node_tables(self, label: str, *, batch_rows: int = TABLE_ROWS) -> Iterator[pa.Table]:
        """Every node of ``label`` as Arrow tables of at most ``batch_rows`` rows, one column per model
        property typed as the model says (:meth:`PropertySpec.arrow_type`), ordered by key (bulk export).

        This default batches :meth:`iter_nodes`; an engine with a columnar result overrides it.
        """
        specs = properties_of(NODES[label])
        schema = pa.schema([(name, spec.arrow_type()) for name, spec in specs.items()])
        rows = iter(self.iter_nodes(label))
        while chunk := list(itertools.islice(rows, batch_rows)):
            yield _table(chunk, schema)

    def iter_relationship_tables(self, rtype: str, *, batch_rows: int = TABLE_ROWS
                                 ) -> Iterator[tuple[str, str, pa.Table]]:
        """Every relationship of ``rtype`` as (from label, to label, Arrow table) with the columns ``start``
        and ``end`` (the endpoints' keys) and one per model property; any order (bulk export).

        This default batches :meth:`iter_relationships`; an engine with a columnar result overrides it.
        """
        specs = properties_of(RELS[rtype])
        schema = pa.schema([("start", pa.string()), ("end", pa.string()),
                            *((name, spec.arrow_type()) for name, spec in specs.items())])
        buffers: dict[tuple[str, str], list[list[Any]]] = {}
        for a, ka, b, kb, *props in self.iter_relationships(rtype):
            buf = buffers.setdefault((a, b), [])
            buf.append([ka, kb, *props])
            if len(buf) >= batch_rows:
                yield a, b, _table(buf, schema)
                buf.clear()
        for (a, b), buf in buffers.items():
            if buf:
                yield a, b, _table(buf, schema)

    def checksum(self) -> str:
        """A content hash of the whole graph (every node and relationship with its properties)."""
        h = hashlib.sha256()
        for n in NODE_TYPES:
            h.update(n.label().encode())
            for row in self.iter_nodes(n.label()):
                h.update(repr(row).encode())
        for r in REL_TYPES:
            h.update(r.TYPE.encode())
            for row in self.iter_relationships(r.TYPE):
                h.update(repr(row).encode())
        return h.hexdigest()
