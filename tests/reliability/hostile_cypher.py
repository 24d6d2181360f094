"""A corpus of hostile researcher Cypher: what an attacker with a researcher key would send to ``/cypher``.

Each :class:`Attack` says what it tries and how it must end, as an outcome class:

* ``refused`` — answered before or instead of running: HTTP 403 (``statement-not-allowed``,
  ``read-only``), 400 (``query-too-complex``, ``cypher-error``, ``cypher-parameters``,
  ``query-too-expensive``), 413 (``query-too-large``, body too large) or 422 (the request schema);
  directly on the store, the matching exception;
* ``cut`` — it ran and was stopped: 504 ``query-timeout`` or rows cut at the row cap
  (``truncated: true``); on the store ``QueryTimeout`` or ``cut=True``;
* ``inert`` — it runs and does nothing harmful: a parameter value that looks like Cypher is data.

``http`` and ``store`` may differ (the request schema caps query text at 10,000 characters and
bodies at 4 MiB before the store's guard sees them); ``neo4j`` overrides ``store`` where Neo4j
answers differently.  Files an attack names live under ``/tmp/partychain-hostile-*``: after the
corpus none may exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FILE_PREFIX = "/tmp/partychain-hostile-"
REFUSED, CUT, INERT = "refused", "cut", "inert"


@dataclass(frozen=True)
class Attack:
    name: str
    category: str
    query: str
    parameters: dict[str, Any] = field(default_factory=dict)
    http: frozenset[str] = frozenset({REFUSED})
    store: frozenset[str] | None = None  # default: as http
    neo4j: frozenset[str] | None = None  # default: as store

    @property
    def on_store(self) -> frozenset[str]:
        return self.store if self.store is not None else self.http

    @property
    def on_neo4j(self) -> frozenset[str]:
        return self.neo4j if self.neo4j is not None else self.on_store


def _r(*outcomes: str) -> frozenset[str]:
    return frozenset(outcomes)


def _nested(depth: int) -> str:
    return "RETURN " + "(" * depth + "1" + ")" * depth + " AS x"


def _case(depth: int) -> str:
    return "RETURN " + "CASE WHEN true THEN " * depth + "1" + " END" * depth + " AS x"


def _deep_list(depth: int) -> Any:
    v: Any = 1
    for _ in range(depth):
        v = [v]
    return v


F = FILE_PREFIX
CORPUS: list[Attack] = [
    # --- writes, in every form: the engine refuses them (read-only database / READ transaction)
    Attack("create", "write", "CREATE (v:Village {code: '520628999999', name: '新村'})"),
    Attack("merge", "write", "MERGE (v:Village {code: '520628999999'}) RETURN v.code"),
    Attack("set", "write", "MATCH (v:Village) SET v.name = 'x' RETURN v.code"),
    Attack("delete", "write", "MATCH (h:Household) DELETE h"),
    Attack("detach_delete", "write", "MATCH (v:Village) DETACH DELETE v"),
    Attack("remove", "write", "MATCH (h:Household) REMOVE h.phone RETURN h.id"),
    Attack("create_rel", "write", "MATCH (m:PartyMember), (h:Household) CREATE (m)-[:DRIVES]->(h)"),
    Attack("ddl_create_table", "write", "CREATE NODE TABLE Spy(id STRING, PRIMARY KEY(id))"),
    Attack("ddl_drop_table", "write", "DROP TABLE Household"),
    Attack("ddl_alter_table", "write", "ALTER TABLE Household DROP id_number"),
    Attack("create_index", "write", "CREATE INDEX spy_idx FOR (h:Household) ON (h.id_number)"),
    Attack("create_macro", "write", "CREATE MACRO spy(x) AS x + 1"),
    Attack("create_sequence", "write", "CREATE SEQUENCE spy_seq"),
    Attack("comment_on", "write", "COMMENT ON TABLE Household IS 'pwned'"),
    # --- writes hidden from a reader
    Attack("in_exists_subquery", "hidden write",
           "MATCH (v:Village) WHERE EXISTS { MATCH (v)-[:PART_OF]->(:Town) } CREATE (:Village {code: '2', name: 'y'})"),
    Attack("in_call_subquery", "hidden write",
           "MATCH (v:Village) CALL { CREATE (:Village {code: '3', name: 'z'}) } RETURN v.code"),
    Attack("after_line_comment", "hidden write",
           "// MATCH (v:Village) RETURN v\nCREATE (v:Village {code: '1', name: 'x'})"),
    Attack("after_block_comment", "hidden write",
           "/* read only */ MATCH (v:Village) SET v.kind = 'community' RETURN v"),
    Attack("in_block_comment_split", "hidden write", "MATCH (h:Household) DE/**/LETE h"),
    Attack("after_semicolon", "hidden write",
           "MATCH (v:Village) RETURN v.code; CREATE (v:Village {code: '1', name: 'x'})"),
    Attack("three_statements", "hidden write", "RETURN 1; RETURN 2; MATCH (h:Household) DETACH DELETE h"),
    Attack("lowercase", "hidden write", "match (h:Household) set h.poor = false return h.id"),
    Attack("cyrillic_homoglyph", "hidden write", "\u0421REATE (v:Village {code: '1', name: 'x'})"),  # С
    Attack("fullwidth_keyword", "hidden write", "ＣＲＥＡＴＥ (v:Village {code: '1', name: 'x'})"),
    Attack("zero_width_in_keyword", "hidden write", "CRE\u200bATE (v:Village {code: '1', name: 'x'})"),
    Attack("unicode_escape_identifier", "hidden write", "MATCH (v:Village) SET v.\\u006eame = 'x' RETURN v"),
    Attack("backtick_keyword", "hidden write", "MATCH (v:Village) `SET` v.name = 'x' RETURN v"),
    Attack("concatenated_keyword", "hidden write",
           "MATCH (v:Village) WITH v, 'CRE' + 'ATE' AS kw SET v.name = kw RETURN v.code"),
    Attack("apoc_dynamic_cypher", "hidden write",
           "RETURN apoc.cypher.runFirstColumnSingle('CRE' + 'ATE (:Village {code: \"9\"})', {}) AS x"),
    Attack("write_with_parameter", "hidden write", "MATCH (v:Village) SET v.name = $evil RETURN v.code",
           {"evil": "x' }) DETACH DELETE v //"}),
    # --- procedure calls and engine settings
    Attack("call_timeout", "procedure",
           "CALL timeout=600000; MATCH (a), (b), (c), (d), (e), (f), (g) WHERE a.name <> g.name RETURN count(*)"),
    Attack("call_read_csv_serial", "procedure", "CALL read_csv_serial('/etc/passwd') RETURN *"),
    Attack("call_current_setting", "procedure", "CALL current_setting('timeout') RETURN *"),
    Attack("call_threads", "procedure", "CALL threads=64"),
    Attack("call_project_graph", "procedure", "CALL project_graph('g', ['Household'], []) RETURN *"),
    Attack("call_clear_warnings", "procedure", "CALL clear_warnings() RETURN *"),
    Attack("call_spaced_name", "procedure", "CALL read_csv_serial ('/etc/passwd') RETURN *"),
    Attack("call_commented_name", "procedure", "CALL /* schema */ read_csv_serial('/etc/passwd') RETURN *"),
    Attack("call_dbms", "procedure", "CALL dbms.listConfig() YIELD name, value RETURN name, value"),
    Attack("call_apoc_load", "procedure", "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value"),
    Attack("show_transactions", "procedure", "SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery"),
    Attack("terminate", "procedure", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"),
    # --- files and the network
    Attack("load_csv_file", "file", "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line"),
    Attack("load_from_file", "file", "LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *"),
    Attack("load_with_headers", "file", "LOAD WITH HEADERS (a STRING) FROM '/etc/hostname' RETURN *"),
    Attack("load_after_match", "file",
           "MATCH (h:Household) WITH h LIMIT 1 LOAD FROM '/etc/hostname' (file_format='csv') RETURN *"),
    Attack("load_fullwidth", "file", "ＬＯＡＤ FROM '/etc/passwd' RETURN *"),
    Attack("load_split_by_comment", "file", "LO/**/AD FROM '/etc/hostname' (file_format='csv') RETURN *"),
    Attack("load_after_quote_trick", "file", "RETURN 'a\\' LOAD FROM \\'/etc/hostname\\' RETURN *"),
    Attack("load_url", "file", "LOAD FROM 'https://example.com/x.csv' RETURN *"),
    Attack("copy_from_file", "file", f"COPY Village FROM '{F}villages.csv'"),
    Attack("copy_to_file", "file", f"COPY (MATCH (h:Household) RETURN h.head_name, h.id_number) TO '{F}leak.csv'"),
    Attack("copy_to_parquet", "file", f"COPY (MATCH (m:PartyMember) RETURN m.name, m.phone) TO '{F}leak.parquet'"),
    Attack("attach", "file", f"ATTACH '{F}other.lbdb' AS other (dbtype lbug)"),
    Attack("install_httpfs", "file", "INSTALL httpfs"),
    Attack("load_extension", "file", "LOAD EXTENSION httpfs"),
    Attack("export_database", "file", f"EXPORT DATABASE '{F}export'"),
    Attack("import_database", "file", f"IMPORT DATABASE '{F}export'"),
    Attack("checkpoint", "file", "CHECKPOINT"),
    Attack("use_database", "file", "USE system SHOW USERS"),
    Attack("begin_transaction", "file", "BEGIN TRANSACTION"),
    # --- resource exhaustion
    Attack("cartesian_households", "resource",
           "MATCH (a:Household), (b:Household), (c:Household) WHERE a.size + b.size + c.size = 7 RETURN count(*)",
           http=_r(CUT)),
    Attack("cartesian_everything", "resource",
           "MATCH (a), (b), (c), (d), (e), (f), (g) WHERE a.name <> g.name RETURN count(*)", http=_r(CUT)),
    Attack("variable_length_30", "resource", "MATCH p = (a)-[*1..30]-(b) RETURN count(p)", http=_r(REFUSED, CUT)),
    Attack("variable_length_rows", "resource", "MATCH (a:Village)-[*1..30]-(b) RETURN a.code, b",
           http=_r(REFUSED, CUT)),
    Attack("unwind_billion", "resource", "UNWIND range(1, 1000000000) AS x RETURN sum(x)", http=_r(REFUSED, CUT)),
    Attack("unwind_rows", "resource", "UNWIND range(1, 10000000) AS x RETURN x", http=_r(CUT)),
    Attack("huge_strings", "resource", "UNWIND range(1, 2000) AS i RETURN repeat('x', 1000000) AS s",
           http=_r(REFUSED, CUT)),
    Attack("collect_everything", "resource",
           "MATCH (a:Household), (b:Household) RETURN collect(a.id + b.id) AS ids", http=_r(REFUSED, CUT)),
    Attack("nested_brackets_65", "resource", _nested(65)),
    Attack("nested_brackets_4000", "resource", _nested(4000)),  # crashes LadybugDB's parser (SIGSEGV)
    Attack("nested_case_25", "resource", _case(25)),  # parses for minutes, out of the time limit's reach
    Attack("long_arithmetic", "resource", "RETURN " + "+".join(["1"] * 4900) + " AS x",  # seconds to parse
           http=_r(CUT), neo4j=_r(CUT, INERT)),
    Attack("long_text_10k", "resource", "RETURN 1 AS x // " + "x" * 10_000, store=_r(INERT)),
    Attack("long_text_200k", "resource", "RETURN 1 AS x // " + "x" * 200_000),
    Attack("body_5mb", "resource", "RETURN 1 AS x // " + "x" * (5 << 20)),
    # --- parameter smuggling
    Attack("parameter_holds_cypher", "parameter", "RETURN $q AS q",
           {"q": "MATCH (h:Household) DETACH DELETE h"}, http=_r(INERT)),
    Attack("parameter_holds_load", "parameter", "MATCH (v:Village) WHERE v.code = $code RETURN v.code",
           {"code": "x' LOAD FROM '/etc/passwd' RETURN * //"}, http=_r(INERT)),
    Attack("parameter_named_like_keyword", "parameter", "RETURN $LOAD AS x", {"LOAD": "/etc/passwd"}, http=_r(INERT)),
    Attack("parameter_name_injection", "parameter", "RETURN 1 AS x", {"x) CREATE (:Village {code: '1'}) //": 1}),
    Attack("parameter_huge", "parameter", "RETURN size($p) AS n", {"p": ["x" * 1000] * 1500}),
    Attack("parameter_body_5mb", "parameter", "RETURN size($p) AS n", {"p": "x" * (5 << 20)}),
    Attack("parameter_deep", "parameter", "RETURN $p AS p", {"p": _deep_list(100)}),
    Attack("parameter_as_label", "parameter", "MATCH (n:$label) RETURN count(n)", {"label": "Household"}),
]
