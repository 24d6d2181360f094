"""The Cypher lint harness itself: it fails on wrong queries, at the right place, and passes good ones.

Uses a hand-written schema, not the knowledge model, so it tests only the harness.  Every case
is linted in one call (one node process: loading the linter takes seconds); each test reads its own.
"""

from __future__ import annotations

import pytest

SCHEMA = {
    "labels": ["Village", "Household", "PartyMember"],
    "relationshipTypes": ["LIVES_IN", "MEMBER_OF"],
    "propertyKeys": ["code", "name", "poor", "size", "head_name"],
}

GOOD = """\
// Counts the households of a village, and the poor ones.
// params:
// - $code: village code; required
// - $prefix: optional name prefix
// columns: village, households, poor (int)
MATCH (v:Village {code: $code})
OPTIONAL MATCH (h:Household)-[:LIVES_IN]->(v)
WHERE $prefix IS NULL OR toLower(h.head_name) STARTS WITH toLower($prefix)
RETURN coalesce(v.name, '村') AS village,  // trailing comment
       count(h) AS households,
       COUNT(CASE WHEN h.poor THEN 1 END) AS poor,
       collect(h {.code, .size})[..3] AS sample
"""

CASES = {
    "good": GOOD,
    "header_and_params": (
        "// one\n// two\n//\n// three\nMATCH (v:Village) WHERE v.code = $code AND v.name = $`odd name`\nRETURN v\n"
    ),
    "syntax_error": "// header\nMATCH (v:Village\nRETURN v",
    "unknown_function": "// header\nMATCH (v:Village)\nRETURN toIntegr(v.code) AS n",
    "plugin_function": "RETURN apoc.coll.sum([1, 2]) AS s",
    "unknown_label_in_match": "MATCH (h:Houshold)-[:LIVESIN]->(v:Village)\nRETURN h.name",
    "unknown_label_written": (
        "MATCH (v:Village {code: $v})\nMERGE (h:Houshold {code: $h})-[:LIVESIN]->(v)\nCREATE (:Villge)"
    ),
    "unknown_property": (
        "MATCH (v:Village {cod: $code})<-[r:LIVES_IN]-(h:Household)\n"
        "WHERE h.pooor AND r.since > 2000\n"
        "SET h.sise = 1\n"
        "RETURN v {.name, .nme, extra: 1} AS village, h.`head_name` AS head"
    ),
    "plain_maps": (
        "UNWIND $rows AS row\nMATCH (v:Village {code: row.village_code})\nRETURN {whatever: row.x} AS m, v.code"
    ),
    "undefined_variable": "MATCH (v:Village)\nRETURN w.name",
    "deprecated_function": "MATCH (v:Village)\nRETURN id(v) AS i",
    "removed_syntax": "MATCH (v:Village) WHERE exists(v.name) RETURN v",
    "trailing_semicolon": "MATCH (v:Village) RETURN v;\n",
    "two_statements": "MATCH (v:Village) RETURN v;\nMATCH (h:Household) RETURN h",
    "empty": "",
    "blank": "  \n",
    "comment_only": "// only a comment\n",
    "path/with/slashes.cypher": "RETURN toIntegr(1)",
    "空": "RETURN '空' AS x",
}


@pytest.fixture(scope="module")
def results(cypher_linter):
    return cypher_linter(CASES, SCHEMA)


