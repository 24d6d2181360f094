"""The Neo4j engine: a Neo4j 5 server behind the official driver.

Reading
-------
``run`` (trusted text: the catalog, text generated from the model) runs in a managed
read transaction routed to a reader (``execute_query(..., routing_=READ)``), values only
as parameters.  ``run_readonly`` (untrusted researcher Cypher) passes the text through
:func:`partychain.storage.guard.check` and opens a session with
``default_access_mode=READ_ACCESS`` and sends ``neo4j.Query(text, timeout=...)``: the
*server* refuses writes in a read transaction (``Neo.ClientError.Statement.AccessMode``)
and terminates the transaction at the time limit; at most ``max_rows`` rows are pulled
(``fetch_size`` is capped too).  Neo4j errors become partychain errors
(:func:`map_error`).  Result values are normalised like the embedded engine's: nodes
become their model properties plus ``_label``, relationships their properties plus
``_type``, temporal values ISO strings.

Loading: one transaction, old graph or new graph
------------------------------------------------
``load`` is the template of :meth:`GraphStore.load <partychain.storage.base.GraphStore.load>` (the year
check, version naming, personal-data store, derived index, manifest, progress); this engine's target
(:meth:`Neo4jStore._load_target`, :class:`_Transaction`) first creates the model's uniqueness constraints
(``neo4j_constraints()``, plus one on the manifest) and waits for their indexes: schema changes cannot
share a transaction with data writes, and they are the same for every dataset.  The personal-data store
is written on this host (``<version>.sqlite.partial``).  Then the whole replace runs in **one explicit
write transaction** (with its own time limit, :data:`LOAD_TIMEOUT_S`; the server's
``db.transaction.timeout`` is meant for queries); steps 2-6 are the :class:`UnwindWriter`:

1. ``MERGE (d:_Dataset {id: 'current'}) SET d.loading = $version`` — takes the write lock
   on the manifest first, so a second concurrent load waits instead of interleaving;
2. the keys and element ids of the nodes there now, per label (:func:`existing_statement`);
3. ``MATCH ()-[r]->() DELETE r`` — every relationship of the previous graph;
4. per label, batches of rows, each split by the keys read in step 2: the rows whose key was
   there as ``UNWIND $rows AS row MERGE (n:Label {key: row.key}) SET n = row``
   (:func:`node_statement`: updated in place, ``SET n =`` replaces every property; must
   create no node), the others as ``UNWIND $rows AS row CREATE (n:Label) SET n = row``
   (:func:`create_statement`: no key lookup, which halves the server's time for the nodes of
   a first load; the uniqueness constraint still refuses a duplicate key; must create one
   node per row);
5. per relationship endpoint pair, batches of ``UNWIND $rows AS row
   MATCH (a:A {key: row.from}) MATCH (b:B {key: row.to}) CREATE (a)-[r:TYPE]->(b) SET r = row.props``
   (two key-anchored ``MATCH`` clauses served by the uniqueness constraints, not a
   comma cross product); every batch must create exactly one relationship per row, or
   the load fails;
6. the nodes whose key the new ledger does not have, deleted by element id, and any node
   with no model label (:func:`stray_statement`);
7. the derived index of the new graph (:mod:`partychain.storage.derived`), from queries run inside
   this transaction (they see its writes; nobody else does yet), written to
   ``<db>/derived/<version>.sqlite`` on this host;
8. the personal-data store renamed to ``<version>.sqlite`` and the manifest (:class:`DatasetInfo` as JSON)
   on the ``_Dataset`` node; commit.

Why update in place instead of ``DETACH DELETE`` everything and ``CREATE`` it again: on Neo4j
a uniqueness check or key lookup on a label whose index entries were deleted *earlier in the
same transaction* is slow (milliseconds each; ``docs/neo4j.md`` has the measurements), so nothing
in the transaction looks up a key that it deleted: relationships go first (no node index
entries), nodes that go away go last and by element id.

Deleting in batches committed one by one would *not* be atomic, so nothing is committed
before the end: readers keep seeing the previous graph (uncommitted writes are invisible
to other transactions) until the commit makes the new one visible at once, and any
failure (a bad batch, a lost connection, a killed process) rolls everything back.  The
price is memory: Neo4j keeps the whole transaction state on the heap, bounded by
``db.memory.transaction.total.max`` / ``db.memory.transaction.max``; a province-scale
*first* load should go through ``partychain export --format neo4j-admin`` and
``neo4j-admin database import full`` instead (see ``docs/neo4j.md``).

``_Dataset`` is the one label outside the model: a single node holding the manifest.
:meth:`Neo4jStore.counts` leaves it out; the raw ``count_nodes`` query does list it.

Why the write statements are generated in Python, not query files
-----------------------------------------------------------------
Labels and relationship types cannot be Cypher parameters, so a query file per label
would be 17 + 39 near-identical files.  The statements are generated from the model (like
the DDL in :mod:`partychain.graph_model.ddl`) by :func:`node_statement` and
:func:`relationship_statement`: identifiers come only from the model, every value goes in
``$rows``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import neo4j
import pyarrow as pa
from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase, RoutingControl
from neo4j import exceptions as nx
from neo4j import time as ntime
from neo4j.graph import Node as NeoNode
from neo4j.graph import Path as NeoPath
from neo4j.graph import Relationship as NeoRelationship

from partychain import __version__
from partychain.errors import (
    ConfigError,
    PartychainError,
    PersonalDataUnavailable,
    QueryError,
    QueryTimeout,
    ReadOnlyViolation,
    StoreError,
    YearNotLoaded,
)
from partychain.graph_model import NODES, RELS, graph_properties_of, neo4j_constraints, properties_of
from partychain.graph_model.frames import ValidatedLedger
from partychain.graph_model.properties import PropertySpec

from . import guard
from .base import DatasetInfo, GraphStore, LoadTarget, Progress
from .derived import DerivedIndex, open_derived, write_derived
from .personal import PersonalStore
from .result import PLAIN_TYPES, QueryResult, RowBudget, normalize_value
from .writer import Frame, as_table, write_ledger

if TYPE_CHECKING:
    from partychain.settings import Settings

log = logging.getLogger(__name__)

DATASET_LABEL = "_Dataset"
DATASET_ID = "current"
DATASET_CONSTRAINT = (f"CREATE CONSTRAINT partychain_dataset_id_unique IF NOT EXISTS "
                      f"FOR (n:{DATASET_LABEL}) REQUIRE n.id IS UNIQUE")
AWAIT_INDEXES_S = 300
# A load's own transaction time limit: the server's db.transaction.timeout (60 s in the compose
# file and tools/neo4j-server) is meant for queries, and a client-set limit overrides it.
LOAD_TIMEOUT_S = 4 * 3600

# --- Neo4j status codes ----------------------------------------------------------

READ_ONLY_CODES = frozenset({
    "Neo.ClientError.Statement.AccessMode",  # write in a READ transaction
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
})
TIMEOUT_CODES = frozenset({
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.ClientError.Transaction.Terminated",
    "Neo.TransientError.Transaction.Terminated",
    "Neo.ClientError.Transaction.LockClientStopped",
    "Neo.TransientError.Transaction.LockClientStopped",
})
MEMORY_CODES = frozenset({
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.TransactionMemoryLimit",
    "Neo.TransientError.General.OutOfMemoryError",
})
UNAVAILABLE_CODES = frozenset({
    "Neo.TransientError.General.DatabaseUnavailable",
    "Neo.ClientError.Database.DatabaseNotFound",
})
AUTH_CODES = frozenset({
    "Neo.ClientError.Security.Unauthorized",
    "Neo.ClientError.Security.AuthenticationRateLimit",
    "Neo.ClientError.Security.CredentialsExpired",
})
MIN_NEO4J = "5.7"  # Bolt 5.2: notification filtering (DEFAULT_DRIVER_CONFIG); Cypher 5
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
# Fail fast when the server is down: the driver's own default retries managed reads for 30 s.
# Server notifications (a label not in the graph yet, ...) are not logged: the catalog is linted instead.
DEFAULT_DRIVER_CONFIG: dict[str, Any] = {"max_transaction_retry_time": 5.0, "connection_timeout": 5.0,
                                         "notifications_min_severity": "OFF"}


def _is_write_refusal(message: str) -> bool:
    # Neo4j 5 refuses a write in a READ transaction as Security.Forbidden, e.g. "Create node with
    # labels 'X' on database 'neo4j' is not allowed for user 'neo4j' with roles [PUBLIC, admin]
    # overridden by READ."; a read-only role or database says "write" / "read only".
    low = message.lower()
    return any(s in low for s in ("overridden by read", "writ", "read only", "read-only", "read access mode"))


def _protocol_error(message: str, where: str) -> ConfigError | None:
    """A server too old for partychain, as the driver reports it when the connection opens.

    The driver asks for notification filtering (:data:`DEFAULT_DRIVER_CONFIG`), which needs Bolt
    5.2 (Neo4j 5.7); an older server that still speaks a Bolt version of the driver (Neo4j 4.2-5.6)
    fails on that, an even older one on the handshake.

    >>> print(_protocol_error("Notification filtering is not supported for the Bolt Protocol 4.4. Server "
    ...                       "Agent 'None'", "Neo4j at bolt://h:7687"))  # doctest: +ELLIPSIS
    Neo4j at bolt://h:7687 speaks Bolt 4.4, so it is Neo4j 4.4: partychain needs Neo4j 5.7 or later ...
    """
    m = re.search(r"not supported for the Bolt Protocol (\d+)\.(\d+)", message)
    if m:
        bolt = (int(m.group(1)), int(m.group(2)))
        server = "4.4" if bolt == (4, 4) else "4.x" if bolt[0] < 5 else "5.0-5.6" if bolt[0] == 5 else "unknown"
        what = f"speaks Bolt {bolt[0]}.{bolt[1]}, so it is Neo4j {server}"
    elif "does not support communication with this driver" in message:
        what = "speaks none of the driver's Bolt versions (a Neo4j older than 4.2, or not Neo4j)"
    else:
        return None
    return ConfigError(f"{where} {what}: partychain needs Neo4j {MIN_NEO4J} or later (tested with 5.26); upgrade "
                       "the server or point PARTYCHAIN_NEO4J_URI at a Neo4j 5 server")


def map_error(exc: BaseException, *, timeout_s: float | None = None, where: str = "Neo4j") -> PartychainError:
    """The partychain error for a driver or server error (the caller raises it ``from exc``).

    >>> from neo4j.exceptions import ServiceUnavailable
    >>> type(map_error(ServiceUnavailable("no route"))).__name__
    'StoreError'
    """
    if isinstance(exc, PartychainError):
        return exc
    if isinstance(exc, nx.Neo4jError):
        code = exc.code or ""
        msg = exc.message or str(exc)
        if code in READ_ONLY_CODES or (code == "Neo.ClientError.Security.Forbidden" and _is_write_refusal(msg)):
            return ReadOnlyViolation(f"the graph is read-only on this path: {msg}")
        if code in TIMEOUT_CODES:
            limit = f" of {timeout_s:g} s" if timeout_s is not None else ""
            return QueryTimeout(f"query cut off at the time limit{limit} ({code}: {msg})")
        if code in MEMORY_CODES or "Java heap space" in msg:
            return QueryError(f"{where} ran out of transaction memory ({code}): {msg}; a load needs a larger "
                              "server heap (docs/neo4j.md: measured sizes)")
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            return StoreError(f"{where} has no such database ({code}): {msg}; check PARTYCHAIN_NEO4J_DATABASE")
        if code in UNAVAILABLE_CODES:
            return StoreError(f"{where} is unavailable ({code}): {msg}")
        if code in AUTH_CODES:
            return StoreError(f"{where} refused the credentials ({code}): {msg}; "
                              "check PARTYCHAIN_NEO4J_USER and PARTYCHAIN_NEO4J_PASSWORD")
        return QueryError(f"{code}: {msg}" if code else msg)
    if isinstance(exc, nx.ConfigurationError):
        return _protocol_error(str(exc), where) or ConfigError(f"Neo4j driver configuration: {exc}")
    detail = " ".join(str(exc).split())  # the driver's connection messages span lines
    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired):
        return StoreError(f"{where} is unavailable: {detail}; is the server running and PARTYCHAIN_NEO4J_URI "
                          "right? (`partychain neo4j status --data DIR` for a local one)")
    if isinstance(exc, nx.DriverError):
        return StoreError(f"{where} driver error: {detail}")
    return StoreError(f"{where}: {exc}")


# --- generated write statements ------------------------------------------------------


def node_statement(label: str) -> str:
    """The batched write of one label's nodes; rows are maps of model properties.

    A node whose key is there already is updated in place (``SET n = row`` replaces every
    property: a null in the row removes it), a new key creates the node.

    >>> node_statement("Village")
    'UNWIND $rows AS row MERGE (n:Village {code: row.code}) SET n = row'
    """
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")
    key = NODES[label].KEY
    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.{key}}}) SET n = row"


def create_statement(label: str) -> str:
    """The batched write of nodes whose key is not in the graph: created without a key lookup (the uniqueness
    constraint still refuses a duplicate); the same node as :func:`node_statement` makes of a new key.

    >>> create_statement("Village")
    'UNWIND $rows AS row CREATE (n:Village) SET n = row'
    """
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")
    return f"UNWIND $rows AS row CREATE (n:{label}) SET n = row"


def existing_statement(label: str) -> str:
    """The keys and element ids of a label's nodes in the graph now (read inside the load).

    >>> existing_statement("Village")
    'MATCH (n:Village) RETURN n.code AS key, elementId(n) AS id'
    """
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")
    return f"MATCH (n:{label}) RETURN n.{NODES[label].KEY} AS key, elementId(n) AS id"


DELETE_BY_ID = "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row DETACH DELETE n"
DELETE_RELATIONSHIPS = "MATCH ()-[r]->() DELETE r"


BULK_PAGE = 5_000
"""Nodes per page of a bulk read (:meth:`Neo4jStore.iter_nodes`, :meth:`Neo4jStore.iter_relationships`): each
page comes back as one record holding a list, because the Python driver spends about 30 µs on every record and
a few on a list element (144,486 ``LIVES_IN`` rows: 3.2 s as records, 0.9 s as one list)."""


def node_page_statement(label: str, *, first: bool) -> str:
    r"""One page of :func:`~.base.node_query`'s rows: the next :data:`BULK_PAGE` nodes of ``label`` after the key
    ``$after`` (``first``: from the start) in key order, as one list ``rows``.

    >>> print(node_page_statement("Industry", first=False).replace(" WITH", "\nWITH").replace(" RETURN", "\nRETURN"))
    MATCH (n:Industry) WHERE n.code > $after
    WITH n ORDER BY n.code LIMIT $page
    RETURN collect([n.code, n.name, n.unit]) AS rows
    """
    model = NODES[label]
    where = f"n.{model.KEY} IS NOT NULL" if first else f"n.{model.KEY} > $after"
    values = ", ".join(f"n.{p}" for p in graph_properties_of(model))
    return (f"MATCH (n:{label}) WHERE {where} WITH n ORDER BY n.{model.KEY} LIMIT $page "
            f"RETURN collect([{values}]) AS rows")


def relationship_page_statement(rtype: str, from_label: str, to_label: str, *, first: bool) -> str:
    """One page of :func:`~.base.relationship_query`'s rows: the ``rtype`` relationships to ``to_label`` of the
    next :data:`BULK_PAGE` ``from_label`` nodes after the key ``$after`` (``first``: from the start), as one list
    ``rows``, with ``last``, the page's last key (a page of nodes without such relationships still moves on)."""
    ka, kb = NODES[from_label].KEY, NODES[to_label].KEY
    where = f"x.{ka} IS NOT NULL" if first else f"x.{ka} > $after"
    values = ", ".join([f"x.{ka}", f"y.{kb}", *(f"r.{p}" for p in graph_properties_of(RELS[rtype]))])
    return (f"MATCH (x:{from_label}) WHERE {where} WITH x ORDER BY x.{ka} LIMIT $page "
            f"WITH collect(x) AS xs, max(x.{ka}) AS last UNWIND xs AS x "
            f"OPTIONAL MATCH (x)-[r:{rtype}]->(y:{to_label}) "
            f"RETURN last, size(xs) AS nodes, collect(CASE WHEN r IS NULL THEN null ELSE [{values}] END) AS rows")


