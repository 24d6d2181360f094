"""Indexes derived from each dataset version at load: what serving asks again and again, computed once.

A graph version never changes after its load, so the answers the API, the CLI and the dashboard
ask for over and over can be computed once per load, from the graph, by named queries of the
catalog, and kept with the version:

* **coverage counters** per village: every part of ``list_coverage_by_village`` (run with scope
  ``''``), so the coverage of any division is a sum over its villages (summed here once per
  prefix when the index is opened: a lookup);
* **gap lists** keyed by village: the rows of every ``list_<kind>`` gap query (scope ``''``) with
  their rank in the whole list's id order, so a page of a division's list is a slice (the chain-incomplete
  list by its query's rule from the undriven list and the chain links: :func:`chain_incomplete`);
* **chain links**: every link of every leadership chain (``list_chain_links``, and the members driving
  each household: ``list_driven_households``), so the chains of a household are index lookups;
* **downstream counts** of every party organization (the columns of ``count_org_downstream``), counted
  from ``list_org_downstream_links`` and the chain links: a lookup;
* **pairings by village**: every village and the pairings it is in, both ways (``list_pairings_by_village``):
  a lookup.

The live queries stay in the catalog as the reference (the parity tests compare both, on every
scope level and on both engines) and for researchers.

Where it lives: one SQLite file per dataset version, written completely before the version becomes
visible and named after it, like the personal-data store (:mod:`.personal`) and for the same reasons
(one file renamed into place, point and range lookups through B-trees, the standard library's
driver, opened read-only and immutable):

* embedded engine: ``versions/<version>/derived.sqlite``, inside the version directory, so it is
  swapped in with the graph by the same atomic rename;
* Neo4j: ``<db>/derived/<version>.sqlite`` on the partychain host, derived inside the load
  transaction (the queries see the new graph before anyone else does) and renamed into place before
  the commit.  A file rather than summary nodes in the graph: one format and one reader for both
  engines, answers without a round trip to the server, and nothing in the researchers' graph that
  is not in the ledger.

The file records the version it was derived from; opening it for another version, or a file that is
missing, unreadable or of another layout (a crash between writing the graph and its index, a graph
put in place by Neo4j's bulk importer, a version loaded by an older partychain) is detected at open:
the index is derived again from the version's own graph, or refused with
:class:`DerivedIndexUnavailable`; never served stale.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from partychain import cypher
from partychain.errors import DerivedIndexUnavailable, StoreError

from .result import QueryResult

log = logging.getLogger(__name__)

FILE = "derived.sqlite"
FORMAT = 3
"""The layout of the file; an index of another layout is derived again."""

SCOPE_LENGTHS = (2, 4, 6, 9, 12)
"""The lengths of division codes a scope may have (province ... village)."""

COVERAGE_QUERY = "list_coverage_by_village"
CHAIN_QUERY = "list_chain_links"
DRIVEN_QUERY = "list_driven_households"
DOWNSTREAM_QUERY = "list_org_downstream_links"
PAIRING_QUERY = "list_pairings_by_village"
DIVISION_QUERY = "list_divisions"
DOWNSTREAM_COUNTS: tuple[str, ...] = ("orgs", "cooperatives", "companies", "bases", "members", "households",
                                      "poor_households")
"""The columns of ``count_org_downstream``, in its order."""
MAX_UNDER = 8
"""The longest ``UNDER`` path ``count_org_downstream`` follows (``UNDER*1..8``)."""
GAP_KINDS: tuple[str, ...] = (
    "cooperatives_without_org",
    "demo_points_without_org",
    "poor_households_not_driven",
    "bases_without_member",
    "members_driving_nobody",
    "poor_households_chain_incomplete",
)
"""The gap lists derived: each the named query ``list_<kind>`` (:data:`partychain.services.GAP_KINDS`)."""

CHAIN_GAP = "poor_households_chain_incomplete"
"""The gap list derived from another (:data:`UNDRIVEN_GAP`) and the chain links (:func:`chain_incomplete`), not by
its query (the slowest of the whole-graph gap queries)."""
UNDRIVEN_GAP = "poor_households_not_driven"

PAGE_ROWS = 100_000
"""Rows of a gap query read at a time while deriving (the most its ``$limit`` takes)."""

CHAIN_HOPS = ("general_branch", "joint_committee", "town_committee")

Runner = Callable[[str, Mapping[str, Any]], QueryResult]
"""Runs query text with parameters on the graph being derived from."""

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE village_parts (village_code TEXT NOT NULL, part TEXT NOT NULL, n INTEGER NOT NULL);
CREATE TABLE gaps (kind TEXT NOT NULL, rank INTEGER NOT NULL, village_code TEXT NOT NULL, item TEXT NOT NULL,
                   PRIMARY KEY (kind, rank)) WITHOUT ROWID;
CREATE TABLE gap_counts (kind TEXT NOT NULL, village_code TEXT NOT NULL, n INTEGER NOT NULL);
CREATE TABLE links (hop TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (hop, a, b)) WITHOUT ROWID;
CREATE TABLE driven_by (household TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (household, member))
    WITHOUT ROWID;
CREATE TABLE org_counts (org TEXT PRIMARY KEY, orgs INTEGER NOT NULL, cooperatives INTEGER NOT NULL,
                         companies INTEGER NOT NULL, bases INTEGER NOT NULL, members INTEGER NOT NULL,
                         households INTEGER NOT NULL, poor_households INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE villages (code TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE divisions (code TEXT PRIMARY KEY, name TEXT, level TEXT, kind TEXT) WITHOUT ROWID;
CREATE TABLE pairings (village_code TEXT NOT NULL, role TEXT NOT NULL, code TEXT NOT NULL, name TEXT,
                       since INTEGER, kind TEXT);
"""
_INDEXES = """
CREATE INDEX gaps_by_village ON gaps (kind, village_code, rank);
CREATE INDEX pairings_by_village ON pairings (village_code);
"""