def pos(name: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of needle's first occurrence in CASES[name]."""
    text = CASES[name]
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def summary(diagnostics):
    return [(d["severity"], d["line"], d["column"], d["source"]) for d in diagnostics]


def test_every_query_gets_an_answer(results):
    assert set(results) == set(CASES)
    assert results["空"] == []


@pytest.mark.parametrize("name", ["good", "header_and_params", "plain_maps", "trailing_semicolon"])
def test_good_queries_are_clean(results, name):
    # Comment headers, trailing comments, $parameters, built-ins in any case, map projections.
    assert results[name] == []


def test_syntax_error_is_an_error_at_its_place(results):
    diagnostics = results["syntax_error"]
    assert summary(diagnostics) == [("error", *pos("syntax_error", "RETURN"), "neo4j")]
    assert "Invalid input 'RETURN'" in diagnostics[0]["message"]


def test_unknown_function_is_an_error(results):
    diagnostics = results["unknown_function"]
    assert summary(diagnostics) == [("error", *pos("unknown_function", "toIntegr"), "neo4j")]
    assert "Function toIntegr is not present in the database" in diagnostics[0]["message"]
    assert summary(results["path/with/slashes.cypher"]) == [("error", 1, 8, "neo4j")]


def test_plugin_functions_are_unknown(results):
    # Only Neo4j's built-ins are known: APOC and GDS are not part of the target database.
    diagnostics = results["plugin_function"]
    assert summary(diagnostics) == [("error", 1, 8, "neo4j")]
    assert "apoc.coll.sum" in diagnostics[0]["message"]


def test_unknown_label_and_relationship_type_are_warnings(results):
    name = "unknown_label_in_match"
    diagnostics = results[name]
    assert summary(diagnostics) == [
        ("warning", *pos(name, "Houshold"), "neo4j"),
        ("warning", *pos(name, "LIVESIN"), "neo4j"),
    ]
    assert diagnostics[0]["message"].startswith("Label Houshold is not present in the database")
    assert diagnostics[1]["message"].startswith("Relationship type LIVESIN is not present in the database")


def test_unknown_label_written_by_merge_or_create_is_a_warning(results):
    # Neo4j's linter lets these pass (a database may gain labels); partychain's model is closed.
    name = "unknown_label_written"
    assert summary(results[name]) == [
        ("warning", *pos(name, "Houshold"), "partychain"),
        ("warning", *pos(name, "LIVESIN"), "partychain"),
        ("warning", *pos(name, "Villge"), "partychain"),
    ]


def test_unknown_property_key_is_a_warning(results):
    # Neo4j's linter ignores property keys; partychain checks those of pattern-bound variables.
    name = "unknown_property"
    diagnostics = results[name]
    assert summary(diagnostics) == [
        ("warning", *pos(name, "cod:"), "partychain"),
        ("warning", *pos(name, "pooor"), "partychain"),
        ("warning", *pos(name, "since"), "partychain"),
        ("warning", *pos(name, "sise"), "partychain"),
        ("warning", *pos(name, "nme"), "partychain"),
    ]
    assert diagnostics[0]["message"].startswith("Property key cod is not in the knowledge model")


def test_undefined_variable_is_an_error(results):
    diagnostics = results["undefined_variable"]
    assert summary(diagnostics) == [("error", *pos("undefined_variable", "w.name"), "neo4j")]
    assert "Variable `w` not defined" in diagnostics[0]["message"]


def test_deprecated_function_is_a_warning(results):
    diagnostics = results["deprecated_function"]
    assert diagnostics
    assert {(d["severity"], d["line"], d["column"]) for d in diagnostics} == {
        ("warning", *pos("deprecated_function", "id("))
    }


def test_removed_neo4j_4_syntax_is_an_error(results):
    assert [d["severity"] for d in results["removed_syntax"]] == ["error"]


def test_one_statement_per_query(results):
    assert summary(results["two_statements"]) == [("error", 2, 1, "partychain")]


@pytest.mark.parametrize("name", ["empty", "blank", "comment_only"])
def test_empty_query_is_an_error(results, name):
    assert [d["severity"] for d in results[name]] == ["error"]


def test_schema_without_relationship_types_is_refused(cypher_linter):
    # The linter silently skips its label check unless it has both lists: refuse, don't pass.
    with pytest.raises(RuntimeError, match="relationshipTypes"):
        cypher_linter({"q": GOOD}, {"labels": SCHEMA["labels"], "propertyKeys": SCHEMA["propertyKeys"]})


def test_failure_report_points_at_the_problem(results, format_cypher_diagnostics):
    name = "unknown_label_in_match"
    report = format_cypher_diagnostics(CASES[name], results[name][:1], "x.cypher")
    assert report.splitlines() == [
        "x.cypher:1:10: warning [neo4j]: Label Houshold is not present in the database. Make sure you "
        "didn't misspell it or that it is available when you run this statement in your application",
        "    MATCH (h:Houshold)-[:LIVESIN]->(v:Village)",
        "             ^",
    ]


def test_a_request_is_linted_once_per_run_and_only_that_request(cypher_lint_harness, tmp_path):
    """A shared answer is read by the worker that asks second, for the very same request only."""
    first = cypher_lint_harness.make_linter(cypher_lint_harness._require("node"), tmp_path)
    asked = {"good": GOOD, "unknown_function": CASES["unknown_function"]}
    answer = first(asked, SCHEMA)
    assert answer["good"] == [] and answer["unknown_function"]
    no_node = cypher_lint_harness.make_linter(str(tmp_path / "no-such-node"), tmp_path)
    assert no_node(dict(reversed(asked.items())), SCHEMA) == answer  # the same request, read back
    with pytest.raises(FileNotFoundError):  # any other request is linted afresh
        no_node({"good": GOOD}, SCHEMA)
    with pytest.raises(FileNotFoundError):
        no_node(asked, {**SCHEMA, "propertyKeys": [*SCHEMA["propertyKeys"], "other"]})
