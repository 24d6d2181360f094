"""The knowledge model: the one definition every other part of partychain derives from.

* :mod:`.nodes` and :mod:`.relationships` — pydantic types for every node label and
  relationship type, with keys, value types, enums and field metadata
  (:class:`~.meta.Prop`: Chinese aliases, personal-data flags).
* :mod:`.ledger` — the ledger tables (the input contract) and how they map onto the graph.
* :mod:`.ddl` — engine DDL and the personal-data store's tables; :mod:`.dictionary` — the data
  dictionary.
* :mod:`.frames` — the neutral in-memory graph: a validated ledger's frames per label and per
  relationship endpoint pair, which :mod:`partychain.loaders` produces and the stores write.

Personal properties (``Prop(personal=...)``) are part of the model and of the ledger, but not of the
graph: :func:`graph_properties_of` is what the engines store, :func:`personal_properties_of` what the
personal-data store of each dataset version holds.
"""

from __future__ import annotations

from functools import cache

from . import enums
from .ddl import ladybug_ddl, neo4j_constraints, personal_store_ddl
from .dictionary import render_dictionary
from .ledger import TABLE_BY_NAME, TABLES, Column, Ref, Table
from .meta import Prop
from .nodes import (
    DIVISION_LABELS,
    DIVISION_LEVEL_LABELS,
    KEY_SPACES,
    NODE_TYPES,
    NODES,
    ORG_LEVEL_LABELS,
    PARTY_ORG_LABELS,
    Node,
)
from .properties import SCALARS, PropertySpec, Scalar, graph_properties_of, personal_properties_of, properties_of
from .relationships import REL_TYPES, RELS, Relationship

__all__ = [
    "DIVISION_LABELS",
    "DIVISION_LEVEL_LABELS",
    "KEY_SPACES",
    "NODES",
    "NODE_TYPES",
    "ORG_LEVEL_LABELS",
    "PARTY_ORG_LABELS",
    "PERSONAL_LABELS",
    "RELS",
    "REL_TYPES",
    "SCALARS",
    "TABLES",
    "TABLE_BY_NAME",
    "Column",
    "Node",
    "Prop",
    "PropertySpec",
    "Ref",
    "Relationship",
    "Scalar",
    "Table",
    "enums",
    "graph_properties_of",
    "ladybug_ddl",
    "linter_schema",
    "neo4j_constraints",
    "personal_properties",
    "personal_properties_of",
    "personal_store_ddl",
    "properties_of",
    "render_dictionary",
]

PERSONAL_LABELS: tuple[str, ...] = tuple(n.label() for n in NODE_TYPES if personal_properties_of(n))
"""Node labels with personal properties (their values live in the personal-data store, not the graph)."""


@cache
def personal_properties() -> dict[str, str]:
    """Property name → personal kind, over every node and relationship type.

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
    """Labels, relationship types and the graph's property keys, in the shape Neo4j's linter takes.

    Personal properties are not graph properties, so a query that reads one is flagged.

    >>> s = linter_schema()
    >>> "Household" in s["labels"], "DRIVES" in s["relationshipTypes"], "poor" in s["propertyKeys"]
    (True, True, True)
    >>> "head_name" in s["propertyKeys"]
    False
    """
    keys: dict[str, None] = {}
    for model in (*NODE_TYPES, *REL_TYPES):
        keys.update(dict.fromkeys(graph_properties_of(model)))
    return {
        "labels": [n.label() for n in NODE_TYPES],
        "relationshipTypes": [r.TYPE for r in REL_TYPES],
        "propertyKeys": list(keys),
    }