def _named(run: Runner, dialect: str, name: str, **params: Any) -> QueryResult:
    query = cypher.get(name, dialect)
    query.check(params)
    return run(query.text, params)


def write_derived(path: Path, run: Runner, *, dialect: str, version: str) -> dict[str, int]:
    """Derive the index of graph ``version`` with the named queries run by ``run`` and write it to ``path``.

    Written to a temporary file beside ``path`` and renamed into place, synced: a reader finds the
    whole index or none.  Returns rows per table (for the log and the benchmarks).
    """
    started = time.perf_counter()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a new file: a failed write is discarded whole
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for stmt in _statements(_SCHEMA):
            conn.execute(stmt)
        parts = [(str(code), str(part), int(n)) for code, part, n in _named(run, dialect, COVERAGE_QUERY,
                                                                              scope="").rows]
        conn.executemany("INSERT INTO village_parts VALUES (?, ?, ?)", parts)
        counts["village_parts"] = len(parts)
        org_links = _named(run, dialect, DOWNSTREAM_QUERY).rows
        poor = {a: b for hop, a, b in org_links if hop == "poor"}
        driven: set[tuple[str, str]] = set()
        poor_drivers: dict[str, set[str]] = {}
        links = {(hop, a, b) for hop, a, b in _named(run, dialect, CHAIN_QUERY).rows}
        for m, households in _named(run, dialect, DRIVEN_QUERY).rows:
            driven.update((h, m) for h in households)
            for h in households:
                if h in poor:
                    poor_drivers.setdefault(h, set()).add(m)
        driven_rows = sorted(driven)
        conn.executemany("INSERT INTO links VALUES (?, ?, ?)", sorted(links))
        conn.executemany("INSERT INTO driven_by VALUES (?, ?)", driven_rows)
        counts["links"], counts["driven_by"] = len(links), len(driven_rows)
        org_rows = downstream_counts(org_links, links, driven_rows)
        conn.executemany(f"INSERT INTO org_counts VALUES (?{', ?' * len(DOWNSTREAM_COUNTS)})", org_rows)
        counts["org_counts"] = len(org_rows)
        villages, pairings = _pairings(_named(run, dialect, PAIRING_QUERY).rows)
        conn.executemany("INSERT INTO villages VALUES (?)", [(v,) for v in villages])
        conn.executemany("INSERT INTO pairings VALUES (?, ?, ?, ?, ?, ?)", pairings)
        counts["villages"], counts["pairings"] = len(villages), len(pairings)
        divisions = [tuple(r) for r in _named(run, dialect, DIVISION_QUERY).rows]
        conn.executemany("INSERT INTO divisions VALUES (?, ?, ?, ?)", divisions)
        counts["divisions"] = len(divisions)
        counts["gaps"] = 0
        gaps: dict[str, list[dict[str, Any]]] = {}
        for kind in GAP_KINDS:
            if kind != CHAIN_GAP:
                gaps[kind] = _query_gaps(run, dialect, kind)
        gaps[CHAIN_GAP] = chain_incomplete(gaps[UNDRIVEN_GAP], poor, villages, links, poor_drivers)
        for kind, items in gaps.items():
            conn.executemany("INSERT INTO gaps VALUES (?, ?, ?, ?)",
                             [(kind, rank, item["village_code"], json.dumps(item, ensure_ascii=False))
                              for rank, item in enumerate(items)])
            counts["gaps"] += len(items)
        conn.execute("INSERT INTO gap_counts SELECT kind, village_code, count(*) FROM gaps "
                     "GROUP BY kind, village_code")
        for stmt in _statements(_INDEXES):
            conn.execute(stmt)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [("version", version), ("format", str(FORMAT))])
        conn.execute("COMMIT")
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.rename(tmp, path)  # atomic on POSIX, replacing any file there
    seconds = time.perf_counter() - started
    log.info("derived the index of %s in %.2f s: %s", version, seconds, counts, extra={"derive_seconds": seconds})
    return counts


