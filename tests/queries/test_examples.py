"""Every ```cypher block of docs/cypher-examples.md runs on the embedded engine (mini ledger) and returns
rows, and passes Neo4j's Cypher 5 linter (the harness of tests/cypher)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from partychain.graph_model import linter_schema

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "cypher-examples.md"
BLOCK = re.compile(r"^```cypher\n(.*?)^```", re.S | re.M)


def examples() -> list[tuple[str, str]]:
    text = PAGE.read_text(encoding="utf-8")
    out = []
    for m in BLOCK.finditer(text):
        line = text[: m.start()].count("\n") + 1
        out.append((f"cypher-examples.md:{line}", m.group(1)))
    return out


EXAMPLES = examples()


def _lint_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_partychain_cypher_lint_harness",
                                                  ROOT / "tests" / "cypher" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("where", "query"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_runs_and_returns_rows(mini_graph, where: str, query: str) -> None:
    res = mini_graph.run(query)
    assert res.rows, f"{where}: no rows on the mini ledger"


@pytest.fixture(scope="module")
def lint_results() -> dict[str, list]:
    harness = _lint_harness()
    node = harness._require("node")
    npm = harness._require("npm")
    if harness._needs_install():
        harness._install(npm)
    return harness.make_linter(node)(dict(EXAMPLES), linter_schema())


@pytest.mark.parametrize(("where", "query"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_passes_neo4j_linter(lint_results, where: str, query: str) -> None:
    harness = _lint_harness()
    diagnostics = lint_results[where]
    assert not diagnostics, harness._format_diagnostics(query, diagnostics, f"docs/{where}")