def stray_statement() -> str:
    """The deletion of nodes that carry neither a model label nor the manifest's.

    >>> stray_statement()[:60]
    'MATCH (n) WHERE NOT (n:_Dataset OR n:County OR n:Town OR n:V'
    """
    labels = " OR ".join(f"n:{label}" for label in [DATASET_LABEL, *NODES])
    return f"MATCH (n) WHERE NOT ({labels}) DETACH DELETE n"


def relationship_statement(rtype: str, from_label: str, to_label: str) -> str:
    """The batched write of one relationship type between one endpoint pair.

    Rows are ``{from: key, to: key}`` plus ``props`` when the type has properties.

    >>> for clause in relationship_statement("DRIVES", "PartyMember", "Household").split(" MATCH "):
    ...     print(clause)
    UNWIND $rows AS row
    (a:PartyMember {id: row.from})
    (b:Household {id: row.to}) CREATE (a)-[r:DRIVES]->(b) SET r = row.props
    """
    rel = RELS.get(rtype)
    if rel is None:
        raise ValueError(f"unknown relationship type {rtype!r}")
    if (from_label, to_label) not in rel.ENDPOINTS:
        raise ValueError(f"{rtype} does not connect {from_label} to {to_label}")
    ka, kb = NODES[from_label].KEY, NODES[to_label].KEY
    text = (f"UNWIND $rows AS row MATCH (a:{from_label} {{{ka}: row.from}}) "
            f"MATCH (b:{to_label} {{{kb}: row.to}}) CREATE (a)-[r:{rtype}]->(b)")
    return text + " SET r = row.props" if graph_properties_of(rel) else text


