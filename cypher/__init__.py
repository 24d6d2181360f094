"""The named Cypher queries, shipped as package data, and the catalog that loads them.

Each query is one file ``NAME.cypher`` written in Neo4j 5 Cypher from a subset the
embedded engine (LadybugDB) also runs.  Where LadybugDB needs another spelling, an
override ``NAME.ladybug.cypher`` sits next to it, its header saying why.
Every file opens with a ``//`` comment: what it answers, its parameters, its columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from partychain.errors import QueryNotFound

ENGINES = ("neo4j", "ladybug")


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
            lines.append(line[2:].strip())
        return "\n".join(lines)

    @property
    def parameters(self) -> list[str]:
        """Parameter names declared in the header's ``params:`` lines (``- name: ...``)."""
        out = []
        in_params = False
        for line in self.header.splitlines():
            low = line.lower()
            if low.startswith("params:") or low.startswith("parameters:"):
                in_params = True
                continue
            if in_params:
                if line.startswith("- $") or line.startswith("$"):
                    out.append(line.lstrip("- $").split(":")[0].split()[0])
                elif line and not line.startswith(" ") and line.endswith(":"):
                    in_params = False
        return out


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
        return NamedQuery(name, fs[override], engine)
    base = f"{name}.cypher"
    if base not in fs:
        known = ", ".join(names())
        raise QueryNotFound(f"no named query {name!r}; known queries: {known}")
    return NamedQuery(name, fs[base], "neo4j")
