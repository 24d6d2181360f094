"""The embedded engine: LadybugDB files in a versioned directory, swapped atomically.

Layout of the configured directory::

    DB/
      current -> years/<latest year>     symbolic link to the graph readers use by default: the latest year's
                                         (-> versions/<version> for a ledger that declares no year)
      years/<year> -> ../versions/<v>    one link per year kept (a ledger declares its year in its ``ledger`` table)
      versions/<version>/graph.lbdb      one LadybugDB database per load (+ its side files)
      versions/<version>/personal.sqlite the version's personal-data store (never in the graph)
      versions/<version>/derived.sqlite  the version's derived index (partychain.storage.derived)
      versions/<version>/manifest.json   what was loaded, when, counts
      versions/<version>.partial/        a load in progress (removed by the next load if it died)
      .current.<pid>                     the new link before its atomic swap (same)
      .load.lock                         one loader at a time

A load follows the one template of :meth:`GraphStore.load <partychain.storage.base.GraphStore.load>`; this
engine's hooks are the load lock (``.load.lock``, which also removes what a killed load left) and the target,
a new version directory (:class:`_NewVersion`): into ``versions/<version>.partial`` go the personal-data
store, a complete new database built by :class:`CopyWriter` (bulk ``COPY`` from Arrow tables, closed with its
WAL checkpointed), its derived index (from a read-only open) and the manifest; publishing renames the
directory and then atomically replaces the link of its year (``years/<year>``); ``current`` names the latest
year's link, so reloading the latest year swaps one link and a newer year swaps ``current`` once. A failed or
killed load leaves the previous graph untouched, and readers never see half a load. Loading a year replaces
that year only; the other years stay as they are. Readers open the database read-only and follow ``current``
(or the year's link) on every call, so a running API picks up a new graph without a restart; a version is
closed once its last in-flight query ends, or once no link names it any more.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import ladybug
import pyarrow as pa

from partychain.errors import (
    DerivedIndexUnavailable,
    GraphNotLoaded,
    StoreError,
    YearNotLoaded,
)
from partychain.graph_model import NODES, RELS, graph_properties_of, ladybug_ddl
from partychain.graph_model.frames import ValidatedLedger
from partychain.graph_model.properties import PropertySpec

from . import guard
from .base import (
    FORMAT,
    TABLE_ROWS,
    DatasetInfo,
    GraphStore,
    LoadTarget,
    Progress,
    QueryResult,
    node_query,
    node_schema,
    relationship_query,
    relationship_schema,
)
from .derived import FILE as DERIVED_FILE
from .derived import DerivedIndex, open_derived, write_derived
from .ladybug_adapter import engine_error, read_columns, read_result
from .personal import FILE as PERSONAL_FILE
from .personal import PersonalStore
from .sandbox import Limits, WorkerPool
from .writer import Frame, as_table, write_ledger

log = logging.getLogger(__name__)

GRAPH_FILE = "graph.lbdb"
MANIFEST = "manifest.json"
ENGINE_QUERIES = max(2, os.cpu_count() or 2)
"""Trusted queries running in the engine at once per graph version (and its pooled connections): one per
CPU; each connection holds on to the memory its queries used (~350 MB on the Songtao sample)."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Version:
    """One opened graph version: a read-only database, a few pooled connections, a use count.

    A connection keeps what its queries prepared (plans: reusing one halves the time of the
    catalog's queries) and also the memory they used, so connections are pooled — at most
    :data:`ENGINE_QUERIES` of them, which is also how many queries run in the engine at once —
    rather than kept one per thread: a server's thread pool (40 threads) would otherwise hold up to
    40 connections' memory (docs/benchmarks.md, "Measurements behind rules in the code").
    """

    def __init__(self, name: str, path: Path, *, buffer_pool_mb: int = 0) -> None:
        self.name = name
        self.path = path
        try:
            self.db = ladybug.Database(str(path / GRAPH_FILE), read_only=True,
                                       buffer_pool_size=_buffer_pool_bytes(path / GRAPH_FILE, buffer_pool_mb))
        except RuntimeError as e:
            raise StoreError(f"cannot open graph {path}: {e}") from e
        try:  # read now: a pinned reader still describes its version after a later load pruned the folder
            self.info: DatasetInfo | None = _manifest(path)
        except (OSError, ValueError, TypeError):
            self.info = None
        if self.info is not None and self.info.format < FORMAT:
            self.db.close()
            raise StoreError(f"graph version {name} was loaded by an older partychain that kept personal data in "
                             "the graph; load the ledger again (`partychain load LEDGER`)")
        self.personal = PersonalStore(path / PERSONAL_FILE)
        self._idle: list[ladybug.Connection] = []
        self._conns: list[ladybug.Connection] = []
        self._free = threading.BoundedSemaphore(ENGINE_QUERIES)
        self._lock = threading.Lock()
        self.users = 0
        self.retired = False
        try:  # checked at open: an index missing or of another version is derived again from this graph
            self.derived: DerivedIndex = open_derived(path / DERIVED_FILE, version=name, rebuild=self._rebuild)
        except DerivedIndexUnavailable:
            self.close()
            raise

    def _rebuild(self, out: Path) -> dict[str, int]:
        return write_derived(out, lambda text, params: _run_on(self, text, params), dialect="ladybug",
                             version=self.name)

    @contextlib.contextmanager
    def connection(self) -> Iterator[ladybug.Connection]:
        """A connection of the pool for one query (waits while :data:`ENGINE_QUERIES` queries run)."""
        with self._free:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = ladybug.Connection(self.db)
                with self._lock:
                    self._conns.append(conn)
            try:
                yield conn
            finally:
                with self._lock:
                    self._idle.append(conn)

    def close(self) -> None:
        for c in self._conns:
            with contextlib.suppress(Exception):
                c.close()
        with contextlib.suppress(Exception):
            self.db.close()
        self.personal.close()
        derived: DerivedIndex | None = getattr(self, "derived", None)
        if derived is not None:
            derived.close()


