"""Every ``.cypher`` file shipped in ``partychain.cypher`` passes Neo4j's Cypher 5 linter.

All files are linted in one node process, once per session, against the knowledge model's
labels, relationship types and property keys; a file passes with no error and no warning.
LadybugDB overrides (``NAME.ladybug.cypher``) are LadybugDB's dialect, not Neo4j's: they are
listed but skipped.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from partychain.cypher import ENGINES

NON_NEO4J_SUFFIXES = tuple(f".{engine}.cypher" for engine in ENGINES if engine != "neo4j")


def _cypher_files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for entry in root.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                out.extend(_cypher_files(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".cypher"):
            out.append((prefix + entry.name, entry))
    return sorted(out, key=lambda item: item[0])


CYPHER_FILES = dict(_cypher_files(files("partychain.cypher")))
NEO4J_FILES = {name: f for name, f in CYPHER_FILES.items() if not name.endswith(NON_NEO4J_SUFFIXES)}


def _origin(f: Traversable) -> str:
    """The file's path, relative to the working directory when it is below it."""
    path = Path(str(f))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@pytest.fixture(scope="session")
def neo4j_lint_results(cypher_linter):
    """Diagnostics of every Neo4j-dialect file, from one linter call."""
    from partychain.graph_model import linter_schema

    texts = {name: f.read_text(encoding="utf-8") for name, f in NEO4J_FILES.items()}
    return texts, cypher_linter(texts, linter_schema())


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.skip(reason="LadybugDB dialect override, not Neo4j Cypher"))
        if name not in NEO4J_FILES
        else name
        for name in CYPHER_FILES
    ],
)
def test_cypher_file_passes_neo4j_linter(name, neo4j_lint_results, format_cypher_diagnostics):
    texts, results = neo4j_lint_results
    diagnostics = results[name]
    assert not diagnostics, (
        f"{name}: {len(diagnostics)} problem(s) from Neo4j's Cypher linter:\n"
        + format_cypher_diagnostics(texts[name], diagnostics, _origin(NEO4J_FILES[name]))
    )