def _query_gaps(run: Runner, dialect: str, kind: str) -> list[dict[str, Any]]:
    """The whole gap list ``kind`` (query ``list_<kind>`` over every village) in its id order."""
    items: list[dict[str, Any]] = []
    while True:
        rows = _named(run, dialect, f"list_{kind}", scope="", skip=len(items), limit=PAGE_ROWS).records()
        items += ({k: v for k, v in r.items() if k != "total"} for r in rows)
        if not rows or len(items) >= int(rows[0]["total"]):
            return items


def _chain_maps(links: Iterable[tuple[str, str, str]]
                ) -> tuple[set[str], dict[str, list[str]], dict[str, list[str]]]:
    """The (hop, a, b) links of ``list_chain_links`` as maps: the owners a party organization runs or leads
    (hop ``org``), each base's owners (``owner``) and each member's bases (``base``)."""
    owners_run: set[str] = set()
    owners_of: dict[str, list[str]] = {}
    bases_of: dict[str, list[str]] = {}
    for hop, a, b in links:
        if hop == "org":
            owners_run.add(a)
        elif hop == "owner":
            owners_of.setdefault(a, []).append(b)
        elif hop == "base":
            bases_of.setdefault(a, []).append(b)
    return owners_run, owners_of, bases_of


def chain_incomplete(not_driven: list[dict[str, Any]], poor: Mapping[str, str | None], villages: Mapping[str, str],
                     links: Iterable[tuple[str, str, str]],
                     poor_drivers: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """The gap list ``poor_households_chain_incomplete``, in id order, from what the rest of the index holds.

    Its query's rule, link by link: the undriven poor households (``not_driven``, the list
    ``poor_households_not_driven``) break at ``member``; a driven poor household (``poor``: id → village
    code, from ``list_org_downstream_links``) with no member linked to a base (the chain links' ``base``
    hop) at ``base``; one with such members but none whose base's owner is run or led (hops ``owner`` and
    ``org``) at ``party_org``; the others have a complete chain.  ``villages`` names the villages.

    >>> links = [("base", "M1", "B1"), ("owner", "B1", "C1"), ("base", "M2", "B2"), ("owner", "B2", "C2"),
    ...          ("org", "C2", "BR")]
    >>> out = chain_incomplete([{"id": "H0", "village_code": "V", "village_name": "v"}],
    ...                        {"H1": "V", "H2": "V", "H3": "V"}, {"V": "v"}, links,
    ...                        {"H1": ["M0"], "H2": ["M1"], "H3": ["M1", "M2"]})
    >>> [(i["id"], i["breaks_at"]) for i in out]
    [('H0', 'member'), ('H1', 'base'), ('H2', 'party_org')]
    """
    owners_run, owners_of, bases_of = _chain_maps(links)
    bases_run = {b for b, owners in owners_of.items() if any(o in owners_run for o in owners)}
    out = [{**item, "breaks_at": "member"} for item in not_driven]
    for h, members in poor_drivers.items():
        code = poor.get(h)
        if code is None:  # lives in no village: in no gap list (the query matches LIVES_IN)
            continue
        linked = [b for m in members for b in bases_of.get(m, ())]
        if any(b in bases_run for b in linked):
            continue
        out.append({"id": h, "village_code": code, "village_name": villages.get(code),
                    "breaks_at": "party_org" if linked else "base"})
    out.sort(key=lambda item: item["id"])
    return out


def _closure(parents: Mapping[str, list[str]], org: str) -> list[str]:
    """``org`` and the organizations above it within :data:`MAX_UNDER` ``UNDER`` links (``UNDER*0..8``)."""
    seen, frontier = {org}, [org]
    for _ in range(MAX_UNDER):
        frontier = [p for o in frontier for p in parents.get(o, ()) if p not in seen]
        if not frontier:
            break
        seen.update(frontier)
    return sorted(seen)


def downstream_counts(org_links: Iterable[Sequence[Any]], chain_links: Iterable[tuple[str, str, str]],
                      driven_by: Iterable[tuple[str, str]]) -> list[tuple[Any, ...]]:
    """Every organization's row of ``count_org_downstream`` (``(org, *DOWNSTREAM_COUNTS)``), by org id.

    ``org_links`` are the rows of ``list_org_downstream_links``; ``chain_links`` the (hop, a, b) links of
    ``list_chain_links``; ``driven_by`` the (household, member) pairs of ``list_driven_households``, sorted.
    Each record downstream is counted once per organization that reaches it (the query's
    ``count(DISTINCT)``): the organizations reaching a unit, base, member or household are a set,
    shared (interned) between the many records reached by the same ones, and the households are counted
    per set.

    >>> links = [("org", "JC", ""), ("org", "BR", ""), ("under", "BR", "JC"), ("cooperative", "BR", "C1"),
    ...          ("cooperative", "JC", "C1"), ("poor", "H1", "")]
    >>> chain = [("owner", "B1", "C1"), ("base", "M1", "B1"), ("base", "M2", "B1")]
    >>> downstream_counts(links, chain, [("H1", "M1"), ("H1", "M2"), ("H2", "M2")])
    [('BR', 0, 1, 0, 1, 2, 2, 1), ('JC', 1, 1, 0, 1, 2, 2, 1)]
    """
    orgs: set[str] = set()
    parents: dict[str, list[str]] = {}
    runners: dict[str, dict[str, list[str]]] = {"cooperative": {}, "unit": {}, "company": {}}
    poor: set[str] = set()
    for hop, a, b in org_links:
        if hop == "org":
            orgs.add(a)
        elif hop == "under":
            parents.setdefault(a, []).append(b)
        elif hop == "poor":
            poor.add(a)
        else:
            runners[hop].setdefault(b, []).append(a)
    above = {o: _closure(parents, o) for o in orgs}
    interned: dict[frozenset[str], frozenset[str]] = {}

    def union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
        out = frozenset().union(*sets)
        return interned.setdefault(out, out)

    def reach(of: Mapping[str, list[str]]) -> dict[str, frozenset[str]]:
        return {u: union(frozenset(above.get(o, (o,))) for o in rs) for u, rs in of.items()}

    totals = {o: [0] * len(DOWNSTREAM_COUNTS) for o in orgs}

    def count(column: str, sets: Iterable[frozenset[str]], times: int = 1) -> None:
        i = DOWNSTREAM_COUNTS.index(column)
        for s in sets:
            for o in s:
                if o in totals:
                    totals[o][i] += times

    for o, up in above.items():
        count("orgs", [frozenset(up) - {o}])
    coops, units = reach(runners["cooperative"]), reach(runners["unit"])
    count("cooperatives", coops.values())
    count("companies", reach(runners["company"]).values())
    units.update({u: union((s, units.get(u, frozenset()))) for u, s in coops.items()})
    _, owners, bases_of = _chain_maps(chain_links)
    bases = {b: union(units[u] for u in us if u in units) for b, us in owners.items()}
    bases = {b: s for b, s in bases.items() if s}
    count("bases", bases.values())
    members = {m: union(bases[b] for b in bs if b in bases) for m, bs in bases_of.items()}
    members = {m: s for m, s in members.items() if s}
    count("members", members.values())
    per_set: Counter[frozenset[str]] = Counter()
    poor_per_set: Counter[frozenset[str]] = Counter()
    household: str | None = None
    reached: list[frozenset[str]] = []
    for h, m in (*driven_by, (None, None)):  # sorted by household: one set per household
        if h != household:
            if household is not None and reached:
                s = reached[0] if len(reached) == 1 else union(reached)
                per_set[s] += 1
                if household in poor:
                    poor_per_set[s] += 1
            household, reached = h, []
        got = members.get(m) if m is not None else None
        if got:
            reached.append(got)
    for s, n in per_set.items():
        count("households", [s], n)
    for s, n in poor_per_set.items():
        count("poor_households", [s], n)
    return [(o, *totals[o]) for o in sorted(totals)]


def _pairings(rows: Iterable[list[Any]]) -> tuple[dict[str, str], list[tuple[Any, ...]]]:
    """Every village's code and name, and the pairings of ``list_village_pairings`` for every village (both
    roles), from the rows of ``list_pairings_by_village``."""
    villages: dict[str, str] = {}
    out: list[tuple[Any, ...]] = []
    for code, name, weak_code, weak_name, since, kind in rows:
        villages[code] = name
        if weak_code is not None:
            out.append((code, "as_strong", weak_code, weak_name, since, kind))
            out.append((weak_code, "as_weak", code, name, since, kind))
    return dict(sorted(villages.items())), sorted(out, key=lambda r: (r[0], r[1], r[2]))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _after(scope: str) -> str:
    """The smallest string above every string starting with ``scope`` (codes are ASCII digits).

    >>> _after("5206"), _after("52069")
    ('5207', '5206:')
    """
    return scope[:-1] + chr(ord(scope[-1]) + 1)


class DerivedIndex:
    """The derived index of one dataset version, opened read-only (see the module doc).

    Coverage counters and gap counts are summed per division prefix when opened (a few thousand
    villages: milliseconds) and answered from memory; gap pages and chain links are read from the
    file, one read-only connection per thread.
    """

    def __init__(self, path: Path, *, version: str) -> None:
        self.path = Path(path)
        self.version = version
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if not self.path.is_file():
            raise DerivedIndexUnavailable(f"the derived index of dataset version {version} is missing "
                                          f"({self.path})")
        try:
            conn = self._conn()
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") != str(FORMAT) or meta.get("version") != version:
                raise DerivedIndexUnavailable(
                    f"the derived index {self.path} is of dataset version {meta.get('version')!r} (layout "
                    f"{meta.get('format')!r}), not of {version!r} (layout {FORMAT})")
            self._parts = _by_prefix((code, part, n) for code, part, n in
                                     conn.execute("SELECT village_code, part, n FROM village_parts"))
            self._villages = sorted(c for c in self._parts if len(c) == SCOPE_LENGTHS[-1])
            self._gap_counts = _by_prefix((code, kind, n) for kind, code, n in
                                          conn.execute("SELECT kind, village_code, n FROM gap_counts"))
            self._gap_sizes: dict[str, int] = {str(k): int(n) for k, n in conn.execute(
                "SELECT kind, count(*) FROM gaps GROUP BY kind")}
            self._divisions: dict[str, tuple[Any, ...]] = {
                str(r[0]): tuple(r) for r in conn.execute("SELECT code, name, level, kind FROM divisions")}
            self._division_codes = sorted(self._divisions)
        except sqlite3.Error as e:
            self.close()
            raise DerivedIndexUnavailable(f"cannot read the derived index {self.path}: {e}") from e
        except DerivedIndexUnavailable:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"DerivedIndex({str(self.path)!r}, version={self.version!r})"

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                       check_same_thread=False)  # one per thread; closed by any
            except sqlite3.Error as e:
                raise DerivedIndexUnavailable(f"cannot open the derived index {self.path}: {e}") from e
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def parts(self, scope: str) -> Counter[str]:
        """The parts of ``list_coverage_by_village`` summed over the villages of ``scope`` (none: empty).

        >>> from partychain.testing import mini_store
        >>> with mini_store().pinned() as g:
        ...     g.derived().parts("520628101")["households"], g.derived().parts("53")["households"]
        (3, 0)
        """
        return Counter(self._parts.get(scope, ()))

    def village_parts(self, scope: str) -> dict[str, Counter[str]]:
        """Per village of ``scope``, its parts (the rows of ``list_coverage_by_village``, summed by village)."""
        villages = self._villages
        codes = villages[bisect.bisect_left(villages, scope):bisect.bisect_left(villages, _after(scope))]
        return {c: Counter(self._parts[c]) for c in codes}

    def gap_total(self, kind: str, scope: str) -> int:
        """How many records the gap list ``kind`` holds in ``scope``."""
        counts = self._gap_counts.get(scope)
        return int(counts[kind]) if counts is not None else 0

    def gap_items(self, kind: str, scope: str, *, offset: int, limit: int) -> list[dict[str, Any]]:
        """Records ``offset`` to ``offset + limit`` of the gap list ``kind`` in ``scope``, in id order.

        A division holding a large share of the list walks the list in rank order and skips the records
        of other divisions; a small one reads its own records by village and sorts them (the cheaper of
        the two: at most 1/16 of the list to sort, or at most 16 records read per record served).
        """
        total, size = self.gap_total(kind, scope), self._gap_sizes.get(kind, 0)
        if offset >= total:
            return []
        index = "sqlite_autoindex_gaps_1" if total * 16 >= size else "gaps_by_village"
        sql = (f"SELECT item FROM gaps INDEXED BY {index} WHERE kind = ? AND village_code >= ? AND village_code < ? "
               "ORDER BY rank LIMIT ? OFFSET ?")
        if index == "sqlite_autoindex_gaps_1":  # the primary key of a WITHOUT ROWID table is the table itself
            sql = sql.replace(" INDEXED BY sqlite_autoindex_gaps_1", "")
        rows = self._conn().execute(sql, (kind, scope, _after(scope), limit, offset)).fetchall()
        return [json.loads(item) for (item,) in rows]

    def chain_links(self, household_id: str) -> list[tuple[str, str, str]]:
        """The rows (hop, a, b) of ``list_household_chain_links`` for one household, from the index."""
        conn = self._conn()
        members = [m for (m,) in conn.execute("SELECT member FROM driven_by WHERE household = ?", (household_id,))]
        out: list[tuple[str, str, str]] = [("member", m, household_id) for m in members]
        ends = members
        for hop in ("base", "owner", "org"):
            found = self._links(conn, (hop,), ends)
            out += found
            ends = sorted({b for _, _, b in found})
        out += self._links(conn, CHAIN_HOPS, ends)
        return out

    @staticmethod
    def _links(conn: sqlite3.Connection, hops: Iterable[str], ends: list[str]) -> list[tuple[str, str, str]]:
        if not ends:
            return []
        hops = list(hops)
        sql = (f"SELECT hop, a, b FROM links WHERE hop IN ({', '.join('?' * len(hops))}) "
               f"AND a IN ({', '.join('?' * len(ends))})")
        return [(str(h), str(a), str(b)) for h, a, b in conn.execute(sql, (*hops, *ends))]

    def org_counts(self, org_id: str) -> dict[str, int] | None:
        """The row of ``count_org_downstream`` for one organization (``None``: no such organization).

        >>> from partychain.testing import mini_store
        >>> with mini_store().pinned() as g:
        ...     g.derived().org_counts("JC-1")["households"], g.derived().org_counts("JC-NOPE")
        (2, None)
        """
        row = self._conn().execute(f"SELECT {', '.join(DOWNSTREAM_COUNTS)} FROM org_counts WHERE org = ?",
                                   (org_id,)).fetchone()
        return None if row is None else dict(zip(DOWNSTREAM_COUNTS, row, strict=True))

    def division(self, code: str) -> dict[str, Any] | None:
        """The row of ``get_division`` for a county, town or village code (``None``: the graph holds none).

        >>> from partychain.testing import mini_store
        >>> with mini_store().pinned() as g:
        ...     g.derived().division("520628101"), g.derived().division("520628999")
        ({'code': '520628101', 'name': '盘石镇', 'level': 'town', 'kind': 'town'}, None)
        """
        row = self._divisions.get(code)
        return None if row is None else dict(zip(("code", "name", "level", "kind"), row, strict=True))

    def has_divisions_under(self, prefix: str) -> bool:
        """Whether some county, town or village code starts with ``prefix`` (``count_divisions_in_scope`` > 0).

        >>> from partychain.testing import mini_store
        >>> with mini_store().pinned() as g:
        ...     g.derived().has_divisions_under("52"), g.derived().has_divisions_under("53")
        (True, False)
        """
        codes = self._division_codes
        i = bisect.bisect_left(codes, prefix)
        return i < len(codes) and codes[i].startswith(prefix)

    def pairings(self, village_code: str) -> list[dict[str, Any]] | None:
        """The rows of ``list_village_pairings`` for one village (``None``: no such village), by role and code.

        >>> from partychain.testing import mini_store
        >>> with mini_store().pinned() as g:
        ...     g.derived().pairings("520628101002"), g.derived().pairings("520628101999")
        ([{'role': 'as_weak', 'code': '520628101001', 'name': '甲村', 'since': 2018, 'kind': 'strong_weak'}], None)
        """
        conn = self._conn()
        if conn.execute("SELECT 1 FROM villages WHERE code = ?", (village_code,)).fetchone() is None:
            return None
        rows = conn.execute("SELECT role, code, name, since, kind FROM pairings WHERE village_code = ? "
                            "ORDER BY role, code", (village_code,)).fetchall()
        return [dict(zip(("role", "code", "name", "since", "kind"), r, strict=True)) for r in rows]

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for c in conns:
            with contextlib.suppress(Exception):
                c.close()


