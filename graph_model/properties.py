"""Read the models' fields into plain :class:`PropertySpec` records.

Engines, the ledger validator and the data dictionary all need the same facts
about a property: its scalar type, whether it is required, its range, its enum
values, its metadata.  This module derives them once from the pydantic models.
"""

from __future__ import annotations

import builtins
import datetime as dt
import types
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pyarrow as pa
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .enums import aliases_of, labels_of
from .meta import Prop

ScalarType = Literal["string", "int", "float", "bool", "date"]


@dataclass(frozen=True, slots=True)
class Scalar:
    """One scalar type of the model and how every part of the project spells it."""

    name: ScalarType
    python: type  # the model's annotation (enums are strings), the API's field type
    arrow: pa.DataType  # validated ledger columns, bulk reads and exports
    ladybug: str  # the embedded engine's column type
    neo4j_admin: str  # the neo4j-admin import header type


SCALARS: dict[str, Scalar] = {s.name: s for s in (
    Scalar("string", str, pa.string(), "STRING", "string"),
    Scalar("int", int, pa.int64(), "INT64", "long"),
    Scalar("float", float, pa.float64(), "DOUBLE", "double"),
    Scalar("bool", bool, pa.bool_(), "BOOLEAN", "boolean"),
    Scalar("date", dt.date, pa.date32(), "DATE", "date"),
)}
"""The one registry of scalar types: the DDL, the loaders, the writers, the exports and the API read it."""


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """One property of a node or relationship, as the rest of the project sees it."""

    name: str
    type: ScalarType
    is_list: bool
    required: bool
    enum: tuple[str, ...] | None
    ge: float | None
    le: float | None
    meta: Prop
    enum_type: builtins.type[Enum] | None = None  # the enum behind ``enum`` (``type`` is a field here)

    def aliases(self) -> dict[str, str]:
        """Every spelling a ledger may use for an enum value → the value (empty for other properties)."""
        return aliases_of(self.enum_type) if self.enum_type is not None else {}

    def labels(self) -> dict[str, tuple[str, ...]]:
        """Enum value → its Chinese labels and variants (empty for other properties)."""
        return labels_of(self.enum_type) if self.enum_type is not None else {}

    def accepted(self) -> str:
        """The accepted values of an enum property with their labels, for error messages and the dictionary.

        >>> from partychain.graph_model import NODES, properties_of
        >>> properties_of(NODES["PartyMember"])["gender"].accepted()
        'male (男, M) | female (女, F)'
        """
        labels = self.labels()
        return " | ".join(f"{v} ({', '.join(labels[v])})" if labels.get(v) else v for v in self.enum or ())

    @property
    def personal(self) -> str | None:
        return self.meta.personal

    @property
    def scalar(self) -> Scalar:
        """The scalar type of the property (of its items, for a list)."""
        return SCALARS[self.type]

    def arrow_type(self) -> pa.DataType:
        """The Arrow type of the property (lists of their item type), as loaders and exports hold it."""
        t = self.scalar.arrow
        return pa.list_(t) if self.is_list else t

    def type_label(self) -> str:
        """Human-readable type for the data dictionary (``int``, ``list of enum`` ...)."""
        base = "enum" if self.enum else self.type
        return f"list of {base}" if self.is_list else base


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """Return (inner type, is_list, metadata of nested ``Annotated``) with Optional removed."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, is_list, meta = _unwrap(get_args(annotation)[0])
        return inner, is_list, [*meta, *annotation.__metadata__]
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return _unwrap(args[0])
    if origin is list:
        (inner,) = get_args(annotation)
        inner, _, meta = _unwrap(inner)
        return inner, True, meta
    return annotation, False, []


def _scalar(tp: Any) -> tuple[ScalarType, tuple[str, ...] | None]:
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "string", tuple(str(m.value) for m in tp)
    for s in SCALARS.values():
        if tp is s.python:
            return s.name, None
    raise TypeError(f"unsupported property type {tp!r}")


def _constraints(items: list[Any]) -> tuple[float | None, float | None]:
    ge = le = None
    for m in items:
        for c in (m, *getattr(m, "metadata", ())):  # FieldInfo nests its constraints
            if isinstance(c, annotated_types.Ge):
                ge = float(c.ge)  # type: ignore[arg-type]
            elif isinstance(c, annotated_types.Le):
                le = float(c.le)  # type: ignore[arg-type]
    return ge, le


def _spec(name: str, field: FieldInfo) -> PropertySpec:
    inner, is_list, nested = _unwrap(field.annotation)
    scalar, enum = _scalar(inner)
    meta = next((m for m in field.metadata if isinstance(m, Prop)), Prop(""))
    ge, le = _constraints([*nested, *field.metadata])
    enum_type = inner if isinstance(inner, type) and issubclass(inner, Enum) else None
    return PropertySpec(name=name, type=scalar, is_list=is_list, required=field.is_required(),
                        enum=enum, ge=ge, le=le, meta=meta, enum_type=enum_type)


@cache
def properties_of(model: type[BaseModel]) -> dict[str, PropertySpec]:
    """The properties of a node or relationship model, in declaration order.

    >>> from partychain.graph_model import properties_of
    >>> from partychain.graph_model.nodes import Household
    >>> properties_of(Household)["id_number"].personal
    'id_number'
    >>> properties_of(Household)["size"].type, properties_of(Household)["size"].ge
    ('int', 1.0)
    """
    return {name: _spec(name, f) for name, f in model.model_fields.items()}


@cache
def graph_properties_of(model: type[BaseModel]) -> dict[str, PropertySpec]:
    """The properties the graph stores: all of :func:`properties_of` but the personal ones.

    Personal properties (``Prop(personal=...)``) never reach a graph engine: the loader writes them
    to the dataset version's personal-data store (:mod:`partychain.storage.personal`), keyed by the
    node's pseudonymous id.

    >>> from partychain.graph_model import graph_properties_of
    >>> from partychain.graph_model.nodes import Household
    >>> "head_name" in graph_properties_of(Household), "poor" in graph_properties_of(Household)
    (False, True)
    """
    return {name: spec for name, spec in properties_of(model).items() if not spec.personal}


@cache
def personal_properties_of(model: type[BaseModel]) -> dict[str, PropertySpec]:
    """The personal properties of a model (those the personal-data store holds), in declaration order.

    >>> from partychain.graph_model import personal_properties_of
    >>> from partychain.graph_model.nodes import PartyMember
    >>> list(personal_properties_of(PartyMember))
    ['name', 'phone']
    """
    return {name: spec for name, spec in properties_of(model).items() if spec.personal}
