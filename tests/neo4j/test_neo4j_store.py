"""The Neo4j store.

Two layers:

* without a server: the generated write statements (model labels only, values only in
  ``$rows``, clean under Neo4j's own linter), batching, ledger frames → parameter rows,
  driver values → plain Python, Neo4j error codes → partychain errors, lazy connection;
* ``@pytest.mark.neo4j`` (the session's Neo4j server, ``tests/conftest.py``; the tests replace
  its graph): the mini ledger loads, counts and checksums
  agree with the embedded engine (every named query: ``test_parity.py``), a failed load leaves the previous
  dataset, readers see the old graph until the commit, a second concurrent load waits for the first
  one's commit, and ``run_readonly`` refuses writes,
  cuts runaway queries and caps rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from neo4j import exceptions as nx
from neo4j.graph import Graph, Node, Relationship
from neo4j.graph import Path as NeoPath
from neo4j.time import Date, DateTime, Duration

from partychain.errors import ConfigError, QueryError, QueryTimeout, ReadOnlyViolation, StoreError
from partychain.graph_model import NODES, RELS, graph_properties_of, linter_schema, properties_of
from partychain.loaders import check_ledger
from partychain.settings import Settings
from partychain.storage import open_store
from partychain.storage.embedded import EmbeddedStore
from partychain.storage.neo4j import (
    DATASET_LABEL,
    DELETE_BY_ID,
    DELETE_RELATIONSHIPS,
    Neo4jStore,
    batches,
    create_statement,
    existing_statement,
    map_error,
    node_page_statement,
    node_rows,
    node_statement,
    relationship_page_statement,
    relationship_rows,
    relationship_statement,
    stray_statement,
    to_python,
    write_statements,
)
from partychain.testing import mini_ledger_path

LINT_DIR = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint"
NODE_LABEL = re.compile(r"\(\w+:(\w+)")  # (n:Label
REL_TYPE = re.compile(r"\[\w+:(\w+)\]")  # [r:TYPE]
MAP_KEY = re.compile(r"\{\w+: row\.\w+\}")  # {key: row.from}


@pytest.fixture(scope="module")
def mini_ledger() -> Any:
    return check_ledger(mini_ledger_path())


# --- generated statements ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(write_statements()))
def test_statement_uses_model_identifiers_and_only_rows_parameter(name: str) -> None:
    text = write_statements()[name]
    assert set(re.findall(r"\$(\w+)", text)) == {"rows"}
    assert not re.search(r"['\"`]", text), "no literal strings or escaped identifiers"
    assert not re.search(r"\d", text), "no literal numbers"
    labels, types = NODE_LABEL.findall(text), REL_TYPE.findall(text)
    assert set(labels) <= set(NODES) and set(types) <= set(RELS), (labels, types)
    assert text.count(":") == len(labels) + len(types) + len(MAP_KEY.findall(text)), "no other identifiers"
    assert text.startswith("UNWIND $rows AS row ")
    if ":" in name and "->" in name:  # relationship TYPE:From->To
        rtype, pair = name.split(":")
        a, b = pair.split("->")
        assert text.count("MATCH ") == 2 and "," not in text, "two key-anchored MATCH clauses, no cross product"
        assert f"(a:{a} {{{NODES[a].KEY}: row.from}})" in text
        assert f"(b:{b} {{{NODES[b].KEY}: row.to}})" in text
        assert f"CREATE (a)-[r:{rtype}]->(b)" in text
        assert text.endswith(" SET r = row.props") == bool(properties_of(RELS[rtype]))
    elif name.endswith(" (new)"):  # nodes whose key the graph does not have
        assert text == f"UNWIND $rows AS row CREATE (n:{name.removesuffix(' (new)')}) SET n = row"
    else:
        key = NODES[name].KEY
        assert text == f"UNWIND $rows AS row MERGE (n:{name} {{{key}: row.{key}}}) SET n = row"


def test_every_label_and_endpoint_pair_has_a_statement() -> None:
    stmts = write_statements()
    assert set(NODES) <= set(stmts)
    assert {f"{label} (new)" for label in NODES} <= set(stmts)
    pairs = {f"{t}:{a}->{b}" for t, r in RELS.items() for a, b in r.ENDPOINTS}
    assert pairs <= set(stmts)
    assert len(stmts) == 2 * len(NODES) + len(pairs)


@pytest.mark.parametrize("call", [
    lambda: node_statement("Nope"),
    lambda: node_statement("Village) DETACH DELETE (n"),
    lambda: create_statement("Village) DETACH DELETE (n"),
    lambda: relationship_statement("NOPE", "Village", "Town"),
    lambda: relationship_statement("PART_OF", "Town", "Village"),  # wrong direction
])
def test_statements_refuse_identifiers_outside_the_model(call: Any) -> None:
    with pytest.raises(ValueError):
        call()


def test_generated_statements_pass_neo4j_linter(cypher_lint_harness: ModuleType) -> None:
    node, lint = cypher_lint_harness._require("node"), LINT_DIR / "lint.mjs"
    queries = dict(write_statements())
    queries.update({f"existing {label}": existing_statement(label) for label in NODES})
    queries.update({"delete by id": DELETE_BY_ID, "delete relationships": DELETE_RELATIONSHIPS,
                    "stray": stray_statement()})
    # bulk-read pages: every label and relationship type once (the identifiers), each shape's first page once
    queries.update({f"page {label}": node_page_statement(label, first=False) for label in NODES})
    queries.update({f"page {rtype}": relationship_page_statement(rtype, *rel.ENDPOINTS[0], first=False)
                    for rtype, rel in RELS.items()})
    queries.update({"first node page": node_page_statement("Household", first=True),
                    "first relationship page": relationship_page_statement("DRIVES", "PartyMember", "Household",
                                                                           first=True)})
    schema = linter_schema()
    schema["labels"].append(DATASET_LABEL)
    linted = _each_shape_and_identifier(queries, schema)
    proc = subprocess.run([node, str(lint)], check=False, cwd=LINT_DIR, capture_output=True, text=True, timeout=300,
                          input=json.dumps({"schema": schema, "queries": linted}))
    assert proc.returncode == 0, proc.stderr
    problems = {k: v for k, v in json.loads(proc.stdout).items() if v}
    assert not problems, problems


def _each_shape_and_identifier(queries: dict[str, str], schema: dict[str, list[str]]) -> dict[str, str]:
    """The statements to lint: one of each shape (the text with every model identifier, label, relationship
    type or property key, replaced by one placeholder), then more until every identifier the whole set names is
    in one of them (each time the one naming most of those not yet named).

    Neo4j's linter costs about 0.1 s of CPU a statement, and most of the generated statements differ only in
    their identifiers (197 statements, 19 shapes): linting each shape once and each identifier in some
    statement sees every construct and every name the load and the bulk reads send."""
    names = {n for kind in ("labels", "relationshipTypes", "propertyKeys") for n in schema[kind]}
    ident = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    linted: dict[str, str] = {}
    for name, text in queries.items():
        if ident.sub("ID", text) not in {ident.sub("ID", t) for t in linted.values()}:
            linted[name] = text
    named = {name: set(ident.findall(text)) for name, text in queries.items()}
    missing = set().union(*named.values()) - set().union(*(named[n] for n in linted))
    while missing:
        best = max(named, key=lambda n: len(named[n] & missing))
        linted[best] = queries[best]
        missing -= named[best]
    assert len(linted) < len(queries) / 4  # the point of it
    return linted


# --- batching and rows -------------------------------------------------------------------


@pytest.mark.parametrize(("n", "size"), [(0, 3), (1, 1), (5, 2), (6, 3), (7, 10), (10_001, 5_000)])
def test_batches_split_rows_in_order(n: int, size: int) -> None:
    rows = list(range(n))
    parts = [list(b) for b in batches(rows, size)]
    assert [x for p in parts for x in p] == rows
    assert all(1 <= len(p) <= size for p in parts)
    assert len(parts) == math.ceil(n / size)
    assert all(len(p) == size for p in parts[:-1])


def test_batches_of_a_frame_build_the_same_rows(mini_ledger: Any) -> None:
    frame = mini_ledger.nodes["CollectiveIncome"]
    frame = frame.set_index(frame.index * 3 + 7)  # positions, not index labels, decide the split
    parts = list(batches(frame, 3))
    assert [len(p) for p in parts] == [3, 3, 2]
    assert [r for p in parts for r in node_rows(p, "CollectiveIncome")] == node_rows(frame, "CollectiveIncome")
    key = ("HAS_INCOME", "Village", "CollectiveIncome")
    rels = mini_ledger.rels[key]
    assert [r for p in batches(rels, 5) for r in relationship_rows(p, *key)] == relationship_rows(rels, *key)


def test_batches_refuse_a_size_below_one() -> None:
    with pytest.raises(ValueError):
        list(batches([1], 0))


def _plain(v: Any) -> bool:
    """Only types the driver sends as-is (no numpy scalars, no pandas missing values)."""
    if v is None or type(v) in (str, int, float, bool, dt.date):
        return not (isinstance(v, float) and math.isnan(v))
    if type(v) is list:
        return all(_plain(x) for x in v)
    if type(v) is dict:
        return all(_plain(x) for x in v.values())
    return False


def test_node_rows_follow_the_model_types(mini_ledger: Any) -> None:
    seen_types: set[str] = set()
    for label, frame in mini_ledger.nodes.items():
        specs = graph_properties_of(NODES[label])
        rows = node_rows(frame, label)
        assert len(rows) == len(frame)
        for row in rows:
            assert list(row) == list(specs)
            assert _plain(row), row
            for name, v in row.items():
                spec = specs[name]
                if v is None:
                    continue
                seen_types.add(spec.type)
                want = {"string": str, "int": int, "float": float, "bool": bool, "date": dt.date}[spec.type]
                items = v if spec.is_list else [v]
                assert all(type(x) is want for x in items), (label, name, v)
    assert seen_types == {"string", "int", "float", "bool", "date"}
    pm = {r["id"]: r for r in node_rows(mini_ledger.nodes["PartyMember"], "PartyMember")}
    assert pm["PM-1"]["roles"] == ["lead_goose", "policy_publicist"]
    assert pm["PM-2"]["birth_year"] is not None and "phone" not in pm["PM-2"]  # personal: never sent to Neo4j
    hh = {r["id"]: r for r in node_rows(mini_ledger.nodes["Household"], "Household")}
    assert hh["HH-2"]["poverty_exit_year"] is None  # NaN in the frame → null → no property


def test_relationship_rows_carry_keys_and_props(mini_ledger: Any) -> None:
    for (rtype, a, b), frame in mini_ledger.rels.items():
        rows = relationship_rows(frame, rtype, a, b)
        assert len(rows) == len(frame)
        props = list(properties_of(RELS[rtype]))
        for row in rows:
            assert _plain(row), row
            assert isinstance(row["from"], str) and isinstance(row["to"], str)
            assert set(row) == ({"from", "to", "props"} if props else {"from", "to"})
            if props:
                assert list(row["props"]) == props


def test_rows_coerce_numpy_and_pandas_values_to_the_models_types() -> None:
    """Whatever numpy or pandas type a frame holds, the driver is sent the model's Python type (so Neo4j stores
    what the embedded engine stores), and every kind of missing value is sent as null."""
    hh = node_rows(pd.DataFrame({"id": ["HH-1", "HH-2", "HH-3"], "size": [np.int64(4), pd.NA, np.nan],
                                 "poor": [np.bool_(True), np.bool_(False), None]}), "Household")
    assert [r["size"] for r in hh] == [4, None, None] and type(hh[0]["size"]) is int
    assert [r["poor"] for r in hh] == [True, False, None] and type(hh[0]["poor"]) is bool
    fig = node_rows(pd.DataFrame({"id": ["F1", "F2", "F3"], "value": [7, 2.5, np.nan],
                                  "as_of": [pd.Timestamp("2021-04-08"), pd.NaT, pd.NaT]}), "ReportedFigure")
    assert [r["value"] for r in fig] == [7.0, 2.5, None] and type(fig[0]["value"]) is float
    assert [r["as_of"] for r in fig] == [dt.date(2021, 4, 8), None, None]
    text = node_rows(pd.DataFrame({"id": ["F1", "F2"], "value": [7, 8], "as_of": ["2021-04-08", None]}),
                     "ReportedFigure")
    assert [r["as_of"] for r in text] == [dt.date(2021, 4, 8), None]
    pm = node_rows(pd.DataFrame({"id": ["P1", "P2", "P3"],
                                 "roles": [np.array(["mediator"], dtype=object), [], None]}), "PartyMember")
    assert [r["roles"] for r in pm] == [["mediator"], [], None]


# --- values --------------------------------------------------------------------------------


def test_driver_values_become_plain_python_like_the_embedded_engine() -> None:
    g = Graph()
    hh = Node(g, "4:x:1", 1, ["Household"], {"id": "HH-1", "head_name": "杨一", "poor": True, "size": 4})
    v = Node(g, "4:x:2", 2, ["Village"], {"code": "520628101001", "name": "甲村", "kind": "village"})
    # graph properties in model order, like the embedded store; a personal property (which a loaded graph
    # never holds) is not passed on even if a node had one
    assert to_python(hh) == {"id": "HH-1", "size": 4, "poor": True, "poverty_exit_year": None, "_label": "Household"}
    assert list(to_python(hh))[:2] == ["id", "size"]
    r = g.relationship_type("LIVES_IN")(g, "5:x:1", 1, {})
    r._start_node, r._end_node = hh, v
    assert isinstance(r, Relationship)
    assert to_python(r) == {"_type": "LIVES_IN"}
    path = to_python(NeoPath(hh, r))
    assert [n["_label"] for n in path["_nodes"]] == ["Household", "Village"]
    assert path["_rels"] == [{"_type": "LIVES_IN"}]
    meta = Node(g, "4:x:3", 3, [DATASET_LABEL], {"id": "current"})
    assert to_python(meta) == {"id": "current", "_label": DATASET_LABEL}
    assert to_python([Date(2021, 4, 8), DateTime(2021, 4, 8, 1, 2, 3)]) == ["2021-04-08", "2021-04-08T01:02:03"]
    assert to_python({"d": Duration(days=2)}) == {"d": "P2D"}


# --- errors --------------------------------------------------------------------------------


def server_error(code: str, message: str = "message from the server") -> nx.Neo4jError:
    """A Neo4j error as the driver builds it from a server FAILURE message."""
    hydrate = getattr(nx.Neo4jError, "_hydrate_neo4j", None) or nx.Neo4jError.hydrate  # driver 6 / 5
    return hydrate(code=code, message=message)


@pytest.mark.parametrize(("code", "message", "expected"), [
    ("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed.", ReadOnlyViolation),
    ("Neo.ClientError.General.ForbiddenOnReadOnlyDatabase", "read only", ReadOnlyViolation),
    ("Neo.ClientError.Security.Forbidden", "Create node with labels 'X' is not allowed: write forbidden",
     ReadOnlyViolation),
    ("Neo.ClientError.Security.Forbidden", "Create node with labels 'Village' on database 'neo4j' is not allowed for "
     "user 'neo4j' with roles [PUBLIC, admin] overridden by READ.", ReadOnlyViolation),
    ("Neo.ClientError.Security.Forbidden", "Access to database 'x' is not allowed", QueryError),
    ("Neo.ClientError.Transaction.TransactionTimedOut", "timed out", QueryTimeout),
    ("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "timed out", QueryTimeout),
    ("Neo.TransientError.Transaction.Terminated", "terminated", QueryTimeout),
    ("Neo.ClientError.Transaction.Terminated", "terminated", QueryTimeout),
    ("Neo.TransientError.Transaction.LockClientStopped", "stopped", QueryTimeout),
    ("Neo.ClientError.Statement.SyntaxError", "Invalid input", QueryError),
    ("Neo.ClientError.Statement.ParameterMissing", "Expected parameter(s): scope", QueryError),
    ("Neo.TransientError.General.MemoryPoolOutOfMemoryError", "limit reached", QueryError),
    ("Neo.TransientError.General.DatabaseUnavailable", "unavailable", StoreError),
    ("Neo.ClientError.Security.Unauthorized", "bad credentials", StoreError),
])
def test_server_errors_map_to_partychain_errors(code: str, message: str, expected: type) -> None:
    err = map_error(server_error(code, message), timeout_s=2.5)
    assert type(err) is expected, (code, err)
    assert message in str(err)
    if expected is QueryTimeout:
        assert "2.5 s" in str(err)


@pytest.mark.parametrize(("exc", "expected"), [
    (nx.ServiceUnavailable("no route"), StoreError),
    (nx.SessionExpired("gone"), StoreError),
    (nx.ConfigurationError("bad uri"), ConfigError),
    (nx.ResultConsumedError(None, "consumed"), StoreError),
    (QueryTimeout("already ours"), QueryTimeout),
])
def test_driver_errors_map_to_partychain_errors(exc: Exception, expected: type) -> None:
    assert type(map_error(exc)) is expected


# --- configuration, no connection ------------------------------------------------------------


def test_from_settings_needs_a_uri_and_connects_lazily() -> None:
    with pytest.raises(ConfigError):
        Neo4jStore.from_settings(Settings(engine="neo4j", neo4j_uri=None))
    store = open_store(Settings(neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x", neo4j_batch_size=7))
    assert isinstance(store, Neo4jStore)
    assert store.engine == "neo4j" and store.dialect == "neo4j" and store.batch_size == 7
    assert store._driver is None  # nothing connected, not even a driver object


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt://h:1?routing=x"])
def test_bad_uris_are_config_errors(uri: str) -> None:
    with pytest.raises(ConfigError):
        Neo4jStore(uri).run("RETURN 1")


def test_unreachable_server_is_a_store_error_quickly() -> None:
    store = Neo4jStore("bolt://127.0.0.1:9", password="x",
                       driver_config={"max_transaction_retry_time": 0, "connection_timeout": 2})
    started = time.monotonic()
    with pytest.raises(StoreError, match="unavailable"):
        store.run("RETURN 1")
    with pytest.raises(StoreError):
        store.run_readonly("RETURN 1", timeout_s=1, max_rows=1)
    assert time.monotonic() - started < 10
    store.close()


def test_load_takes_a_validated_ledger() -> None:
    with pytest.raises(TypeError):
        Neo4jStore("bolt://127.0.0.1:9").load({"not": "a ledger"}, source="x")


# --- against a server ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(neo4j_graphs: Any) -> Neo4jStore:
    """The session's server holding the mini ledger (it refuses a graph partychain did not load)."""
    return neo4j_graphs.holding("mini")