def write_statements() -> dict[str, str]:
    """Every generated batched write statement, by ``label``, ``label (new)`` or ``TYPE:From->To`` (for review
    and lint)."""
    out = {label: node_statement(label) for label in NODES}
    out.update({f"{label} (new)": create_statement(label) for label in NODES})
    for rtype, rel in RELS.items():
        for a, b in rel.ENDPOINTS:
            out[f"{rtype}:{a}->{b}"] = relationship_statement(rtype, a, b)
    return out


def batches(rows: Any, size: int) -> Iterator[Any]:
    """Consecutive slices of at most ``size`` rows (of a list, or a DataFrame by position).

    >>> [list(b) for b in batches([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    take = rows.iloc if hasattr(rows, "iloc") else rows
    for start in range(0, len(rows), size):
        yield take[start:start + size]


# --- ledger frames -> parameter rows -----------------------------------------------------


def _column(table: pa.Table, name: str, spec: PropertySpec) -> list[Any]:
    """One column of a model-typed Arrow table (:func:`~.writer.as_table`) as the Python values the driver
    sends: Arrow's own conversion (strings, ints, floats, bools, dates, lists of them; null → ``None``), with a
    float NaN (what a pandas float column holds for a missing value) as ``None`` too."""
    values = table.column(name).to_pylist()
    if pa.types.is_floating(spec.scalar.arrow):
        if spec.is_list:
            return [v if v is None else [None if x is not None and math.isnan(x) else x for x in v] for v in values]
        return [None if v is not None and math.isnan(v) else v for v in values]
    return values


def node_rows(frame: Frame, label: str) -> list[dict[str, Any]]:
    """The rows of a node frame as graph-property maps (missing values → null → property not set).

    Built column by column: the frame as an Arrow table of the model's types (:func:`~.writer.as_table`, the
    table the embedded engine copies from), each column converted by Arrow at once, then zipped into maps: each
    value of the model's Python type whatever numpy or pandas type held it, and a missing one ``None``.
    """
    specs = graph_properties_of(NODES[label])
    table = as_table(frame, specs)
    names = list(specs)
    cols = [_column(table, name, spec) for name, spec in specs.items()]
    return [dict(zip(names, values, strict=True)) for values in zip(*cols, strict=True)]


def relationship_rows(frame: Frame, rtype: str, from_label: str, to_label: str) -> list[dict[str, Any]]:
    """The rows of a relationship frame as ``{from, to[, props]}`` maps (built column by column, as
    :func:`node_rows`; the endpoints are keys, which the model types as strings)."""
    specs = graph_properties_of(RELS[rtype])
    table = as_table(frame, specs, endpoints=True)
    for label in (from_label, to_label):
        if properties_of(NODES[label])[NODES[label].KEY].scalar.python is not str:
            raise TypeError(f"{label}'s key is not a string: relationship_rows sends endpoint keys as strings")
    froms, tos = table.column("from").to_pylist(), table.column("to").to_pylist()
    if not specs:
        return [{"from": a, "to": b} for a, b in zip(froms, tos, strict=True)]
    names = list(specs)
    cols = [_column(table, name, spec) for name, spec in specs.items()]
    return [{"from": a, "to": b, "props": dict(zip(names, values, strict=True))}
            for a, b, *values in zip(froms, tos, *cols, strict=True)]


# --- result values ---------------------------------------------------------------------


def _model_props(props: Mapping[str, Any], model: Any) -> dict[str, Any]:
    if model is None:
        return {k: to_python(v) for k, v in props.items()}
    return {name: to_python(props.get(name)) for name in graph_properties_of(model)}


def to_python(v: Any) -> Any:
    """A driver value → plain Python, shaped like the embedded engine's results."""
    if v is None or type(v) in PLAIN_TYPES:  # most values (strings, numbers): before the isinstance checks
        return v
    if type(v) is list:  # rows and bulk pages: their plain elements kept without a call each
        return [x if x is None or type(x) in PLAIN_TYPES else to_python(x) for x in v]
    if isinstance(v, NeoNode):
        label = next((lab for lab in v.labels if lab in NODES), None)
        item = _model_props(v, NODES.get(label) if label else None)
        item["_label"] = label or (sorted(v.labels)[0] if v.labels else None)
        return item
    if isinstance(v, NeoRelationship):
        item = _model_props(v, RELS.get(v.type))
        item["_type"] = v.type
        return item
    if isinstance(v, NeoPath):
        return {"_nodes": [to_python(n) for n in v.nodes], "_rels": [to_python(r) for r in v.relationships]}
    if isinstance(v, ntime.Date | ntime.DateTime):
        return v.to_native().isoformat()
    if isinstance(v, ntime.Time):
        return v.iso_format()
    if isinstance(v, ntime.Duration):
        return v.iso_format()
    if isinstance(v, list | tuple):
        return [to_python(x) for x in v]
    if isinstance(v, dict):
        return {k: to_python(x) for k, x in v.items()}
    return normalize_value(v)


