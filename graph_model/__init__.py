"""The knowledge model: the one definition every other part of partychain derives from.

* :mod:`.nodes` and :mod:`.relationships` — pydantic types for every node label and
  relationship type, with keys, value types, enums and field metadata
  (:class:`~.meta.Prop`: Chinese aliases, personal-data flags).
* :mod:`.ledger` — the ledger tables (the input contract) and how they map onto the graph.
* :mod:`.ddl` — engine DDL; :mod:`.dictionary` — the data dictionary;
  :mod:`.responses` — API response models.
"""

from __future__ import annotations

from functools import cache

from .ddl import ladybug_ddl, neo4j_constraints
from .dictionary import render_dictionary
from .ledger import TABLE_BY_NAME, TABLES, Column, Ref, Table
from .meta import Prop
from .nodes import DIVISION_LABELS, NODE_TYPES, NODES, PARTY_ORG_LABELS, Node
from .properties import PropertySpec, properties_of
from .relationships import REL_TYPES, RELS, Relationship

__all__ = [
    "DIVISION_LABELS", "NODES", "NODE_TYPES", "PARTY_ORG_LABELS", "RELS", "REL_TYPES", "TABLES",
    "TABLE_BY_NAME", "Column", "Node", "Prop", "PropertySpec", "Ref", "Relationship", "Table",
    "ladybug_ddl", "linter_schema", "neo4j_constraints", "personal_properties", "properties_of",
    "render_dictionary",
]


@cache
def personal_properties() -> dict[str, str]:
    """Property name → personal kind, over every node and relationship type.

    Masking of query results (whose columns carry property names, not labels) uses it.

    >>> personal_properties()["id_number"]
    'id_number'
    """
    out: dict[str, str] = {}
    for model in (*NODE_TYPES, *REL_TYPES):
        for name, spec in properties_of(model).items():
            if spec.personal:
                out[name] = spec.personal
    return out


def linter_schema() -> dict[str, list[str]]:
    """Labels, relationship types and property keys, in the shape Neo4j's linter takes.

    >>> s = linter_schema()
    >>> "Household" in s["labels"], "DRIVES" in s["relationshipTypes"], "head_name" in s["propertyKeys"]
    (True, True, True)
    """
    keys: dict[str, None] = {}
    for model in (*NODE_TYPES, *REL_TYPES):
        keys.update(dict.fromkeys(properties_of(model)))
    return {
        "labels": [n.label() for n in NODE_TYPES],
        "relationshipTypes": [r.TYPE for r in REL_TYPES],
        "propertyKeys": list(keys),
    }