def _result(res: Any, max_rows: int | None = None) -> tuple[QueryResult, bool]:
    columns, rows, cut = read_result(res, max_rows)
    return QueryResult(columns, rows), cut


def _buffer_pool_bytes(file: Path, mb: int) -> int:
    """The read handle's buffer pool: ``mb`` MiB, or (0) 2 GiB or four times the graph file, whichever is larger.

    LadybugDB's own default is 80% of the machine's memory, and what its connections once used they
    keep: the pool is the backstop that bounds the server (with pooled connections the Songtao sample
    needs ~1.1 GB in all).  A query that finds the pool full fails as retryable (:class:`~partychain.errors.StoreBusy`,
    503).  Keep the bound well above the need: LadybugDB 0.22 was seen to crash (SIGSEGV) shortly
    after its pool ran full under concurrent load.
    """
    if mb > 0:
        return mb << 20
    size = file.stat().st_size if file.exists() else 0
    return max(2 << 30, 4 * size)


@contextlib.contextmanager
def _engine_errors() -> Iterator[None]:
    """Engine failures as the store's errors (:func:`~.ladybug_adapter.engine_error`)."""
    try:
        yield
    except RuntimeError as e:
        raise engine_error(str(e)) from e


def _run_on(v: _Version, query: str, parameters: Mapping[str, Any] | None) -> QueryResult:
    with v.connection() as conn, _engine_errors():
        return _result(conn.execute(query, dict(parameters or {})))[0]


def _manifest(version_dir: Path) -> DatasetInfo:
    data = json.loads((version_dir / MANIFEST).read_text(encoding="utf-8"))
    return DatasetInfo(**data)


