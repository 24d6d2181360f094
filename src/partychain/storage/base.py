"""The storage interface the CLI, the API and the analysis depend on; engines plug in behind it.

:class:`GraphStore` holds what every engine shares, among it the one load template
(:meth:`GraphStore.load`): an engine supplies its load lock, its :class:`LoadTarget` (where a load writes,
with the engine's :class:`~partychain.storage.writer.GraphWriter`, and how it is published) and its
tidying, and nothing else of a load.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa

from partychain import cypher
from partychain.errors import StoreError, YearNotLoaded, YearRefused
from partychain.graph_model import NODE_TYPES, NODES, REL_TYPES, RELS, graph_properties_of
from partychain.graph_model.frames import ValidatedLedger

from .personal import PersonalStore, write_personal
from .result import QueryResult

if TYPE_CHECKING:
    from .derived import DerivedIndex

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
TABLE_ROWS = 250_000  # rows per Arrow table of the bulk readers (export)


def node_query(label: str) -> str:
    """The bulk read of a label: every node's graph properties (named as the model names them), by key.

    >>> node_query("Industry")
    'MATCH (n:Industry) RETURN n.code AS code, n.name AS name, n.unit AS unit ORDER BY n.code'
    """
    model = NODES[label]
    ret = ", ".join(f"n.{p} AS {p}" for p in graph_properties_of(model))
    return f"MATCH (n:{label}) RETURN {ret} ORDER BY n.{model.KEY}"


def relationship_query(rtype: str, from_label: str, to_label: str) -> str:
    """The bulk read of one relationship endpoint pair: ``start`` and ``end`` keys, then the model properties.

    >>> relationship_query("DRIVES", "PartyMember", "Household")
    'MATCH (x:PartyMember)-[r:DRIVES]->(y:Household) RETURN x.id AS start, y.id AS `end`, r.since AS since'
    """
    ret = ", ".join([f"x.{NODES[from_label].KEY} AS start", f"y.{NODES[to_label].KEY} AS `end`",
                     *(f"r.{p} AS {p}" for p in graph_properties_of(RELS[rtype]))])
    return f"MATCH (x:{from_label})-[r:{rtype}]->(y:{to_label}) RETURN {ret}"


def node_schema(label: str) -> pa.Schema:
    """The Arrow schema of :func:`node_query`'s columns, typed as the model says."""
    return pa.schema([(name, spec.arrow_type()) for name, spec in graph_properties_of(NODES[label]).items()])


def relationship_schema(rtype: str) -> pa.Schema:
    """The Arrow schema of :func:`relationship_query`'s columns, typed as the model says."""
    return pa.schema([("start", pa.string()), ("end", pa.string()),
                      *((name, spec.arrow_type()) for name, spec in graph_properties_of(RELS[rtype]).items())])


def _table(rows: list[list[Any]], schema: pa.Schema) -> pa.Table:
    """Rows of query values (dates as ISO text, see :func:`~.result.normalize_value`) as a table of ``schema``."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table([pa.array(col).cast(f.type) for col, f in zip(columns, schema, strict=True)], schema=schema)


FORMAT = 2
"""The dataset layout this code writes and reads: 2 = personal data in the personal-data store, none in
the graph.  A version written by an older partychain (no ``format`` in its manifest) held personal data
in the graph and is refused: load its ledger again."""


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
    personal: dict[str, int] = field(default_factory=dict)  # records per label in the personal-data store
    format: int = 1  # see FORMAT; manifests before it have none
    year: int | None = None  # the year the ledger declares (its ``ledger`` table); None: a ledger without one
    as_of: str | None = None  # the date the ledger declares it is up to (ISO), if any

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_year(year: int | None, fingerprint: str, kept: Mapping[int | None, DatasetInfo], *,
               replace: bool, single: bool = False) -> None:
    """Refuse (:class:`~partychain.errors.YearRefused`) a ledger that does not fit the versions ``kept``
    (by year; ``None`` for a version of a ledger without a year), before anything is written.

    - a ledger without a year once years are kept: which year it records is unknown;
    - a ledger of a year already loaded with other contents, unless ``replace``;
    - on a store that keeps one version (``single``: Neo4j), any ledger other than the one loaded, once
      that one declares a year, unless ``replace`` (it would drop the year loaded).

    >>> info = DatasetInfo(version="v", loaded_at="2026-01-01", engine="embedded", source="a", fingerprint="f1",
    ...                    year=2021)
    >>> check_year(2020, "f2", {2021: info}, replace=False)  # another year: kept beside 2021
    >>> check_year(2021, "f1", {2021: info}, replace=False)  # the same contents: loads again
    >>> check_year(2021, "f2", {2021: info}, replace=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    partychain.errors.YearRefused: a different ledger of 2021 is already loaded (from a, 2026-01-01); ...
    >>> check_year(None, "f3", {2021: info}, replace=True, single=True)  # Neo4j: replace takes any ledger
    """
    years = sorted(y for y in kept if y is not None)
    if single:  # one version: replace allows any ledger over it
        if not years or replace:
            return
        only = kept[years[-1]]
        if year != only.year or fingerprint != only.fingerprint:
            raise YearRefused(
                f"this database keeps one year, {only.year} (from {only.source}, {only.loaded_at}); loading "
                f"{'a ledger without a year' if year is None else f'another ledger of {year}'} would replace it: "
                "load with --replace (the embedded engine keeps years side by side); nothing was loaded")
        return
    if year is None:
        if years:
            raise YearRefused(
                f"the ledger declares no year, and years are kept ({', '.join(map(str, years))}): add its "
                "`ledger` table (one row: year, as_of) so it loads as its year's version; nothing was loaded")
        return
    old = kept.get(year)
    if old is not None and old.fingerprint != fingerprint and not replace:
        raise YearRefused(
            f"a different ledger of {year} is already loaded (from {old.source}, {old.loaded_at}); load with "
            f"--replace to replace the {year} version; nothing was loaded")


def version_name(fingerprint: str, *, now: dt.datetime | None = None) -> str:
    """The name of a new dataset version: when it was loaded (UTC, to the microsecond), then its ledger's
    fingerprint's first eight digits, so that names sort by load time.

    >>> version_name("0123456789abcdef", now=dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC))
    '20260102T030405000006Z-01234567'
    """
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ") + "-" + fingerprint[:8]


class Steps:
    """A load's progress: each call is one step done out of ``total`` (reported to ``progress``, if any)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def __call__(self, what: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(what, self.done, max(self.total, self.done))


