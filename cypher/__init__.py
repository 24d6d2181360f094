"""The named Cypher queries, shipped as package data, and the catalog that loads them.

Each query is one file ``NAME.cypher`` written in Neo4j 5 Cypher from a subset the
embedded engine (LadybugDB) also runs.  Where LadybugDB needs another spelling, an
override ``NAME.ladybug.cypher`` sits next to it, its header saying why.
Every file opens with a ``//`` comment: what it answers, its parameters, its columns.

Parameters are a typed contract.  Each is declared on a header line

    // - $NAME: TYPE; required (what it means)

with TYPE one of :data:`PARAM_TYPES` (``int`` takes bounds: ``int >= 0 <= 1000``).  Every run of a
named query checks its arguments against the declaration first (:meth:`NamedQuery.check`): a
value of the wrong type, out of range, too long or missing never reaches an engine, whoever
passes it (an API request, the CLI, a library caller).

A list whose rows are records of node labels says which on a header line

    // records: Cooperative, Company

(one or more labels of :data:`partychain.graph_model.NODES`, comma-separated; :attr:`NamedQuery.records`).
Each row's ``id`` is then the key of one of them, and a list of several labels has a ``type`` column
naming each row's (the label in lower case).  The API labels, types and masks the records by it
(``_label``, the personal name joined by id), so which label a list holds is said once, here.  Loading a
query whose ``records:`` names anything else is a :class:`~partychain.errors.QueryCatalogError` naming its file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from partychain.errors import InvalidArgument, QueryCatalogError, QueryNotFound
from partychain.graph_model import NODES
from partychain.graph_model.codes import LEDGER_LEVELS, SCOPE_LEVELS, describe, is_code

ENGINES = ("neo4j", "ladybug")

MAX_TEXT = 200
"""Characters of a ``text`` parameter at most."""
MAX_ID = 64
"""Characters of an ``id`` parameter at most (ledger ids are short)."""
MAX_LIST = 100_000
"""Items of a list parameter at most."""
MAX_INT = 1_000_000_000
"""Bound of every ``int`` parameter whatever its declaration says (LadybugDB 0.22 crashes on a ``SKIP``
past the end of a result from about 100,000 rows, and truncates one past 2^32)."""


def _text(v: Any, *, empty: bool = True, most: int = MAX_TEXT) -> str | None:
    if not isinstance(v, str):
        return "a string"
    if not empty and not v:
        return "a non-empty string"
    if len(v) > most:
        return f"at most {most} characters"
    if any(ord(c) < 32 for c in v):
        return "text without control characters"
    return None


def _code(levels: tuple[str, ...], *, empty: bool = False) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if empty and v == "":
            return None
        return None if is_code(v, levels=levels) else f"a division code ({describe(levels)})" + (
            " or ''" if empty else "")
    return check


def _list(item: Callable[[Any], str | None], what: str) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if not isinstance(v, list | tuple):
            return f"a list of {what}"
        if len(v) > MAX_LIST:
            return f"a list of at most {MAX_LIST:,} {what}"
        bad = next((x for x in v if item(x) is not None), None)
        return None if bad is None else f"a list of {what} ({str(bad)[:40]!r} is not one)"
    return check


def _id(v: Any) -> str | None:
    return _text(v, empty=False, most=MAX_ID)


PARAM_TYPES: dict[str, Callable[[Any], str | None]] = {
    "text": _text,
    "id": _id,
    "division code prefix": _code(SCOPE_LEVELS),
    "division code prefix or ''": _code(SCOPE_LEVELS, empty=True),
    "division code": _code(LEDGER_LEVELS),
    "village code": _code(("village",)),
    "list of ids": _list(_id, "ids"),
    "list of division codes": _list(_code(SCOPE_LEVELS), "division codes"),
}
"""Parameter types a header may declare, each a check returning ``None`` or what the value must be."""

_INT = re.compile(r"^int(?:\s*>=\s*(-?\d+))?(?:\s*<=\s*(-?\d+))?$")
_DECL = re.compile(r"^-\s*\$(\w+)\s*:\s*([^;]+?)\s*;\s*(required|optional)\b")


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One declared parameter of a named query."""

    name: str
    type: str
    required: bool
    ge: int | None = None
    le: int | None = None

    def problem(self, value: Any) -> str | None:
        """``None`` when ``value`` fits the declaration, else what it must be."""
        if value is None:
            return None if not self.required else "required"
        if self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return "an integer"
            lo = self.ge if self.ge is not None else -MAX_INT
            hi = min(self.le if self.le is not None else MAX_INT, MAX_INT)
            return None if lo <= value <= hi else f"an integer from {lo:,} to {hi:,}"
        return PARAM_TYPES[self.type](value)


