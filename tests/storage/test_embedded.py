"""The embedded store: atomic, idempotent loads; readers follow new versions; failures keep the old graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from partychain.errors import GraphNotLoaded, QueryError
from partychain.loaders import check_ledger
from partychain.storage import embedded
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path


def test_nothing_loaded_is_a_clear_error(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    with pytest.raises(GraphNotLoaded, match="no graph loaded"):
        store.named("check_health")
    assert store.dataset() is None


def test_counts_match_the_ledger(mini_graph: EmbeddedStore, mini_tables: dict[str, pd.DataFrame]) -> None:
    nodes, rels = mini_graph.counts()
    t = mini_tables
    assert nodes["Household"] == len(t["households"])
    assert nodes["Village"] == (t["divisions"]["level"] == "village").sum()
    assert nodes["Branch"] == (t["party_orgs"]["level"] == "branch").sum()
    assert rels["DRIVES"] == len(t["member_households"])
    assert rels["LIVES_IN"] == len(t["households"]) + len(t["members"])
    assert rels["RUNS"] == (t["cooperatives"]["run_by"] != "").sum() + (t["companies"]["run_by"] != "").sum()
    info = mini_graph.dataset()
    assert info is not None and info.nodes["Household"] == nodes["Household"]


def test_loading_the_same_ledger_twice_gives_an_identical_graph(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    ledger = check_ledger(mini_ledger_path())
    store.load(ledger, source="a")
    first = store.checksum()
    store.load(check_ledger(mini_ledger_path()), source="b")
    assert store.checksum() == first
    assert len([p for p in (tmp_path / "graph" / "versions").iterdir()]) <= 2  # old versions pruned


def test_a_failed_load_leaves_the_previous_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 mini_copy: Path,
                                                 edit_csv: Callable[..., None]) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(mini_ledger_path()), source="old")
    before, version = store.checksum(), store.dataset()

    edit_csv(mini_copy, "households", lambda f: f.assign(size="1"))
    calls = {"n": 0}
    real = embedded._arrow_table

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 10:
            raise OSError("disk full (injected)")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(embedded, "_arrow_table", failing)
    with pytest.raises(OSError, match="injected"):
        store.load(check_ledger(mini_copy), source="new")
    assert store.checksum() == before
    assert store.dataset() == version
    assert not list((tmp_path / "graph" / "versions").glob("*.partial"))


def test_readers_pick_up_a_new_load_without_reopening(tmp_path: Path, mini_copy: Path,
                                                      edit_csv: Callable[..., None]) -> None:
    path = tmp_path / "graph"
    writer, reader = EmbeddedStore(path), EmbeddedStore(path)
    writer.load(check_ledger(mini_copy), source="v1")
    assert reader.named("count_people_in_scope", scope="520628").records()[0]["households"] == 5
    edit_csv(mini_copy, "households", lambda f: f.iloc[:3])
    edit_csv(mini_copy, "member_households", lambda f: f[f["household_id"].isin(["HH-1", "HH-2", "HH-3"])])
    edit_csv(mini_copy, "cooperative_households", lambda f: f[f["household_id"].isin(["HH-1", "HH-2", "HH-3"])])
    edit_csv(mini_copy, "employment", lambda f: f[f["household_id"].isin(["HH-1", "HH-2", "HH-3"])])
    writer.load(check_ledger(mini_copy), source="v2")
    assert reader.named("count_people_in_scope", scope="520628").records()[0]["households"] == 3


def test_read_only_path_refuses_writes(mini_graph: EmbeddedStore) -> None:
    before = mini_graph.checksum()
    with pytest.raises(QueryError):
        mini_graph.run_readonly("CREATE (:Village {code: '1', name: 'x'})", timeout_s=5, max_rows=10)
    rows, cut = mini_graph.run_readonly("MATCH (v:Village) RETURN v.code", timeout_s=5, max_rows=2)
    assert len(rows) == 2 and cut
    assert mini_graph.checksum() == before


def test_second_concurrent_load_is_refused(tmp_path: Path) -> None:
    import fcntl
    import os

    from partychain.errors import StoreError

    path = tmp_path / "graph"
    path.mkdir()
    fd = os.open(path / ".load.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(StoreError, match="another load"):
            EmbeddedStore(path).load(check_ledger(mini_ledger_path()), source="x")
    finally:
        os.close(fd)


def test_columnar_reads_equal_row_reads(mini_graph: EmbeddedStore) -> None:
    """The derivation reads answers through Arrow (``read_columns``); every catalog query with an example, and
    answers holding nodes, relationships, dates, decimals, maps and lists, read the same as row by row."""
    import os

    import ladybug

    from partychain import cypher
    from partychain.cypher.page import example_of
    from partychain.storage.ladybug_adapter import read_columns, read_result

    db = ladybug.Database(str(Path(os.path.realpath(mini_graph.current_link)) / "graph.lbdb"), read_only=True)
    conn = ladybug.Connection(db)
    texts = [(cypher.get(n, "ladybug").text, example_of(cypher.get(n))) for n in cypher.names()]
    texts += [("MATCH (o:Branch)-[r:RUNS]->(c:Cooperative) RETURN o, r, c, date('2021-04-08') AS d, "
               "{a: c.id, b: [1, 2]} AS m, [c.id, o.id] AS l ORDER BY c.id", {}),
              ("MATCH (m:Meeting) RETURN m.date AS date, m, sum(m.attendance * 1.5) AS s", {}),
              ("MATCH (h:Household) RETURN h.id AS id, h.poor AS poor, 0.5 * 3 AS x ORDER BY id", {})]
    checked = 0
    for text, params in texts:
        if params is None:
            continue
        by_rows = read_result(conn.execute(text, params))
        by_columns = read_columns(conn.execute(text, params))
        assert by_columns[0] == by_rows[0], text
        assert sorted(map(repr, by_columns[1])) == sorted(map(repr, by_rows[1])), text
        checked += 1
    conn.close()
    db.close()
    assert checked >= 40


def test_small_labels_written_without_copy_give_the_graph_copy_gives(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every mini label is under ``SMALL_TABLE_ROWS`` (written with ``LOAD FROM``); with the bound at 0 every
    label goes through ``COPY``: the same nodes, properties and types (the checksum hashes each value's repr)."""
    ledger = check_ledger(mini_ledger_path())
    assert max(len(f) for f in ledger.nodes.values()) < embedded.SMALL_TABLE_ROWS
    small = EmbeddedStore(tmp_path / "small")
    small.load(ledger, source="mini")
    monkeypatch.setattr(embedded, "SMALL_TABLE_ROWS", 0)
    copied = EmbeddedStore(tmp_path / "copied")
    copied.load(ledger, source="mini")
    assert small.counts() == copied.counts()
    assert small.checksum() == copied.checksum()
    small.close()
    copied.close()