class LoadTarget(ABC):
    """Where one load writes, as an engine makes it (:meth:`GraphStore._load_target`); nothing it writes is
    seen by readers before :meth:`publish`."""

    personal_file: Path
    """Where the version's personal-data store is written (:func:`~partychain.storage.personal.write_personal`)."""
    steps: ClassVar[int] = 0
    """Progress steps of the engine's own beyond the template's (one per label, per endpoint pair, the
    personal-data store and the derived index)."""

    @abstractmethod
    def write(self, ledger: ValidatedLedger, step: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
        """Write the ledger's graph with the engine's :class:`~partychain.storage.writer.GraphWriter`
        (:func:`~partychain.storage.writer.write_ledger`): nodes per label, relationships per type."""

    @abstractmethod
    def derive(self, version: str) -> None:
        """Write the derived index of the graph just written (:mod:`partychain.storage.derived`)."""

    @abstractmethod
    def publish(self, info: DatasetInfo) -> None:
        """Store the manifest and make the new version the one readers see, at once."""


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

    single_version: ClassVar[bool] = False
    """Whether the store keeps one dataset version only (Neo4j), rather than one per year (:func:`check_year`)."""

    def load(self, ledger: Any, *, source: str, progress: Progress | None = None,
             replace: bool = False) -> DatasetInfo:
        """Load a validated ledger as the version of its year, atomically (see :func:`check_year`).

        A ledger of a year already loaded replaces that year only when its contents are the same or
        ``replace`` is set; a ledger without a year is refused once years are kept.

        One template for every engine: under the engine's load lock (:meth:`_load_lock`), check the year
        against the versions kept, name the version (:func:`version_name`), and in the engine's target
        (:meth:`_load_target`) write the personal-data store, the graph (the engine's
        :class:`~partychain.storage.writer.GraphWriter`), the derived index and the manifest, then publish
        it; the target undoes everything when any step fails, so readers see the old version or the new
        one, never a part.  :meth:`_loaded` tidies up after.
        """
        if not isinstance(ledger, ValidatedLedger):
            raise TypeError("load() takes a ValidatedLedger (see partychain.loaders.check_ledger)")
        started = time.perf_counter()
        with self._load_lock():
            fingerprint = ledger.fingerprint()
            check_year(ledger.year, fingerprint, {v.year: v for v in self.versions()}, replace=replace,
                       single=self.single_version)
            version = version_name(fingerprint)
            steps = Steps(progress, len(ledger.nodes) + len(ledger.rels) + 2)
            with self._load_target(version, steps) as target:
                steps.total += target.steps
                personal = write_personal(target.personal_file, ledger.personal)
                steps("personal-data store")
                nodes, rels = target.write(ledger, steps)
                target.derive(version)
                steps("derived index")
                info = DatasetInfo(
                    version=version, loaded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    engine=self.engine, source=source, fingerprint=fingerprint, rows_in=dict(ledger.rows_in),
                    nodes=nodes, relationships=rels, warnings=len(ledger.warnings),
                    seconds=round(time.perf_counter() - started, 3), rows_loaded=dict(ledger.rows_loaded),
                    rows_skipped=dict(ledger.rows_skipped), personal=personal, format=FORMAT, year=ledger.year,
                    as_of=ledger.as_of.isoformat() if ledger.as_of else None)
                target.publish(info)
            self._loaded(info)
        log.info("loaded %s into %s: %d nodes, %d relationships in %.1f s", version, self, sum(nodes.values()),
                 sum(rels.values()), time.perf_counter() - started)
        return info

    def _load_lock(self) -> contextlib.AbstractContextManager[Any]:
        """The engine's hook: one load at a time, held across the whole load (this default: none; an engine
        whose target takes its own lock, like Neo4j's manifest node, keeps it)."""
        return contextlib.nullcontext()

    def _load_target(self, version: str, step: Callable[[str], None]) -> contextlib.AbstractContextManager[LoadTarget]:
        """The engine's hook: where the load of ``version`` writes; on leaving with an error, everything the
        target wrote is undone (the previous version stays as it was)."""
        raise StoreError(f"{type(self).__name__} cannot load; load through the store")

    def _loaded(self, info: DatasetInfo) -> None:  # noqa: B027 - optional hook
        """The engine's hook after a load is published: remove what older versions left behind."""

    @abstractmethod
    def dataset(self) -> DatasetInfo | None:
        """What is loaded now (the latest year), or ``None`` when nothing is."""

    def versions(self) -> list[DatasetInfo]:
        """The dataset versions kept, one per year, oldest year first (a ledger without a year last)."""
        info = self.dataset()
        return [info] if info is not None else []

    def years(self) -> list[int]:
        """The years loaded, oldest first."""
        return sorted(v.year for v in self.versions() if v.year is not None)

    def drop(self, year: int) -> DatasetInfo:
        """Remove the version of ``year`` (:class:`~partychain.errors.YearNotLoaded` when there is none)."""
        raise StoreError(f"{type(self).__name__} keeps one version; there is no older year to drop")

    @abstractmethod
    def personal(self) -> PersonalStore:
        """The personal-data store of the dataset version this store serves (of the pinned version, in a
        :meth:`pinned` view); :class:`~partychain.storage.personal.PersonalDataUnavailable` when missing."""

    def derived(self) -> DerivedIndex | None:
        """The derived index of the dataset version this store serves (of the pinned version, in a
        :meth:`pinned` view): :mod:`partychain.storage.derived`.  ``None`` where an engine keeps none (the
        services then ask the live queries); :class:`~partychain.storage.derived.DerivedIndexUnavailable`
        when the version's index is missing or stale and cannot be derived again."""
        return None

    @property
    def local_dir(self) -> Path | None:
        """The directory on this host where the store keeps its own files (personal data, the audit log)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def prepare_readonly(self) -> None:  # noqa: B027 - optional hook
        """Get ready for :meth:`run_readonly` ahead of the first call (the embedded engine starts its workers
        and waits until they are ready, a second or two)."""

    @contextlib.contextmanager
    def pinned(self, year: int | None = None) -> Iterator[GraphStore]:
        """A view whose every query (and :meth:`dataset`) sees one and the same graph version: the version of
        ``year``, or (``None``) of the latest year.

        For answers built from several queries: a load that lands in between must not mix graphs.
        The embedded engine pins the version its ``current`` (or ``years/YEAR``) link names now; this
        default (Neo4j, whose load is one transaction and which keeps one year) yields the store itself
        and refuses any other year (:class:`~partychain.errors.YearNotLoaded`).
        """
        if year is not None:
            info = self.dataset()
            if info is None or info.year != year:
                raise YearNotLoaded(year, self.years())
        yield self

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- shared behaviour -------------------------------------------------------

    def named(self, name: str, **parameters: Any) -> QueryResult:
        """Run the catalog query ``name`` with keyword parameters, checked against its declared types and ranges
        first (:meth:`partychain.cypher.NamedQuery.check`: :class:`~partychain.errors.InvalidArgument`)."""
        query = cypher.get(name, self.dialect)
        query.check(parameters)
        return self.run(query.text, parameters)

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
        yield from self.run(node_query(label)).rows

    def iter_relationships(self, rtype: str) -> Iterator[list[Any]]:
        """Every relationship of ``rtype`` as (from label, from key, to label, to key, props...)."""
        for a, b in RELS[rtype].ENDPOINTS:
            res = self.run(relationship_query(rtype, a, b))
            for row in sorted(res.rows, key=lambda r: [str(v) for v in r]):
                yield [a, row[0], b, row[1], *row[2:]]

    def iter_node_tables(self, label: str, *, batch_rows: int = TABLE_ROWS) -> Iterator[pa.Table]:
        """Every node of ``label`` as Arrow tables of at most ``batch_rows`` rows, one column per model
        property typed as the model says (:meth:`PropertySpec.arrow_type`), ordered by key (bulk export).

        This default batches :meth:`iter_nodes`; an engine with a columnar result overrides it.
        """
        schema = node_schema(label)
        rows = iter(self.iter_nodes(label))
        while chunk := list(itertools.islice(rows, batch_rows)):
            yield _table(chunk, schema)

    def iter_relationship_tables(self, rtype: str, *, batch_rows: int = TABLE_ROWS
                                 ) -> Iterator[tuple[str, str, pa.Table]]:
        """Every relationship of ``rtype`` as (from label, to label, Arrow table) with the columns ``start``
        and ``end`` (the endpoints' keys) and one per model property; any order (bulk export).

        This default batches :meth:`iter_relationships`; an engine with a columnar result overrides it.
        """
        schema = relationship_schema(rtype)
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