def parse_param(line: str) -> ParamSpec | None:
    """The declaration on a header line (``- $name: TYPE; required ...``), ``None`` for other lines.

    >>> parse_param("- $skip: int >= 0 <= 100000000; required (rows to skip)")
    ParamSpec(name='skip', type='int', required=True, ge=0, le=100000000)
    >>> parse_param("- $scope: division code prefix or ''; required").type
    "division code prefix or ''"
    """
    m = _DECL.match(line.strip())
    if m is None:
        return None
    name, tp, req = m.groups()
    i = _INT.match(tp)
    if i is not None:
        return ParamSpec(name, "int", req == "required", int(i[1]) if i[1] else None, int(i[2]) if i[2] else None)
    if tp not in PARAM_TYPES:
        raise ValueError(f"parameter ${name}: unknown type {tp!r}; expected int or one of {', '.join(PARAM_TYPES)}")
    return ParamSpec(name, tp, req == "required")


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A query from the catalog: its name, text, header comment and declared parameters."""

    name: str
    text: str
    engine: str  # which dialect file the text came from

    @property
    def header(self) -> str:
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("//"):
                break
            lines.append(line[2:].removeprefix(" ").rstrip())  # indentation kept: it lays out tables
        return "\n".join(lines)

    @property
    def file(self) -> str:
        """The catalog file the text came from (``NAME.cypher`` or ``NAME.ENGINE.cypher``)."""
        return f"{self.name}.cypher" if self.engine == "neo4j" else f"{self.name}.{self.engine}.cypher"

    @property
    def records(self) -> tuple[str, ...]:
        """The node labels of the rows, from the header's ``records:`` line; ``()`` when it has none.

        >>> get("list_org_downstream_units").records
        ('Cooperative', 'Company')
        >>> get("count_nodes").records
        ()
        """
        return _records(self.header, self.file)

    @property
    def parameters(self) -> list[str]:
        """Parameter names declared in the header's ``params:`` lines (``- $name: ...``)."""
        return list(self.specs)

    @property
    def specs(self) -> dict[str, ParamSpec]:
        """The declared parameters (see the module doc for the grammar)."""
        return _specs(self.header)

    def check(self, parameters: Mapping[str, Any]) -> None:
        """:class:`~partychain.errors.InvalidArgument` unless ``parameters`` are exactly the declared ones, each
        of its declared type and range.

        >>> get("list_cooperatives_without_org").check({"scope": "520628", "skip": 0, "limit": 10})
        >>> get("list_cooperatives_without_org").check({"scope": "520628", "skip": 2**63, "limit": 10})
        Traceback (most recent call last):
        ...
        partychain.errors.InvalidArgument: list_cooperatives_without_org: $skip must be an integer from 0 to 100,000,000
        """
        specs = self.specs
        extra = sorted(set(parameters) - set(specs))
        if extra:
            raise InvalidArgument(f"{self.name}: unknown parameter(s) {', '.join('$' + e for e in extra)}; "
                                  f"it takes {', '.join('$' + p for p in specs) or 'none'}")
        for name, spec in specs.items():
            if name not in parameters and spec.required:
                raise InvalidArgument(f"{self.name}: parameter ${name} is required")
            problem = spec.problem(parameters.get(name))
            if problem is not None:
                raise InvalidArgument(f"{self.name}: ${name} must be {problem}")


@cache
def _specs(header: str) -> dict[str, ParamSpec]:
    out: dict[str, ParamSpec] = {}
    in_params = False
    for line in header.splitlines():
        low = line.lower()
        if low.startswith("params:") or low.startswith("parameters:"):
            in_params = True
            continue
        if in_params:
            if line.startswith("-"):
                spec = parse_param(line)
                if spec is None:
                    raise ValueError(f"malformed parameter declaration {line!r}: write `- $name: TYPE; required`")
                out[spec.name] = spec
            elif line and not line.startswith(" "):
                in_params = False
    return out


@cache
def _records(header: str, file: str) -> tuple[str, ...]:
    lines = [line for line in header.splitlines() if line.lower().startswith("records:")]
    if not lines:
        return ()
    if len(lines) > 1:
        raise QueryCatalogError(f"{file}: more than one `records:` header line")
    labels = tuple(x.strip() for x in lines[0].split(":", 1)[1].split(","))
    unknown = [x for x in labels if x not in NODES]
    if unknown:
        raise QueryCatalogError(
            f"{file}: `records:` names {', '.join(map(repr, unknown))}, not a node label of the model; "
            f"write one or more of {', '.join(sorted(NODES))}, comma-separated")
    return labels


@cache
def _files() -> dict[str, str]:
    root = files(__name__)
    return {p.name: p.read_text(encoding="utf-8") for p in root.iterdir() if p.name.endswith(".cypher")}


def names() -> list[str]:
    """Names of every query in the catalog."""
    return sorted({n.split(".")[0] for n in _files()})


@cache
def get(name: str, engine: str = "neo4j") -> NamedQuery:
    """The query ``name`` for ``engine`` ("neo4j" or "ladybug"); fails loudly on an unknown name.

    >>> get("count_nodes").name
    'count_nodes'
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
    fs = _files()
    override = f"{name}.{engine}.cypher"
    if engine != "neo4j" and override in fs:
        return _checked(NamedQuery(name, fs[override], engine))
    base = f"{name}.cypher"
    if base not in fs:
        known = ", ".join(names())
        raise QueryNotFound(f"no named query {name!r}; known queries: {known}")
    return _checked(NamedQuery(name, fs[base], "neo4j"))


def _checked(query: NamedQuery) -> NamedQuery:
    """``query`` once its header's declarations parse (a catalog file that breaks them is refused on load)."""
    query.records  # noqa: B018 (parsed for its check)
    return query
