"""The query catalog: every file has a header, declares exactly the parameters it uses, loads by name."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from partychain import cypher, graph_model, services
from partychain.errors import QueryCatalogError, QueryNotFound

FILES = sorted(p.name for p in files("partychain.cypher").iterdir() if p.name.endswith(".cypher"))


def test_there_are_queries() -> None:
    assert len(cypher.names()) >= 10


@pytest.mark.parametrize("name", FILES)
def test_header_says_what_params_and_columns(name: str) -> None:
    text = (files("partychain.cypher") / name).read_text(encoding="utf-8")
    assert text.startswith("//"), f"{name} must open with a // comment"
    header = cypher.NamedQuery(name, text, "neo4j").header.lower()
    assert "params:" in header and "columns:" in header, name
    if name.count(".") == 2:  # an engine override says why it exists
        assert "override" in header and ":" in header.splitlines()[0]


@pytest.mark.parametrize("name", cypher.names())
def test_declared_parameters_are_the_used_ones(name: str) -> None:
    for engine in cypher.ENGINES:
        q = cypher.get(name, engine)
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("//"))
        used = set(re.findall(r"\$(\w+)", body))
        assert used == set(q.parameters), f"{name} ({engine}): header declares {q.parameters}, text uses {used}"


def test_unknown_name_fails_loudly() -> None:
    with pytest.raises(QueryNotFound, match="no named query 'nope'"):
        cypher.get("nope")


def test_override_is_picked_for_its_engine_only() -> None:
    assert "label(r)" in cypher.get("count_relationships", "ladybug").text
    assert "type(r)" in cypher.get("count_relationships", "neo4j").text
    assert cypher.get("check_health", "ladybug").engine == "neo4j"  # no override: the shared file


def test_record_lists_declare_their_labels() -> None:
    """Every gap list and downstream list says which node labels its records are (its `records:` line)."""
    lists = [f"list_{k}" for k in services.GAP_KINDS] + \
        [f"list_org_downstream_{e}" for e in services.ORG_DOWNSTREAM_ENTITIES] + ["list_org_units"]
    for name in lists:
        for engine in cypher.ENGINES:
            records = cypher.get(name, engine).records
            assert records and set(records) <= set(graph_model.NODES), (name, engine, records)
    assert cypher.get("list_org_downstream_units").records == ("Cooperative", "Company")
    assert cypher.get("count_nodes").records == ()


@pytest.mark.parametrize(("line", "message"), [
    ("// records: Household, Househld", r"list_bad\.ladybug\.cypher: `records:` names 'Househld', not a node label"),
    ("// records:", r"list_bad\.ladybug\.cypher: `records:` names '', not a node label"),
])
def test_loader_refuses_an_unknown_record_label(monkeypatch: pytest.MonkeyPatch, line: str, message: str) -> None:
    text = f"// A list.\n// params:\n// columns: id\n{line}\nMATCH (h:Household) RETURN h.id AS id\n"
    monkeypatch.setattr(cypher, "_files", lambda: {"list_bad.cypher": text, "list_bad.ladybug.cypher": text})
    with pytest.raises(QueryCatalogError, match=message):
        cypher.get.__wrapped__("list_bad", "ladybug")
    with pytest.raises(QueryCatalogError, match=r"list_bad\.cypher: "):
        cypher.get.__wrapped__("list_bad", "neo4j")