@pytest.mark.neo4j
class TestServer:
    def test_load_counts_match_embedded(self, loaded: Neo4jStore, mini_graph: Any, mini_ledger: Any) -> None:
        assert loaded.counts() == mini_graph.counts()
        assert DATASET_LABEL not in loaded.counts()[0]
        info = loaded.dataset()
        assert info is not None and info.engine == "neo4j" and info.source == "mini"
        assert info.fingerprint == mini_ledger.fingerprint()
        assert info.nodes == {k: v for k, v in mini_graph.counts()[0].items() if v}

    def test_checksum_matches_embedded(self, loaded: Neo4jStore, mini_graph: Any) -> None:
        assert loaded.checksum() == mini_graph.checksum()

    def test_nodes_in_results_match_embedded(self, loaded: Neo4jStore, mini_graph: Any) -> None:
        q = ("MATCH (h:Household {id: $id})-[r:LIVES_IN]->(v:Village) "
             "OPTIONAL MATCH (:PartyMember)-[d:DRIVES]->(h) RETURN h, r, v, d")
        for hh in ("HH-1", "HH-2", "HH-5"):
            got = sorted(json.dumps(r, sort_keys=True) for r in loaded.run(q, {"id": hh}).records())
            assert got == sorted(json.dumps(r, sort_keys=True) for r in mini_graph.run(q, {"id": hh}).records())

    def test_failed_load_leaves_previous_dataset(self, loaded: Neo4jStore, mini_ledger: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        before, info = loaded.checksum(), loaded.dataset()
        calls = {"n": 0}
        real = Neo4jStore._write_batch

        def failing(self: Neo4jStore, tx: Any, statement: str, rows: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 12:  # midway: old relationships deleted, some labels written
                raise RuntimeError("injected failure")
            return real(self, tx, statement, rows)

        monkeypatch.setattr(Neo4jStore, "_write_batch", failing)
        with pytest.raises(RuntimeError, match="injected"):
            loaded.load(mini_ledger, source="broken")
        assert calls["n"] == 12
        assert loaded.checksum() == before
        assert loaded.dataset() == info

    def test_dangling_relationship_fails_the_load(self, loaded: Neo4jStore, mini_ledger: Any) -> None:
        before, info = loaded.checksum(), loaded.dataset()
        key = ("LIVES_IN", "Household", "Village")
        frame = mini_ledger.rels[key].copy()
        frame.loc[0, "to"] = "999999999999"
        broken = dataclasses.replace(mini_ledger, rels={**mini_ledger.rels, key: frame})
        with pytest.raises(StoreError, match="did not find both endpoints"):
            loaded.load(broken, source="dangling")
        assert loaded.checksum() == before
        assert loaded.dataset() == info

    def test_readers_see_the_old_graph_until_commit(self, loaded: Neo4jStore, mini_ledger: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        counts, info = loaded.counts(), loaded.dataset()
        midway, go_on = threading.Event(), threading.Event()
        real = Neo4jStore._write_batch
        calls = {"n": 0}

        def pausing(self: Neo4jStore, tx: Any, statement: str, rows: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 5:
                midway.set()
                assert go_on.wait(60)
            return real(self, tx, statement, rows)

        monkeypatch.setattr(Neo4jStore, "_write_batch", pausing)
        result: dict[str, Any] = {}
        t = threading.Thread(target=lambda: result.setdefault("info", loaded.load(mini_ledger, source="again")))
        t.start()
        try:
            assert midway.wait(60)
            reader = Neo4jStore.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
            assert reader.counts() == counts  # the delete and the first batches are not visible
            assert reader.dataset() == info
            reader.close()
        finally:
            go_on.set()
            t.join(120)
        assert result["info"].version != info.version
        assert loaded.dataset() == result["info"]
        assert loaded.counts() == counts

    def test_a_second_concurrent_load_waits_for_the_first(self, loaded: Neo4jStore, mini_ledger: Any,
                                                          mini_copy: Path, edit_csv: Any, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
        """A load paused midway holds the manifest's write lock; ``partychain load`` of another ledger started
        meanwhile blocks on it (the server says so in SHOW TRANSACTIONS), then runs after the first commits:
        the graph ends as the second ledger's, exactly, never a mix of the two."""
        gone = "HH-5"
        edit_csv(mini_copy, "households", lambda f: f[f["id"] != gone])
        for table in ("member_households", "cooperative_households", "employment"):
            edit_csv(mini_copy, table, lambda f: f[f["household_id"] != gone])
        other = EmbeddedStore(tmp_path / "other")
        other.load(check_ledger(mini_copy), source="other")
        midway, go_on = threading.Event(), threading.Event()
        real = Neo4jStore._write_batch
        calls = {"n": 0}

        def pausing(self: Neo4jStore, tx: Any, statement: str, rows: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 5:
                midway.set()
                assert go_on.wait(120)
            return real(self, tx, statement, rows)

        monkeypatch.setattr(Neo4jStore, "_write_batch", pausing)
        first: dict[str, Any] = {}
        t = threading.Thread(target=lambda: first.setdefault("info", loaded.load(mini_ledger, source="first")))
        t.start()
        second = None
        try:
            assert midway.wait(60)
            second = subprocess.Popen([sys.executable, "-m", "partychain.cli", "load", str(mini_copy)],
                                      env={**os.environ, "PARTYCHAIN_ENGINE": "neo4j"}, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
            blocked: list[dict[str, Any]] = []
            for _ in range(600):  # until the server reports the second load waiting on the first's lock
                rows = loaded.run("SHOW TRANSACTIONS YIELD transactionId, metaData, status").records()
                loads = {r["transactionId"]: r for r in rows if r["metaData"].get("op") == "load"}
                blocked = [r for r in loads.values() if r["status"].startswith("Blocked by")]
                if blocked or second.poll() is not None:
                    break
                time.sleep(0.1)
            assert second.poll() is None, second.stderr.read() if second.stderr else ""
            assert len(blocked) == 1 and len(loads) == 2, loads
            (holder,) = set(loads) - {blocked[0]["transactionId"]}
            assert holder in blocked[0]["status"]  # blocked by the first load's transaction
        finally:
            go_on.set()
            t.join(120)
        assert second.wait(120) == 0, second.stderr.read() if second.stderr else ""
        info = loaded.dataset()
        assert info is not None and info.source == str(mini_copy.resolve())
        assert info.version > first["info"].version  # committed after the first
        assert loaded.checksum() == other.checksum()
        other.close()

    def test_run_readonly_refuses_writes(self, loaded: Neo4jStore) -> None:
        before = loaded.counts()
        for q in ["CREATE (:Village {code: 'x'})", "MATCH (n:Household) DETACH DELETE n",
                  "MATCH (v:Village) SET v.name = 'x'", "CREATE INDEX x IF NOT EXISTS FOR (n:Village) ON (n.name)"]:
            with pytest.raises(ReadOnlyViolation):
                loaded.run_readonly(q, timeout_s=5, max_rows=10)
        assert loaded.counts() == before

    def test_run_readonly_cuts_a_runaway_query(self, loaded: Neo4jStore) -> None:
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            loaded.run_readonly("UNWIND range(1, 10000000000) AS x RETURN sum(x) AS s", timeout_s=1, max_rows=10)
        assert time.monotonic() - started < 30
        res, cut = loaded.run_readonly("RETURN 1 AS one", timeout_s=1, max_rows=10)  # still usable
        assert res.rows == [[1]] and not cut

    def test_run_readonly_caps_rows(self, loaded: Neo4jStore) -> None:
        res, cut = loaded.run_readonly("UNWIND range(1, 50) AS x RETURN x", timeout_s=5, max_rows=10)
        assert res.columns == ["x"] and res.rows == [[x] for x in range(1, 11)] and cut
        res, cut = loaded.run_readonly("UNWIND range(1, 10) AS x RETURN x", timeout_s=5, max_rows=10)
        assert len(res) == 10 and not cut

    def test_bad_query_is_a_query_error(self, loaded: Neo4jStore) -> None:
        with pytest.raises(QueryError):
            loaded.run_readonly("MATCH (n RETURN n", timeout_s=5, max_rows=10)
        with pytest.raises(QueryError):
            loaded.run("RETURN $missing + 1")