def _by_prefix(rows: Iterable[tuple[str, str, int]]) -> dict[str, Counter[str]]:
    """Counts keyed by village code, summed into every prefix a scope can be (2, 4, 6, 9 and 12 digits)."""
    out: dict[str, Counter[str]] = {}
    for code, key, n in rows:
        for length in SCOPE_LENGTHS:
            if len(code) >= length:
                out.setdefault(code[:length], Counter())[key] += int(n)
    return out


def open_derived(path: Path, *, version: str, rebuild: Callable[[Path], object] | None) -> DerivedIndex:
    """The derived index at ``path`` if it is version ``version``'s; else, with ``rebuild``, derived again first.

    ``rebuild(path)`` derives the index from the version's own graph and writes it to ``path``
    (:func:`write_derived`).  Without it, or when it fails, :class:`DerivedIndexUnavailable`.
    """
    try:
        return DerivedIndex(path, version=version)
    except DerivedIndexUnavailable as e:
        if rebuild is None:
            raise
        log.warning("%s: deriving it again from the graph", e)
    try:
        rebuild(path)
    except StoreError as e:
        raise DerivedIndexUnavailable(f"the derived index of dataset version {version} is missing or stale and "
                                      f"could not be derived again: {e}") from e
    except OSError as e:
        raise DerivedIndexUnavailable(f"the derived index of dataset version {version} is missing or stale and "
                                      f"could not be written to {path}: {e}") from e
    return DerivedIndex(path, version=version)


__all__ = ["DOWNSTREAM_COUNTS", "FILE", "FORMAT", "GAP_KINDS", "DerivedIndex", "DerivedIndexUnavailable", "Runner",
           "downstream_counts", "open_derived", "write_derived"]