class _Pinned(GraphStore):
    """One graph version of an :class:`EmbeddedStore`, for several queries that must agree (see ``pinned``)."""

    engine: ClassVar[str] = "embedded"
    dialect: ClassVar[str] = "ladybug"

    def __init__(self, store: EmbeddedStore, version: _Version) -> None:
        self._store = store
        self._v = version

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        return _run_on(self._v, query, parameters)

    def run_readonly(self, query: str, parameters: Mapping[str, Any] | None = None, *,
                     timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        guard.check(query, parameters)
        with self._store._hold(self._v):  # the caller may run this on a thread that outlives the pin
            return self._store._readonly_on(self._v, query, parameters, timeout_s=timeout_s, max_rows=max_rows)

    def load(self, ledger: Any, *, source: str, progress: Progress | None = None,
             replace: bool = False) -> DatasetInfo:
        raise StoreError("a pinned graph version cannot be replaced; load through the store")

    def versions(self) -> list[DatasetInfo]:
        return self._store.versions()

    def dataset(self) -> DatasetInfo | None:
        return self._v.info or _manifest(self._v.path)

    @contextlib.contextmanager
    def pinned(self, year: int | None = None) -> Iterator[GraphStore]:
        """This view for its own year (or ``None``); the store's view of another year."""
        info = self.dataset()
        if year is None or (info is not None and info.year == year):
            yield self
        else:
            with self._store.pinned(year) as other:
                yield other

    def personal(self) -> PersonalStore:
        return self._v.personal

    def derived(self) -> DerivedIndex:
        return self._v.derived

    @property
    def local_dir(self) -> Path | None:
        return self._store.path


class EmbeddedStore(GraphStore):
    """The default engine: LadybugDB, no server.  ``path`` is the graph directory."""

    engine: ClassVar[str] = "embedded"
    dialect: ClassVar[str] = "ladybug"

    def __init__(self, path: Path, *, keep_versions: int = 2, threads: int = 0, query_workers: int = 4,
                 worker_limits: Limits | None = None, buffer_pool_mb: int = 0) -> None:
        self.path = Path(path)
        self.keep_versions = keep_versions
        self.threads = threads
        self.buffer_pool_mb = buffer_pool_mb  # of the read handle; 0: see _buffer_pool_bytes
        # untrusted (researcher) queries: in this many worker processes; 0 runs them in this process
        self.query_workers = query_workers
        self.worker_limits = worker_limits or Limits()
        self._lock = threading.Lock()
        self._open: dict[str, _Version] = {}  # opened versions by name (the latest year's, and others asked for)
        self._pool: WorkerPool | None = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"

    # --- reading -------------------------------------------------------------------

    @property
    def local_dir(self) -> Path | None:
        return self.path

    @property
    def current_link(self) -> Path:
        return self.path / "current"

    @property
    def years_dir(self) -> Path:
        return self.path / "years"

    def _link(self, year: int | None) -> Path:
        return self.current_link if year is None else self.years_dir / str(year)

    def _current_name(self, year: int | None = None) -> str | None:
        """The version the link of ``year`` (``None``: ``current``, through its year's link) names."""
        link = self._link(year)
        if not link.is_symlink():
            return None
        return Path(os.path.realpath(link)).name

    def _year_links(self) -> dict[int, str]:
        """Year → the version its link names."""
        out: dict[int, str] = {}
        if self.years_dir.is_dir():
            for link in self.years_dir.iterdir():
                if link.name.isdigit() and link.is_symlink():
                    out[int(link.name)] = os.readlink(link).split("/")[-1]
        return dict(sorted(out.items()))

    def _linked(self) -> set[str]:
        """The versions some link names (the ``current`` one and each year's)."""
        names = set(self._year_links().values())
        current = self._current_name()
        if current is not None:
            names.add(current)
        return names

    def years(self) -> list[int]:
        return list(self._year_links())

    def versions(self) -> list[DatasetInfo]:
        """The versions kept, one per year, oldest year first; the ``current`` one last when it has no year."""
        out = [_manifest(self.path / "versions" / name) for name in self._year_links().values()]
        current = self._current_name()
        if current is not None and current not in {v.version for v in out}:
            out.append(_manifest(self.path / "versions" / current))
        return out

    @contextlib.contextmanager
    def _use(self, year: int | None = None) -> Iterator[_Version]:
        name = self._current_name(year)
        if name is None:
            if year is not None:
                raise YearNotLoaded(year, self.years())
            raise GraphNotLoaded(f"no graph loaded at {self.path} (run `partychain load LEDGER` or "
                                 "`partychain sample songtao --load`)")
        with self._lock:
            v = self._open.get(name)
            if v is None:
                v = _Version(name, self.path / "versions" / name, buffer_pool_mb=self.buffer_pool_mb)
                self._open[name] = v
                log.info("opened graph version %s", name)
                linked = self._linked()
                for other in list(self._open.values()):  # versions no link names any more: close when idle
                    if other.name != name and other.name not in linked:
                        del self._open[other.name]
                        other.retired = True
                        if other.users == 0:
                            other.close()
            v.users += 1
        try:
            yield v
        finally:
            self._release(v)

    def _release(self, v: _Version) -> None:
        """One user of ``v`` less; the last user of a retired version closes it."""
        with self._lock:
            v.users -= 1
            if v.retired and v.users == 0:
                v.close()

    @contextlib.contextmanager
    def _hold(self, v: _Version) -> Iterator[_Version]:
        """Keep ``v`` open while in use, like ``_use`` but for a version already pinned."""
        with self._lock:
            if v.retired and v.users == 0:
                raise StoreError(f"graph version {v.name} was closed")
            v.users += 1
        try:
            yield v
        finally:
            self._release(v)

    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> QueryResult:
        with self._use() as v:
            return _run_on(v, query, parameters)

    def _arrow(self, query: str, batch_rows: int) -> pa.Table:
        """A whole result as one Arrow table in ``batch_rows`` chunks, converted by the engine (no Python rows)."""
        with self._use() as v, v.connection() as conn, _engine_errors():
            res = conn.execute(query)
            if isinstance(res, list):  # several statements: the last one answers
                res = res[-1]
            try:
                return res.get_as_arrow(batch_rows)
            finally:
                res.close()

    def iter_node_tables(self, label: str, *, batch_rows: int = TABLE_ROWS) -> Iterator[pa.Table]:
        """As :meth:`GraphStore.iter_node_tables`, with the columns built by the engine."""
        schema = node_schema(label)
        for batch in self._arrow(node_query(label), batch_rows).to_batches():
            yield pa.Table.from_batches([batch]).cast(schema)

    def iter_relationship_tables(self, rtype: str, *, batch_rows: int = TABLE_ROWS
                                 ) -> Iterator[tuple[str, str, pa.Table]]:
        """As :meth:`GraphStore.iter_relationship_tables`, with the columns built by the engine."""
        schema = relationship_schema(rtype)
        for a, b in RELS[rtype].ENDPOINTS:
            for batch in self._arrow(relationship_query(rtype, a, b), batch_rows).to_batches():
                yield a, b, pa.Table.from_batches([batch]).cast(schema)

    def run_readonly(self, query: str, parameters: Mapping[str, Any] | None = None, *,
                     timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        # Untrusted text, whoever sends it: the guard refuses file access, engine settings and parser
        # hazards; the database is opened read_only, so the engine itself refuses every write; and the
        # query runs in a worker process (partychain.storage.sandbox) that a crash or a runaway only kills.
        guard.check(query, parameters)
        with self._use() as v:
            return self._readonly_on(v, query, parameters, timeout_s=timeout_s, max_rows=max_rows)

    def _readonly_on(self, v: _Version, query: str, parameters: Mapping[str, Any] | None, *,
                     timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        if self.query_workers > 0:
            return self.workers().run(v.path / GRAPH_FILE, query, dict(parameters or {}), timeout_s=timeout_s,
                                      max_rows=max_rows)
        conn = ladybug.Connection(v.db)
        try:
            conn.set_query_timeout(int(timeout_s * 1000))
            res = conn.execute(query, dict(parameters or {}))
            return _result(res, max_rows)
        except RuntimeError as e:
            raise engine_error(str(e), timeout_s=timeout_s) from e
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def workers(self) -> WorkerPool:
        """The worker processes of untrusted queries (created on first use)."""
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self.query_workers, self.worker_limits)
            return self._pool

    def prepare_readonly(self) -> None:
        if self.query_workers > 0:
            self.workers().start(wait=True)

    @contextlib.contextmanager
    def pinned(self, year: int | None = None) -> Iterator[GraphStore]:
        with self._use(year) as v:
            yield _Pinned(self, v)

    def dataset(self) -> DatasetInfo | None:
        name = self._current_name()
        if name is None:
            return None
        return _manifest(self.path / "versions" / name)

    def personal(self) -> PersonalStore:
        """The personal-data store of the current version (pin the store to read it beside the graph)."""
        with self._use() as v:
            return v.personal

    def derived(self) -> DerivedIndex:
        """The derived index of the current version (pin the store to read it beside the graph)."""
        with self._use() as v:
            return v.derived

    def close(self) -> None:
        with self._lock:
            for v in self._open.values():
                v.close()
            self._open.clear()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    # --- loading ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _load_lock(self) -> Iterator[None]:
        """One loader at a time (``.load.lock``); what a killed load left is removed under it."""
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / ".load.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise StoreError(f"another load into {self.path} is running") from e
            versions = self.path / "versions"
            versions.mkdir(exist_ok=True)
            for stale in versions.glob("*.partial"):
                log.warning("removing an unfinished load: %s", stale)
                shutil.rmtree(stale, ignore_errors=True)
            for link in [*self.path.glob(".current.*"), *self.years_dir.glob(".*.tmp.*")]:
                link.unlink(missing_ok=True)  # a load killed before its link swap (we hold the lock)
            yield
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _load_target(self, version: str, step: Callable[[str], None]) -> Iterator[LoadTarget]:
        """A new version directory, ``versions/<version>.partial``, removed again if the load fails."""
        partial = self.path / "versions" / f"{version}.partial"
        partial.mkdir()
        try:
            yield _NewVersion(self, partial)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise

    def _loaded(self, info: DatasetInfo) -> None:
        self._prune(self.path / "versions", keep=info.version)

    def _publish(self, partial: Path, info: DatasetInfo) -> None:
        """Write the manifest, make the version directory durable and final, then swap its year's link (and
        ``current``, when the year is the latest)."""
        (partial / MANIFEST).write_text(json.dumps(info.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        for f in partial.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        versions = partial.parent
        name, year = info.version, info.year
        partial.rename(versions / name)
        _fsync_dir(versions)
        if year is None:
            _swap_link(self.current_link, Path("versions") / name, self.path / f".current.{os.getpid()}")
            return
        self.years_dir.mkdir(exist_ok=True)
        _swap_link(self.years_dir / str(year), Path("..") / "versions" / name,
                   self.years_dir / f".{year}.tmp.{os.getpid()}")
        latest = Path("years") / str(max(self.years()))
        if not self.current_link.is_symlink() or Path(os.readlink(self.current_link)) != latest:
            _swap_link(self.current_link, latest, self.path / f".current.{os.getpid()}")

    def _write(self, file: Path, ledger: ValidatedLedger, step: Callable[[str], None]
               ) -> tuple[dict[str, int], dict[str, int]]:
        """Build the graph database ``file`` from the ledger (:class:`CopyWriter`), closed and checkpointed."""
        db = ladybug.Database(str(file), max_num_threads=self.threads)
        conn = ladybug.Connection(db)
        try:
            return write_ledger(CopyWriter(conn), ledger, step)
        finally:
            conn.close()
            db.close()

    def _derive(self, graph: Path, out: Path, *, version: str) -> dict[str, int]:
        """The derived index of the graph just written (:mod:`partychain.storage.derived`), from a read-only open."""
        db = ladybug.Database(str(graph), read_only=True, max_num_threads=self.threads,
                              buffer_pool_size=_buffer_pool_bytes(graph, self.buffer_pool_mb))
        conn = ladybug.Connection(db)
        try:
            def run(text: str, params: Mapping[str, Any]) -> QueryResult:
                with _engine_errors():
                    return QueryResult(*read_columns(conn.execute(text, dict(params))))

            return write_derived(out, run, dialect=self.dialect, version=version)
        finally:
            conn.close()
            db.close()

    def _prune(self, versions: Path, keep: str) -> None:
        """Remove old versions: every version a link names stays, and of the others the newest
        ``keep_versions - 1`` (a replaced year's previous graph, for readers still on it)."""
        linked = self._linked() | {keep}
        done = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.endswith(".partial"))
        spare = [p for p in done if p.name not in linked]
        old = spare[: max(0, len(spare) - max(0, self.keep_versions - 1))]
        for p in old:
            shutil.rmtree(p, ignore_errors=True)
            log.info("removed old graph version %s", p.name)

    def drop(self, year: int) -> DatasetInfo:
        """Remove the version of ``year`` (its link, then its files); ``current`` moves to the latest year left."""
        with self._load_lock():
            name = self._current_name(year)
            if name is None:
                raise YearNotLoaded(year, self.years())
            info = _manifest(self.path / "versions" / name)
            current = Path(os.readlink(self.current_link)) if self.current_link.is_symlink() else None
            if current == Path("years") / str(year):  # current first: it never dangles
                left = [y for y in self._year_links() if y != year]
                if left:
                    _swap_link(self.current_link, Path("years") / str(max(left)),
                               self.path / f".current.{os.getpid()}")
                else:
                    self.current_link.unlink()
                    _fsync_dir(self.path)
            (self.years_dir / str(year)).unlink()
            _fsync_dir(self.years_dir)
            linked = self._linked()
            for p in (self.path / "versions").iterdir():  # the year's graph and its replaced predecessors
                if p.is_dir() and p.name not in linked and not p.name.endswith(".partial"):
                    with contextlib.suppress(OSError, ValueError, TypeError):
                        if p.name == name or _manifest(p).year == year:
                            shutil.rmtree(p, ignore_errors=True)
            log.info("dropped the %d version %s", year, name)
            return info


def _swap_link(link: Path, target: Path, tmp: Path) -> None:
    """Point ``link`` at ``target`` atomically (a new link renamed over the old one), durably."""
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, link)
    _fsync_dir(link.parent)


SMALL_TABLE_ROWS = 10_000
"""A label with fewer rows than this is written with ``LOAD FROM $rows CREATE``, not ``COPY``.

A ``COPY`` into a node table takes about 17 MB of fresh memory whatever its size (LadybugDB's bulk
path sets up a whole node group), held to the end of the transaction: the mini ledger's 22 labels cost
~500 MB of page faults and a fifth of its load's CPU.  ``LOAD FROM`` + ``CREATE`` takes the Arrow table
with its types as ``COPY`` does, costs 0.5–2.5 MB for a small table, and runs as fast up to ~20,000 rows
(docs/benchmarks.md, "Small tables").  Relationship tables stay on ``COPY``: matching endpoints per row
costs more than the bulk path saves."""

COMMIT_ROWS = 1_000_000
"""A load commits its open transaction before a COPY that would take it past this many rows."""


class _Batches:
    """Groups COPYs into transactions of at most :data:`COMMIT_ROWS` rows (a bigger COPY gets its own).

    A commit costs ~20 ms of fixed overhead (many small tables), while one transaction over a province
    holds twice the memory and runs 25 % slower; the build is atomic anyway: it becomes visible only by
    the link swap.
    """

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.rows = 0
        self.open = False

    def before(self, rows: int) -> None:
        if self.open and self.rows + rows > COMMIT_ROWS:
            self.commit()
        if not self.open:
            self.conn.execute("BEGIN TRANSACTION")
            self.open, self.rows = True, 0
        self.rows += rows

    def commit(self) -> None:
        if self.open:
            self.conn.execute("COMMIT")
            self.open = False


class CopyWriter:
    """The embedded engine's :class:`~partychain.storage.writer.GraphWriter`: the model's DDL, then one bulk
    ``COPY`` from Arrow per frame into a new (empty) database (a label of fewer than :data:`SMALL_TABLE_ROWS`
    rows through ``LOAD FROM`` instead), in transactions of :data:`COMMIT_ROWS` rows, and a ``CHECKPOINT`` at
    the end."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.batch = _Batches(conn)

    def begin(self) -> None:
        self.batch.before(0)  # the schema goes in the first transaction
        for stmt in ladybug_ddl():
            self.conn.execute(stmt)

    def nodes(self, label: str, frame: Frame) -> int:
        rows = _arrow_table(frame, graph_properties_of(NODES[label]))
        self.batch.before(rows.num_rows)
        if rows.num_rows < SMALL_TABLE_ROWS:  # names from the model, values as the parameter
            props = ", ".join(f"`{p}`: `{p}`" for p in rows.column_names)
            self.conn.execute(f"LOAD FROM $rows CREATE (:{label} {{{props}}})", {"rows": rows})
        else:
            self.conn.execute(f"COPY {label} FROM $rows", {"rows": rows})
        return rows.num_rows

    def relationships(self, rtype: str, from_label: str, to_label: str, frame: Frame) -> int:
        if (from_label, to_label) not in RELS[rtype].ENDPOINTS:
            raise ValueError(f"{rtype} does not connect {from_label} to {to_label}")
        rows = _arrow_table(frame, graph_properties_of(RELS[rtype]), endpoints=True)
        self.batch.before(rows.num_rows)
        self.conn.execute(f"COPY {rtype} FROM $rows (from='{from_label}', to='{to_label}')", {"rows": rows})
        return rows.num_rows

    def end(self) -> None:
        self.batch.commit()
        self.conn.execute("CHECKPOINT")


class _NewVersion(LoadTarget):
    """A load's new version directory (``versions/<version>.partial``): a new database built by
    :meth:`EmbeddedStore._write`, its derived index, personal-data store and manifest; published by renaming
    the directory and swapping its year's link."""

    def __init__(self, store: EmbeddedStore, partial: Path) -> None:
        self.store = store
        self.partial = partial
        self.personal_file = partial / PERSONAL_FILE

    def write(self, ledger: ValidatedLedger, step: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
        return self.store._write(self.partial / GRAPH_FILE, ledger, step)

    def derive(self, version: str) -> None:
        self.store._derive(self.partial / GRAPH_FILE, self.partial / DERIVED_FILE, version=version)

    def publish(self, info: DatasetInfo) -> None:
        self.store._publish(self.partial, info)


def _arrow_table(frame: Frame, specs: dict[str, PropertySpec], *, endpoints: bool = False) -> pa.Table:
    """A frame of model properties as the Arrow table a ``COPY`` takes: :func:`~partychain.storage.writer.as_table`
    (Arrow-backed columns, what the validator produces, are handed over without copying)."""
    return as_table(frame, specs, endpoints=endpoints)
