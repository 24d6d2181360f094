"""The personal-data store: names, ID numbers and phones, kept beside the graph and never in it.

The knowledge model flags some properties personal (``Prop(personal=...)``: members' names and
phones, household heads' names, ID numbers and phones).  The loader splits them off the ledger
(:attr:`ValidatedLedger.personal <partychain.graph_model.frames.ValidatedLedger>`), so neither graph
engine ever holds one: researchers' Cypher, a Neo4j Browser, graph exports and the analysis
library cannot reach them, whatever they ask.  They are written to one SQLite file per dataset
version, keyed by the node's pseudonymous id:

* embedded engine: ``versions/<version>/personal.sqlite``, inside the version directory, so it is
  renamed into place and swapped in with the graph (one atomic swap);
* Neo4j: ``<db>/personal/<version>.sqlite`` on the partychain host, written completely before the
  Neo4j load commits and named after the version the Neo4j manifest records, so a reader always
  opens the file of the graph it reads.

Why SQLite: a single file that is renamed into place like the graph, point lookups by id through
its primary-key B-tree (microseconds; Parquet would scan), a standard library driver, and files
that the operating system's permissions guard (created ``0600``).  The file is opened read-only
and immutable: versions never change after their load.

Only the API's officer endpoints read it unmasked (and log each read: :mod:`partychain.api.audit`);
researchers see masked values through the same endpoints.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from partychain.errors import PersonalDataUnavailable, StoreError
from partychain.graph_model import NODES, PERSONAL_LABELS, personal_properties_of, personal_store_ddl

log = logging.getLogger(__name__)

FILE = "personal.sqlite"
MAX_IDS = 10_000
"""Ids looked up in one call at most (the API asks for one page at a time)."""


def write_personal(path: Path, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Write the personal frames of a validated ledger to a new SQLite file at ``path``; rows per label.

    ``path`` must not exist (the caller writes to a temporary name and renames it into place); the
    file is created readable by its owner only and synced to disk before this returns.
    """
    if path.exists():
        raise StoreError(f"personal-data store {path} already exists")
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    counts: dict[str, int] = {}
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a new file: a failed write is discarded whole
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for stmt in personal_store_ddl():
            conn.execute(stmt)
        for label in PERSONAL_LABELS:
            frame = frames.get(label)
            columns = [NODES[label].KEY, *personal_properties_of(NODES[label])]
            if frame is None or not len(frame):
                counts[label] = 0
                continue
            placeholders = ", ".join("?" * len(columns))
            rows = _rows(frame, columns)
            conn.executemany(f"INSERT INTO {label} ({', '.join(columns)}) VALUES ({placeholders})", rows)
            counts[label] = len(frame)
        conn.execute("COMMIT")
    finally:
        conn.close()
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
    return counts


def _rows(frame: pd.DataFrame, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    cols = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in columns]
    return zip(*cols, strict=True)


class PersonalStore:
    """The personal data of one dataset version (read-only).

    >>> from partychain.testing import mini_store
    >>> with mini_store().pinned() as g:
    ...     g.personal().fetch("Household", ["HH-1", "HH-404"])
    {'HH-1': {'head_name': '杨一', 'id_number': '99999919700101001X', 'phone': None}}
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PersonalStore({str(self.path)!r})"

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if not self.path.is_file():
                raise PersonalDataUnavailable(f"the personal-data store of this dataset version is missing "
                                              f"({self.path.name}); load the ledger again")
            try:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                       check_same_thread=False)  # one per thread; closed by any
            except sqlite3.Error as e:
                raise PersonalDataUnavailable(f"cannot open the personal-data store {self.path.name}: {e}") from e
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def fields(self, label: str) -> list[str]:
        """The personal properties stored for ``label`` (empty for a label without any)."""
        model = NODES.get(label)
        return list(personal_properties_of(model)) if model is not None else []

    def fetch(self, label: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Personal properties by id for the ``ids`` of ``label`` that the store holds (others are left out)."""
        fields = self.fields(label)
        wanted = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
        if not fields or not wanted:
            return {}
        if len(wanted) > MAX_IDS:
            raise ValueError(f"at most {MAX_IDS:,} ids per lookup, not {len(wanted):,}")
        key = NODES[label].KEY
        out: dict[str, dict[str, Any]] = {}
        conn = self._conn()
        for start in range(0, len(wanted), 500):  # SQLite's parameter limit
            part = wanted[start:start + 500]
            sql = (f"SELECT {key}, {', '.join(fields)} FROM {label} "
                   f"WHERE {key} IN ({', '.join('?' * len(part))})")
            try:
                for row in conn.execute(sql, part):
                    out[row[0]] = dict(zip(fields, row[1:], strict=True))
            except sqlite3.Error as e:
                raise PersonalDataUnavailable(f"cannot read the personal-data store {self.path.name}: {e}") from e
        return out

    def search(self, text: str, *, labels: Sequence[str] = PERSONAL_LABELS, limit: int = 50,
               offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Records whose personal name contains ``text`` or whose ID number or phone equals it.

        Returns ``([{"label", "id", <personal fields>}, ...], total)``, ordered by label (in model order) then id.

        >>> from partychain.testing import mini_store
        >>> with mini_store().pinned() as g:
        ...     rows, total = g.personal().search("三")
        >>> total, [(r["label"], r["id"]) for r in rows]
        (2, [('PartyMember', 'PM-1'), ('Household', 'HH-3')])
        """
        conn = self._conn()
        hits: list[tuple[str, str]] = []
        for label in labels:
            fields = self.fields(label)
            if not fields:
                continue
            key = NODES[label].KEY
            kinds = {name: spec.personal for name, spec in personal_properties_of(NODES[label]).items()}
            cond = " OR ".join(f"instr({f}, ?) > 0" if kinds[f] == "name" else f"{f} = ?" for f in fields)
            try:
                for (rid,) in conn.execute(f"SELECT {key} FROM {label} WHERE {cond} ORDER BY {key}",
                                           [text] * len(fields)):
                    hits.append((label, rid))
            except sqlite3.Error as e:
                raise PersonalDataUnavailable(f"cannot read the personal-data store {self.path.name}: {e}") from e
        page = hits[offset:offset + limit]
        rows: list[dict[str, Any]] = []
        for label in dict.fromkeys(lab for lab, _ in page):
            found = self.fetch(label, [rid for lab, rid in page if lab == label])
            rows.extend({"label": label, "id": rid, **found.get(rid, {})} for lab, rid in page if lab == label)
        return rows, len(hits)

    def counts(self) -> dict[str, int]:
        """Rows per label."""
        conn = self._conn()
        out = {}
        for label in PERSONAL_LABELS:
            try:
                out[label] = int(conn.execute(f"SELECT count(*) FROM {label}").fetchone()[0])
            except sqlite3.Error as e:
                raise PersonalDataUnavailable(f"cannot read the personal-data store {self.path.name}: {e}") from e
        return out

    def close(self) -> None:
        """Close every thread's connection (a thread that reads again opens a new one)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
