"""The derived index of each dataset version (partychain.storage.derived): equal to the live queries at every
scope level, on both samples on the embedded engine and on the mini ledger on Neo4j; Neo4j's index of the Songtao
sample row for row the embedded engine's; missing, stale or unreadable indexes detected at open."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from partychain import services
from partychain.errors import DerivedIndexUnavailable, NotFound, PartychainError
from partychain.loaders import check_ledger
from partychain.services import scorecards
from partychain.storage import derived
from partychain.storage.base import GraphStore
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

UNKNOWN = ["53", "5201", "520699", "520628999", "520699999999"]  # well-formed scopes the samples do not hold
ORG_LABELS = "CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup"
PAGE = 7  # small pages, so lists of a few records page too


def _scopes(store: GraphStore, *, villages: int) -> list[str]:
    """Province, prefecture, every county, ``villages`` villages and as many towns (at most) spread over their
    lists, unknown scopes."""
    codes = sorted(c for (c,) in store.run("MATCH (v:Village) RETURN v.code AS code").rows)
    towns = sorted({c[:9] for c in codes})
    return ["52", "5206", *sorted({c[:6] for c in codes}), *_spread(towns, villages), *_spread(codes, villages),
            *UNKNOWN]


def _spread(items: list[str], n: int) -> list[str]:
    """``n`` items evenly spread over ``items`` (first and last included), or all of them."""
    if len(items) <= n:
        return items
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


def _empty_scopes(store: GraphStore) -> list[str]:
    """Divisions the graph holds where some part of the coverage is empty (a village without cooperatives, ...)."""
    rows = store.run("MATCH (v:Village) WHERE NOT EXISTS { MATCH (:Cooperative)-[:LOCATED_IN]->(v) } "
                     "RETURN v.code AS code ORDER BY code LIMIT 3").rows
    return [c for (c,) in rows]


def _orgs(store: GraphStore, n: int) -> list[str]:
    """Every level of the organization tree: a spread of organizations, every root, the org ids a test names."""
    every = sorted(o for (o,) in store.run(f"MATCH (o:{ORG_LABELS}) RETURN o.id AS id").rows)
    roots = [o for (o,) in store.run(f"MATCH (o:{ORG_LABELS}) WHERE NOT EXISTS {{ MATCH (o)-[:UNDER]->() }} "
                                     "RETURN o.id AS id").rows]
    return sorted({*every[:: max(1, len(every) // n)], *roots})


def _villages(store: GraphStore, n: int) -> list[str]:
    """Villages in a pairing either way, a spread of the others."""
    paired = {c for row in store.run("MATCH (s:Village)-[:PAIRED_WITH]->(w:Village) RETURN s.code, w.code").rows
              for c in row}
    every = sorted(c for (c,) in store.run("MATCH (v:Village) RETURN v.code AS code").rows)
    return sorted({*every[:: max(1, len(every) // n)], *sorted(paired)[: n * 2]})


def _households(store: GraphStore, n: int) -> list[str]:
    """Households of every shape: driven ones (a spread), poor ones whose chain breaks, undriven ones, unknown."""
    driven = sorted(b for (_, b) in store.run("MATCH (m:PartyMember)-[:DRIVES]->(h:Household) "
                                             "RETURN m.id AS m, h.id AS h").rows)
    every = sorted(h for (h,) in store.run("MATCH (h:Household) RETURN h.id AS id").rows)
    broken = [r["id"] for r in services.gaps(store, "52", "poor_households_chain_incomplete", limit=20,
                                               live=True)["items"]]
    return sorted({*driven[:: max(1, len(driven) // n)], *every[:: max(1, len(every) // n)], *broken})


def _all_pages(store: GraphStore, scope: str, kind: str, *, live: bool, pages: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    cursor = None
    total = -1
    for _ in range(pages):
        page = services.gaps(store, scope, kind, limit=PAGE, cursor=cursor, live=live)
        items += page["items"]
        total, cursor = page["total"], page["next_cursor"]
        if cursor is None:
            break
    return items, total


def _scope_answer(store: GraphStore, scope: str, *, live: bool) -> tuple[str, Any]:
    try:
        return "division", services.check_scope(store, scope, live=live)
    except NotFound as e:
        return "not found", str(e)


def assert_parity(store: GraphStore, *, villages: int, households: int, pages: int) -> None:
    """Derived answers == live queries: coverage and village parts on every scope level (province, prefecture,
    county, town, village, divisions with empty parts, unknown ones), gap lists page by page (cursors
    interchangeable), household chains, organizations' downstream counts, villages' pairings."""
    with store.pinned() as g:
        assert g.derived() is not None
        scopes = [*_scopes(g, villages=villages), *_empty_scopes(g)]
        assert {len(s) for s in scopes} == {2, 4, 6, 9, 12}  # every level
        assert any(m["total"] == 0 for s in scopes if s not in UNKNOWN
                   for m in services.coverage(g, s, live=True).values())  # a division held, with an empty part
        for scope in [*scopes, *(v[:9] for v in _villages(g, villages))]:  # the divisions a scope names
            assert _scope_answer(g, scope, live=False) == _scope_answer(g, scope, live=True), scope
        assert {_scope_answer(g, s, live=False)[0] for s in scopes} == {"division", "not found"}
        for scope in scopes:
            assert services.coverage(g, scope) == services.coverage(g, scope, live=True), scope
            got = scorecards.village_parts(g, scope)
            want = scorecards.village_parts(g, scope, live=True)
            assert {v: +c for v, c in got.items() if +c} == {v: +c for v, c in want.items() if +c}, scope
        for kind in services.GAP_KINDS:
            for scope in scopes:
                assert _all_pages(g, scope, kind, live=False, pages=pages) == \
                    _all_pages(g, scope, kind, live=True, pages=pages), (scope, kind)
            first = services.gaps(g, "52", kind, limit=PAGE)
            if first["next_cursor"] is not None:  # a cursor of a derived page pages the live list, and back
                assert services.gaps(g, "52", kind, limit=PAGE, cursor=first["next_cursor"], live=True) == \
                    services.gaps(g, "52", kind, limit=PAGE, cursor=first["next_cursor"])
        for h in _households(g, households):
            assert services.household_chains(g, h) == services.household_chains(g, h, live=True), h
        for bad in ("NO-SUCH-HOUSEHOLD", "HH-520699-000001"):
            with pytest.raises(NotFound):
                services.household_chains(g, bad)
        orgs = _orgs(g, households)
        assert any(services.org_downstream(g, o, live=True)["counts"]["households"] for o in orgs)
        for o in orgs:
            assert services.org_downstream(g, o) == services.org_downstream(g, o, live=True), o
        paired = _villages(g, villages)
        assert any(services.pairings(g, v, live=True)["as_weak"] for v in paired)
        for v in paired:
            assert services.pairings(g, v) == services.pairings(g, v, live=True), v
        for live in (False, True):  # unknown ids: NotFound from either
            with pytest.raises(NotFound):
                services.org_downstream(g, "NO-SUCH-ORG", live=live)
            for code in ("520699999999", "520628101999"):
                with pytest.raises(NotFound):
                    services.pairings(g, code, live=live)


def test_downstream_counts_count_what_two_paths_reach_once() -> None:
    """A household driven by two members under two branches of one joint committee counts once for the committee
    and once for each branch; organizations reach nothing through a general branch's own RUNS (not counted)."""
    links = [("org", o, "") for o in ("JC", "GB", "B1", "B2")] + [
        ("under", "GB", "JC"), ("under", "B1", "GB"), ("under", "B2", "GB"),
        ("cooperative", "B1", "C1"), ("cooperative", "B2", "C2"), ("company", "B2", "P1"), ("unit", "B2", "P1"),
        ("poor", "H1", "")]
    chain = [("owner", "S1", "C1"), ("owner", "S2", "C2"), ("owner", "S3", "P1"), ("owner", "S4", "X"),
             ("base", "M1", "S1"), ("base", "M2", "S2"), ("base", "M2", "S3"), ("base", "M3", "S4")]
    driven = [("H1", "M1"), ("H1", "M2"), ("H2", "M2"), ("H3", "M3")]
    got = {row[0]: dict(zip(derived.DOWNSTREAM_COUNTS, row[1:], strict=True))
           for row in derived.downstream_counts(links, chain, driven)}
    assert got["JC"] == {"orgs": 3, "cooperatives": 2, "companies": 1, "bases": 3, "members": 2, "households": 2,
                         "poor_households": 1}
    assert got["B1"] == {"orgs": 0, "cooperatives": 1, "companies": 0, "bases": 1, "members": 1, "households": 1,
                         "poor_households": 1}
    assert got["B2"]["households"] == 2 and got["B2"]["bases"] == 2 and got["GB"]["orgs"] == 2


