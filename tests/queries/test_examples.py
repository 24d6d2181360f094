"""Every ```cypher block of docs/cypher-examples.md runs on the embedded engine (mini ledger) and returns
rows, and passes Neo4j's Cypher 5 linter (the harness of tests/cypher)."""

from __future__ import annotations

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


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("where", "query"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_runs_and_returns_rows(mini_graph, where: str, query: str) -> None:
    res = mini_graph.run(query)
    assert res.rows, f"{where}: no rows on the mini ledger"


@pytest.fixture(scope="module")
def lint_results(cypher_lint_harness: ModuleType, run_folder: Path) -> dict[str, list]:
    node = cypher_lint_harness._require("node")
    lint = cypher_lint_harness.make_linter(node, run_folder)
    return lint(dict(EXAMPLES), linter_schema())


@pytest.mark.parametrize(("where", "query"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_passes_neo4j_linter(lint_results, cypher_lint_harness: ModuleType, where: str, query: str) -> None:
    diagnostics = lint_results[where]
    assert not diagnostics, cypher_lint_harness._format_diagnostics(query, diagnostics, f"docs/{where}")
