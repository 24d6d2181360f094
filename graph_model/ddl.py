"""DDL derived from the model: LadybugDB node/rel tables, Neo4j constraints, the personal-data store's tables.

The graph engines get the graph properties only (:func:`graph_properties_of`); the personal
properties get a table per label in the personal-data store (SQLite), keyed by the node's key.
"""

from __future__ import annotations

from .nodes import NODE_TYPES, NODES
from .properties import PropertySpec, graph_properties_of, personal_properties_of
from .relationships import REL_TYPES


def ladybug_type(spec: PropertySpec) -> str:
    """LadybugDB column type of a property (lists become ``STRING[]`` etc.)."""
    base = spec.scalar.ladybug
    return f"{base}[]" if spec.is_list else base


def ladybug_ddl() -> list[str]:
    """``CREATE NODE TABLE`` / ``CREATE REL TABLE`` statements for every type, nodes first.

    >>> ddl = ladybug_ddl()
    >>> ddl[0]
    'CREATE NODE TABLE County(code STRING PRIMARY KEY, name STRING, level STRING, parent_code STRING)'
    >>> any(s.startswith("CREATE REL TABLE PAIRED_WITH(FROM Village TO Village") for s in ddl)
    True
    """
    out: list[str] = []
    for node in NODE_TYPES:
        cols = []
        for name, spec in graph_properties_of(node).items():
            pk = " PRIMARY KEY" if name == node.KEY else ""
            cols.append(f"{name} {ladybug_type(spec)}{pk}")
        out.append(f"CREATE NODE TABLE {node.label()}({', '.join(cols)})")
    for rel in REL_TYPES:
        parts = [f"FROM {a} TO {b}" for a, b in rel.ENDPOINTS]
        parts += [f"{name} {ladybug_type(spec)}" for name, spec in graph_properties_of(rel).items()]
        out.append(f"CREATE REL TABLE {rel.TYPE}({', '.join(parts)}, MANY_MANY)")
    return out


def neo4j_constraints() -> list[str]:
    """Uniqueness constraints for Neo4j 5, one per label on its key, idempotent.

    >>> neo4j_constraints()[0]
    'CREATE CONSTRAINT county_code_unique IF NOT EXISTS FOR (n:County) REQUIRE n.code IS UNIQUE'
    """
    return [
        f"CREATE CONSTRAINT {node.label().lower()}_{node.KEY}_unique IF NOT EXISTS "
        f"FOR (n:{node.label()}) REQUIRE n.{node.KEY} IS UNIQUE"
        for node in NODE_TYPES
    ]


def personal_store_ddl() -> list[str]:
    """``CREATE TABLE`` statements of the personal-data store (SQLite): one table per label with personal
    properties, named after the label, the node key first.

    >>> personal_store_ddl()[0]
    'CREATE TABLE PartyMember (id TEXT PRIMARY KEY NOT NULL, name TEXT, phone TEXT) WITHOUT ROWID'
    """
    out = []
    for node in NODE_TYPES:
        personal = personal_properties_of(node)
        if not personal:
            continue
        cols = [f"{NODES[node.label()].KEY} TEXT PRIMARY KEY NOT NULL", *(f"{name} TEXT" for name in personal)]
        out.append(f"CREATE TABLE {node.label()} ({', '.join(cols)}) WITHOUT ROWID")
    return out