def test_the_derived_index_answers_as_the_live_queries_on_the_mini_ledger(mini_graph: EmbeddedStore) -> None:
    assert_parity(mini_graph, villages=100, households=100, pages=100)


def test_the_derived_index_answers_as_the_live_queries_on_the_songtao_sample(songtao_graph: EmbeddedStore) -> None:
    assert_parity(songtao_graph, villages=6, households=60, pages=3)


@pytest.mark.neo4j
def test_neo4j_the_derived_index_answers_as_the_live_queries_on_the_mini_ledger(neo4j_mini: Any) -> None:
    assert_parity(neo4j_mini, villages=100, households=100, pages=100)


def _index_rows(store: GraphStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store's derived index (sorted), its dataset version left out."""
    with store.pinned() as g:
        index = g.derived()
        assert index is not None
        path = index.path
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()
    rows["meta"] = [r for r in rows["meta"] if r[0] != "version"]
    return rows


@pytest.mark.neo4j
def test_neo4j_derives_the_index_the_embedded_engine_derives_on_the_songtao_sample(
        neo4j_songtao: Any, songtao_graph: EmbeddedStore) -> None:
    """Neo4j's derived index of the Songtao sample holds exactly the rows of the embedded engine's, table by table.

    With the embedded engine's index equal to its live queries (the Songtao test above) and Neo4j's live queries
    equal to the embedded engine's (tests/neo4j/test_parity.py), Neo4j's index answers as its live queries; the
    mini ledger runs that comparison on Neo4j directly."""
    neo, emb = _index_rows(neo4j_songtao), _index_rows(songtao_graph)
    assert set(neo) == set(emb)
    for table in emb:
        assert len(neo[table]) == len(emb[table]), table
        assert neo[table] == emb[table], table
    assert len(emb["gaps"]) > 1000 and len(emb["village_parts"]) > 1000  # the sample's index, not an empty one


HOSTILE_SCOPES = ["", "5", "000000", "999999999999", "５２０６２８", "52062810100１", "520628\n", "52%", "52' OR 1=1",
                  "5206281010011", " 520628", None, 52, ["52"]]


@pytest.mark.parametrize("scope", HOSTILE_SCOPES, ids=repr)
def test_a_hostile_scope_gets_the_same_refusal_from_the_index_as_from_the_live_queries(
        mini_graph: EmbeddedStore, scope: Any) -> None:
    answers = []
    for live in (False, True):
        try:
            answers.append(services.check_scope(mini_graph, scope, live=live))
        except PartychainError as e:
            answers.append((type(e).__name__, str(e)))
    assert answers[0] == answers[1]
    assert isinstance(answers[0], tuple)  # refused: not a division code, or none the graph holds


def test_every_gap_list_is_derived() -> None:
    assert set(derived.GAP_KINDS) == set(services.GAP_KINDS)


# --- bad input: missing, stale, unreadable ---------------------------------------------------------------------


@pytest.fixture
def loaded(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(mini_ledger_path()), source="mini")
    store.close()
    return store


def _index_file(store: EmbeddedStore) -> Path:
    info = store.dataset()
    assert info is not None
    return store.path / "versions" / info.version / derived.FILE


def _answers(store: GraphStore) -> tuple[Any, ...]:
    return (services.coverage(store, "520628"), services.gaps(store, "520628", "cooperatives_without_org"),
            services.household_chains(store, "HH-1"))


def _live(store: GraphStore) -> tuple[Any, ...]:
    return (services.coverage(store, "520628", live=True),
            services.gaps(store, "520628", "cooperatives_without_org", live=True),
            services.household_chains(store, "HH-1", live=True))


def test_a_load_writes_the_index_into_its_version(loaded: EmbeddedStore) -> None:
    file = _index_file(loaded)
    assert file.is_file()
    with loaded.pinned() as g:
        index = g.derived()
        assert index is not None and index.version == loaded.dataset().version  # type: ignore[union-attr]


@pytest.mark.parametrize("damage", ["missing", "another version", "garbage", "empty"])
def test_an_index_missing_stale_or_unreadable_is_derived_again_at_open(
        loaded: EmbeddedStore, damage: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    file = _index_file(loaded)
    if damage == "missing":  # a crash between the graph and its index, or a version from before the index
        file.unlink()
    elif damage == "another version":  # the index of another load beside this graph
        other = EmbeddedStore(tmp_path / "other")
        other.load(check_ledger(mini_ledger_path()), source="mini")
        shutil.copyfile(_index_file(other), file)
        other.close()
    elif damage == "garbage":
        file.write_bytes(b"not an index" * 100)
    else:
        file.write_bytes(b"")
    reopened = EmbeddedStore(loaded.path)
    try:
        with reopened.pinned() as g:
            assert _answers(g) == _live(g)
            index = g.derived()
            assert index is not None and index.version == g.dataset().version  # type: ignore[union-attr]
        assert "deriving it again" in caplog.text
        assert derived.DerivedIndex(file, version=reopened.dataset().version)  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_an_index_that_cannot_be_derived_again_is_refused_with_a_clear_error(loaded: EmbeddedStore) -> None:
    file = _index_file(loaded)
    file.unlink()
    file.mkdir()  # neither readable as an index nor replaceable by one
    (file / "x").write_text("x")
    reopened = EmbeddedStore(loaded.path)
    try:
        with pytest.raises(DerivedIndexUnavailable, match=r"derived index of dataset version .* could not be"):
            services.coverage(reopened, "520628")
        with pytest.raises(DerivedIndexUnavailable):  # refused every time, never served stale or half
            services.household_chains(reopened, "HH-1")
    finally:
        reopened.close()


def test_an_index_is_never_read_for_another_version(loaded: EmbeddedStore) -> None:
    file = _index_file(loaded)
    with pytest.raises(DerivedIndexUnavailable, match="not of 'another'"):
        derived.DerivedIndex(file, version="another")
    with pytest.raises(DerivedIndexUnavailable, match="missing"):
        derived.open_derived(file.with_name("none.sqlite"), version="x", rebuild=None)


@pytest.mark.neo4j
def test_neo4j_an_index_missing_or_of_another_version_is_derived_again(neo4j_mini: Any, tmp_path: Path) -> None:
    from partychain.storage.neo4j import Neo4jStore

    info = neo4j_mini.dataset()
    file = neo4j_mini.derived_path(info.version)
    assert file.is_file()
    kept = tmp_path / "kept.sqlite"
    shutil.copyfile(file, kept)
    for damage in ("missing", "another version"):
        if damage == "missing":  # e.g. a graph put in place by neo4j-admin import, or a lost file
            file.unlink()
        else:
            derived.write_derived(kept, neo4j_mini.run, dialect="neo4j", version="another")
            shutil.copyfile(kept, file)
        fresh = Neo4jStore(neo4j_mini.uri, user=neo4j_mini.user, password=neo4j_mini._password,
                           database=neo4j_mini.database, personal_dir=neo4j_mini.personal_dir)
        try:
            with fresh.pinned() as g:
                assert _answers(g) == _live(g)
            assert derived.DerivedIndex(file, version=info.version)
        finally:
            fresh.close()