def _row(record: neo4j.Record) -> list[Any]:
    return [to_python(v) for v in record.values()]


# --- the store -------------------------------------------------------------------------


def _tx_result(tx: neo4j.Transaction, query: str, parameters: Mapping[str, Any]) -> QueryResult:
    """A query run inside the transaction ``tx``, as a :class:`QueryResult`."""
    result = tx.run(query, dict(parameters))
    keys = list(result.keys())
    return QueryResult(keys, [_row(r) for r in result])


def default_personal_dir() -> Path:
    from partychain.settings import get_settings

    return get_settings().db / "personal"


class Neo4jStore(GraphStore):
    """A Neo4j 5 server.  The driver is created on first use; nothing connects before.

    A load replaces the database's graph in one transaction (:class:`_Transaction`).  The database keeps one
    year (Neo4j Community serves one user database, and one graph per database keeps the named queries as
    they are): a ledger other than the loaded one of a declared year needs ``replace``.
    """

    engine: ClassVar[str] = "neo4j"
    dialect: ClassVar[str] = "neo4j"
    single_version: ClassVar[bool] = True  # see load: one year per database

    def __init__(self, uri: str, *, user: str = "neo4j", password: str = "", database: str = "neo4j",
                 batch_size: int = 5_000, driver_config: Mapping[str, Any] | None = None,
                 personal_dir: Path | None = None) -> None:
        if not uri:
            raise ConfigError("no Neo4j URI: set PARTYCHAIN_NEO4J_URI (e.g. bolt://localhost:7687)")
        if uri.split("://", 1)[0] not in BOLT_SCHEMES:
            raise ConfigError(f"PARTYCHAIN_NEO4J_URI {uri!r} is not a Bolt URI; expected one of "
                              f"{', '.join(s + '://' for s in BOLT_SCHEMES)} (e.g. bolt://localhost:7687)")
        if batch_size < 1:
            raise ConfigError(f"neo4j batch size must be at least 1, not {batch_size}")
        self.uri = uri
        self.user = user
        self._password = password
        self.database = database
        self.batch_size = batch_size
        self._driver_config = dict(driver_config or {})
        self._driver: neo4j.Driver | None = None
        self._lock = threading.Lock()
        # personal data never goes to the server: one file per dataset version on this host
        self.personal_dir = Path(personal_dir) if personal_dir is not None else default_personal_dir()
        self._personal: dict[str, PersonalStore] = {}
        # the derived index of each dataset version, beside the personal data: <db>/derived/<version>.sqlite
        self.derived_dir = self.personal_dir.parent / "derived"
        self._derived: dict[str, DerivedIndex] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        """The store configured by ``PARTYCHAIN_NEO4J_*`` settings."""
        if not settings.neo4j_uri:
            raise ConfigError("engine is neo4j but PARTYCHAIN_NEO4J_URI is not set")
        return cls(settings.neo4j_uri, user=settings.neo4j_user,
                   password=settings.neo4j_password.get_secret_value(), database=settings.neo4j_database,
                   batch_size=settings.neo4j_batch_size, personal_dir=settings.db / "personal")

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r})"

    @property
    def driver(self) -> neo4j.Driver:
        """The driver, created on first use (thread-safe; one pool per store)."""
        with self._lock:
            if self._driver is None:
                auth = (self.user, self._password) if self._password else None
                config = {"user_agent": f"partychain/{__version__}", **DEFAULT_DRIVER_CONFIG,
                          **self._driver_config}
                try:
                    self._driver = GraphDatabase.driver(self.uri, auth=auth, **config)
                except ValueError as e:
                    raise ConfigError(f"invalid PARTYCHAIN_NEO4J_URI {self.uri!r}: {e}") from e
                except nx.DriverError as e:
                    raise map_error(e, where=f"Neo4j at {self.uri}") from e
            return self._driver

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                with contextlib.suppress(Exception):
                    self._driver.close()
                self._driver = None
            personal, self._personal = self._personal, {}
            derived, self._derived = self._derived, {}
        for p in personal.values():
            p.close()
        for d in derived.values():
            d.close()

    # --- personal data ------------------------------------------------------------------

    @property
    def local_dir(self) -> Path | None:
        return self.personal_dir.parent

    def personal_path(self, version: str) -> Path:
        """The personal-data store of a dataset version on this host."""
        return self.personal_dir / f"{version}.sqlite"

    def personal_of(self, version: str) -> PersonalStore:
        with self._lock:
            store = self._personal.get(version)
            if store is None:
                store = self._personal[version] = PersonalStore(self.personal_path(version))
            return store

    def personal(self) -> PersonalStore:
        info = self.dataset()
        if info is None:
            raise PersonalDataUnavailable(f"no dataset is loaded in Neo4j at {self.uri}")
        return self.personal_of(info.version)

    # --- derived index ------------------------------------------------------------------

    def derived_path(self, version: str) -> Path:
        """The derived index of a dataset version on this host (:mod:`partychain.storage.derived`)."""
        return self.derived_dir / f"{version}.sqlite"

    def derived_of(self, version: str) -> DerivedIndex:
        """The derived index of dataset ``version``; one missing or stale is derived again from the graph, while
        the server still holds that version (else :class:`DerivedIndexUnavailable`)."""
        with self._lock:
            index = self._derived.get(version)
        if index is not None:
            return index
        index = open_derived(self.derived_path(version), version=version,
                             rebuild=lambda path: self._rebuild_derived(path, version))
        with self._lock:
            index = self._derived.setdefault(version, index)
            for old in [v for v in self._derived if v != version][:-2]:  # two others stay for pinned requests
                self._derived.pop(old).close()
        return index

    def _rebuild_derived(self, path: Path, version: str) -> dict[str, int]:
        """Derive the index of ``version`` from the server's graph, which must hold that version throughout."""
        def holding() -> None:
            info = self.dataset()
            if info is None or info.version != version:
                path.unlink(missing_ok=True)
                raise StoreError(f"Neo4j at {self.uri} holds dataset version "
                                 f"{info.version if info else None!r}, not {version!r}: try again")

        holding()
        path.parent.mkdir(parents=True, exist_ok=True)
        counts = write_derived(path, self.run, dialect=self.dialect, version=version)
        holding()  # a load committed meanwhile: the index may mix two graphs
        return counts

    def derived(self) -> DerivedIndex | None:
        info = self.dataset()
        return self.derived_of(info.version) if info is not None else None

    @contextlib.contextmanager
    def pinned(self, year: int | None = None) -> Iterator[GraphStore]:
        """A view whose personal data is that of the dataset version loaded now (the graph itself changes
        only by a load's single commit).  The database keeps one year: another ``year`` is
        :class:`~partychain.errors.YearNotLoaded`."""
        info = self.dataset()
        if year is not None and (info is None or info.year != year):
            raise YearNotLoaded(year, [info.year] if info is not None and info.year is not None else [])
        yield _PinnedNeo4j(self, info)

    def _prune_personal(self, keep: set[str]) -> None:
        """Remove personal-data files of versions no longer loaded (the two newest others stay a while for
        requests that pinned them).

        A ``.partial`` file may belong to a load running now in another process (waiting for this
        one's lock on the manifest, then writing): only one older than a load's time limit
        (:data:`LOAD_TIMEOUT_S`), left by a killed loader, is removed.
        """
        files = sorted(self.personal_dir.glob("*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
        spare = [p for p in files if p.stem not in keep][2:]
        stale = time.time() - LOAD_TIMEOUT_S - 60
        partial = []
        for p in self.personal_dir.glob("*.sqlite.partial"):
            with contextlib.suppress(FileNotFoundError):
                if p.stat().st_mtime < stale:
                    partial.append(p)
        for p in [*spare, *partial]:
            if p.stem.removesuffix(".sqlite") in keep:
                continue
            p.unlink(missing_ok=True)
            log.info("removed personal-data store %s", p.name)
        for p in self.derived_dir.glob("*.sqlite"):  # derived indexes go with their version's personal data
            if p.stem not in keep and not self.personal_path(p.stem).exists():
                p.unlink(missing_ok=True)
                log.info("removed derived index %s", p.name)

    def _session(self, access_mode: str, **config: Any) -> neo4j.Session:
        # Chained to execute_query's bookmarks: on a cluster, reads after a load see it.
        return self.driver.session(database=self.database, default_access_mode=access_mode,
                                   bookmark_manager=self.driver.execute_query_bookmark_manager, **config)

    @contextlib.contextmanager
    def _errors(self, *, timeout_s: float | None = None) -> Iterator[None]:
        try:
            yield
        except (nx.Neo4jError, nx.DriverError) as e:
            raise map_error(e, timeout_s=timeout_s, where=f"Neo4j at {self.uri}") from e

    # --- reading ---------------------------------------------------------------------

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        with self._errors():
            records, _, keys = self.driver.execute_query(
                query, parameters_=dict(parameters or {}), routing_=RoutingControl.READ, database_=self.database)
        return QueryResult(list(keys), [_row(r) for r in records])

    def run_readonly(self, query: str, parameters: Mapping[str, Any] | None = None, *,
                     timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        # The guard refuses file and network access (LOAD CSV, apoc.load.*), other databases (USE),
        # procedures beyond schema discovery and other users' queries (SHOW TRANSACTIONS); READ access
        # mode: the server refuses every write; Query.timeout: the server ends the transaction at the
        # limit.  Rows past max_rows are never pulled.
        guard.check(query, parameters)
        if max_rows < 0:
            raise ValueError("max_rows must be >= 0")
        timeout = max(float(timeout_s), 0.001)  # the driver reads 0 as "no limit"
        rows: list[list[Any]] = []
        budget = RowBudget(max_rows)  # list elements count against the row cap too
        with self._errors(timeout_s=timeout_s), \
                self._session(READ_ACCESS, fetch_size=max(1, min(max_rows + 1, 1_000))) as session:
            result = session.run(neo4j.Query(query, timeout=timeout), dict(parameters or {}))
            keys = list(result.keys())
            for record in result:
                row = budget.take(_row(record))
                if row is None:
                    break
                rows.append(row)
            cut = budget.cut
            if cut:  # discard the rest; the rows we have stand even if the server fails it later
                with contextlib.suppress(nx.Neo4jError, nx.DriverError):
                    result.consume()
            else:
                result.consume()  # surfaces a late error (e.g. a write refused at commit)
        return QueryResult(keys, rows), cut

    def iter_nodes(self, label: str) -> Iterator[list[Any]]:
        """As :meth:`GraphStore.iter_nodes` (rows of :func:`~.base.node_query`, in key order), read in pages of
        :data:`BULK_PAGE` nodes, each page one list (:func:`node_page_statement`)."""
        key = list(graph_properties_of(NODES[label])).index(NODES[label].KEY)
        after: Any = None
        with self._errors(), self._session(READ_ACCESS) as session:
            while True:
                record = session.run(node_page_statement(label, first=after is None),
                                     {"after": after, "page": BULK_PAGE}).single(strict=True)
                rows = to_python(record["rows"])
                yield from rows
                if len(rows) < BULK_PAGE:
                    return
                after = rows[-1][key]

    def iter_relationships(self, rtype: str) -> Iterator[list[Any]]:
        """As :meth:`GraphStore.iter_relationships`, each endpoint pair read in pages of :data:`BULK_PAGE` start
        nodes, each page one list (:func:`relationship_page_statement`)."""
        for a, b in RELS[rtype].ENDPOINTS:
            rows: list[list[Any]] = []
            after: Any = None
            with self._errors(), self._session(READ_ACCESS) as session:
                while True:
                    record = session.run(relationship_page_statement(rtype, a, b, first=after is None),
                                         {"after": after, "page": BULK_PAGE}).single()
                    if record is None:  # no start nodes left
                        break
                    rows += to_python(record["rows"])
                    if record["nodes"] < BULK_PAGE:
                        break
                    after = record["last"]
            for row in sorted(rows, key=lambda r: [str(v) for v in r]):
                yield [a, row[0], b, row[1], *row[2:]]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per model label (the ``_Dataset`` manifest left out) and relationships per type."""
        nodes, rels = super().counts()
        nodes.pop(DATASET_LABEL, None)
        return nodes, rels

    def dataset(self) -> DatasetInfo | None:
        res = self.run(f"MATCH (d:{DATASET_LABEL} {{id: $id}}) RETURN d.json AS json", {"id": DATASET_ID})
        raw = res.scalar()
        if not raw:
            return None
        data = json.loads(raw)
        return DatasetInfo(**{f.name: data[f.name] for f in dataclasses.fields(DatasetInfo) if f.name in data})

    # --- loading ---------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the model's uniqueness constraints (idempotent) and wait for their indexes."""
        with self._errors(), self._session(WRITE_ACCESS) as session:
            for stmt in [*neo4j_constraints(), DATASET_CONSTRAINT]:
                session.run(stmt).consume()
            session.run(neo4j.Query("CALL db.awaitIndexes($s)", timeout=AWAIT_INDEXES_S + 30),
                        {"s": AWAIT_INDEXES_S}).consume()

    def _write_batch(self, tx: neo4j.Transaction, statement: str, rows: Sequence[Mapping[str, Any]]) -> Any:
        """Run one batch inside the load transaction; returns the summary's counters."""
        return tx.run(statement, {"rows": list(rows)}).consume().counters

    @contextlib.contextmanager
    def _load_target(self, version: str, step: Callable[[str], None]) -> Iterator[LoadTarget]:
        """The load's one write transaction (:class:`_Transaction`), after the constraints; a failure rolls it
        back and removes the version's personal-data store and derived index on this host."""
        self.ensure_schema()
        step("constraints")
        where = f"Neo4j at {self.uri}"
        self.personal_dir.mkdir(parents=True, exist_ok=True)
        self.derived_dir.mkdir(parents=True, exist_ok=True)
        target = _Transaction(self, version, step)
        try:
            target.personal_file.unlink(missing_ok=True)
            with self._session(WRITE_ACCESS) as session:
                target.session = session
                try:
                    yield target
                finally:
                    if target.tx is not None and not target.tx.closed():
                        target.tx.close()  # rolls back: the previous dataset stays
        except nx.IncompleteCommit as e:
            target.committed = True  # perhaps: keep the personal data of the version that may be in place
            raise StoreError(f"the connection to {where} was lost during the commit: the new dataset may or may "
                             "not be in place; `partychain stats` shows which one is loaded") from e
        except (nx.Neo4jError, nx.DriverError) as e:
            err = map_error(e, where=where)
            raise type(err)(f"load failed, the previous dataset is unchanged: {err}") from e
        finally:
            if not target.committed:
                target.personal_file.unlink(missing_ok=True)
                self.personal_path(version).unlink(missing_ok=True)
                self.derived_path(version).unlink(missing_ok=True)

    def _loaded(self, info: DatasetInfo) -> None:
        self._prune_personal({info.version})


class _Transaction(LoadTarget):
    """A Neo4j load: one explicit write transaction that takes the manifest node's lock, replaces the graph in
    place (:class:`UnwindWriter`), derives the index from inside the transaction and sets the manifest; the
    commit publishes it (see the module docstring)."""

    steps: ClassVar[int] = 4  # constraints, previous relationships deleted, previous nodes deleted, committed

    def __init__(self, store: Neo4jStore, version: str, step: Callable[[str], None]) -> None:
        self.store = store
        self.version = version
        self.step = step
        self.personal_file = store.personal_dir / f"{version}.sqlite.partial"  # renamed before the commit
        self.session: neo4j.Session | None = None
        self.tx: neo4j.Transaction | None = None
        self.committed = False

    def _tx(self) -> neo4j.Transaction:
        if self.tx is None:
            raise StoreError("the load transaction is not open")
        return self.tx

    def write(self, ledger: ValidatedLedger, step: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
        assert self.session is not None
        self.tx = tx = self.session.begin_transaction(
            metadata={"app": "partychain", "op": "load", "version": self.version}, timeout=LOAD_TIMEOUT_S)
        # the manifest node's write lock first: a second concurrent load waits here instead of interleaving
        tx.run(f"MERGE (d:{DATASET_LABEL} {{id: $id}}) SET d.loading = $version",
               {"id": DATASET_ID, "version": self.version}).consume()
        return write_ledger(UnwindWriter(tx, self.store.batch_size, write_batch=self.store._write_batch, step=step),
                            ledger, step)

    def derive(self, version: str) -> None:
        # named for its version: no reader opens it before the commit
        tx = self._tx()
        write_derived(self.store.derived_path(version), lambda text, params: _tx_result(tx, text, params),
                      dialect=self.store.dialect, version=version)

    def publish(self, info: DatasetInfo) -> None:
        tx = self._tx()
        self.personal_file.rename(self.store.personal_path(info.version))  # before the graph that names it is seen
        tx.run(f"MATCH (d:{DATASET_LABEL} {{id: $id}}) "
               "SET d.json = $json, d.version = $version, d.loaded_at = $loaded_at, d.loading = null",
               {"id": DATASET_ID, "json": json.dumps(info.to_dict(), ensure_ascii=False),
                "version": info.version, "loaded_at": info.loaded_at}).consume()
        tx.commit()
        self.committed = True
        self.step("committed")


class UnwindWriter:
    """Neo4j's :class:`~partychain.storage.writer.GraphWriter`: batched ``UNWIND`` statements inside one open
    transaction, replacing the graph there in place (steps 2-6 of the module docstring).

    ``begin`` reads the keys and element ids of the nodes there now and deletes every relationship; ``nodes``
    creates each batch's rows whose key was not there (:func:`create_statement`) and merges the others by key
    (:func:`node_statement`), checking that exactly the new keys created nodes; ``relationships`` creates each
    batch between key-anchored endpoints (:func:`relationship_statement`) and checks every row found both;
    ``end`` deletes the nodes whose key was not written, by element id, and any node without a model label.
    Any mismatch is a
    :class:`~partychain.errors.StoreError` (the caller rolls the transaction back).
    """

    def __init__(self, tx: neo4j.Transaction, batch_size: int, *,
                 write_batch: Callable[[neo4j.Transaction, str, Sequence[Mapping[str, Any]]], Any],
                 step: Callable[[str], None] | None = None) -> None:
        self.tx = tx
        self.batch_size = batch_size
        self.write_batch = write_batch  # runs one batch, returns the summary's counters
        self.step = step
        self.old: dict[str, dict[Any, str]] = {}
        self.new_keys: dict[str, set[Any]] = {}

    def begin(self) -> None:
        self.old = {label: dict(self.tx.run(existing_statement(label)).values()) for label in NODES}
        self.tx.run(DELETE_RELATIONSHIPS).consume()
        if self.step:
            self.step("previous relationships deleted")

    def nodes(self, label: str, frame: Frame) -> int:
        key, was = NODES[label].KEY, self.old.get(label, {})
        keys = self.new_keys.setdefault(label, set())
        for part in batches(frame, self.batch_size):  # rows are built one batch at a time
            batch = node_rows(part, label)
            fresh = [row for row in batch if row[key] not in was]
            there = [row for row in batch if row[key] in was] if len(fresh) < len(batch) else []
            for stmt, rows, new in ((create_statement(label), fresh, len(fresh)), (node_statement(label), there, 0)):
                if not rows:
                    continue
                created = self.write_batch(self.tx, stmt, rows).nodes_created
                if created != new:
                    raise StoreError(f"load failed, the previous dataset is unchanged: {label}: "
                                     f"{len(rows)} rows with {new} new keys created {created} nodes")
            keys.update(row[key] for row in batch)
        return len(frame)

    def relationships(self, rtype: str, from_label: str, to_label: str, frame: Frame) -> int:
        stmt = relationship_statement(rtype, from_label, to_label)
        for part in batches(frame, self.batch_size):
            batch = relationship_rows(part, rtype, from_label, to_label)
            created = self.write_batch(self.tx, stmt, batch).relationships_created
            if created != len(batch):
                raise StoreError(f"load failed, the previous dataset is unchanged: {rtype} {from_label}→{to_label}: "
                                 f"{len(batch) - created} of {len(batch)} rows did not find both endpoints")
        return len(frame)

    def end(self) -> None:
        gone = [eid for label, was in self.old.items() for k, eid in was.items()
                if k not in self.new_keys.get(label, ())]
        for part in batches(gone, self.batch_size):
            deleted = self.write_batch(self.tx, DELETE_BY_ID, part).nodes_deleted
            if deleted != len(part):
                raise StoreError(f"load failed, the previous dataset is unchanged: {len(part)} nodes to delete, "
                                 f"{deleted} deleted")
        self.tx.run(stray_statement()).consume()
        if self.step:
            self.step(f"{len(gone)} previous nodes deleted")


class _PinnedNeo4j(GraphStore):
    """A :class:`Neo4jStore` with its dataset version (and so its personal data) fixed for one request."""

    engine: ClassVar[str] = "neo4j"
    dialect: ClassVar[str] = "neo4j"

    def __init__(self, store: Neo4jStore, info: DatasetInfo | None) -> None:
        self._store = store
        self._info = info

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        return self._store.run(query, parameters)

    def run_readonly(self, query: str, parameters: Mapping[str, Any] | None = None, *,
                     timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        return self._store.run_readonly(query, parameters, timeout_s=timeout_s, max_rows=max_rows)

    def load(self, ledger: Any, *, source: str, progress: Progress | None = None,
             replace: bool = False) -> DatasetInfo:
        raise StoreError("a pinned view cannot load; load through the store")

    def dataset(self) -> DatasetInfo | None:
        return self._info

    def personal(self) -> PersonalStore:
        if self._info is None:
            raise PersonalDataUnavailable(f"no dataset is loaded in Neo4j at {self._store.uri}")
        return self._store.personal_of(self._info.version)

    def derived(self) -> DerivedIndex | None:
        return self._store.derived_of(self._info.version) if self._info is not None else None

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        return self._store.counts()

    @property
    def local_dir(self) -> Path | None:
        return self._store.local_dir
