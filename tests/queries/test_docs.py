"""docs/queries.md documents every named query, and its worked examples are what the mini ledger gives.

Each query has a ``### `name` `` section; a section's example is a ```python block holding one
``store.named("name", param=value, ...)`` call, followed by the result as a Markdown table (or
``_no rows_``).  The test runs every example on the mini ledger and compares, row order aside
(lists inside cells are shown sorted).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from partychain import cypher
from partychain.storage.base import QueryResult

PAGE = Path(__file__).resolve().parents[2] / "docs" / "queries.md"
SECTION = re.compile(r"^### `(\w+)`", re.M)
EXAMPLE = re.compile(r"```python\n(store\.named\(.*?\))\n```\n\n(.*?)(?:\n\n|\Z)", re.S)
NO_ROWS = "_no rows_"


def cell(v: Any) -> str:
    """A value as the page shows it."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list | dict):
        if isinstance(v, list):
            v = sorted(v, key=lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True))
        return json.dumps(v, ensure_ascii=False, sort_keys=True).replace("|", "\\|")
    return str(v).replace("|", "\\|")


def render(res: QueryResult) -> str:
    """A query result as a Markdown table."""
    if not res.rows:
        return NO_ROWS
    lines = ["| " + " | ".join(res.columns) + " |", "|" + " --- |" * len(res.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in res.rows]
    return "\n".join(lines)


def parse_call(text: str) -> tuple[str, dict[str, Any]]:
    """``store.named("name", a=1)`` → ``("name", {"a": 1})``, literals only."""
    call = ast.parse(text, mode="eval").body
    assert isinstance(call, ast.Call) and len(call.args) == 1, text
    return ast.literal_eval(call.args[0]), {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}


def sections() -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    marks = list(SECTION.finditer(text))
    return {m.group(1): text[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(text)]
            for i, m in enumerate(marks)}


def test_every_named_query_is_documented() -> None:
    documented = sections()
    missing = sorted(set(cypher.names()) - set(documented))
    assert not missing, f"docs/queries.md has no '### `name`' section for: {', '.join(missing)}"
    unknown = sorted(set(documented) - set(cypher.names()))
    assert not unknown, f"docs/queries.md documents queries the catalog does not have: {unknown}"


def test_every_query_name_is_mentioned() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert all(f"`{name}`" in text for name in cypher.names())


EXAMPLES = [(name, m.group(1), m.group(2).strip()) for name, body in sections().items()
            for m in EXAMPLE.finditer(body)]


def test_most_queries_have_an_example() -> None:
    with_example = {name for name, _, _ in EXAMPLES}
    assert len(with_example) >= len(sections()) * 0.9


@pytest.mark.parametrize(("name", "call", "shown"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_worked_example_is_what_the_mini_ledger_gives(mini_graph, name: str, call: str, shown: str) -> None:
    called, params = parse_call(call)
    assert called == name, f"the example of {name} calls {called}"
    got = render(mini_graph.named(called, **params))
    got_lines, shown_lines = got.splitlines(), shown.splitlines()
    assert got_lines[:2] == shown_lines[:2], f"{name}: columns differ:\n{got}"
    assert sorted(got_lines[2:]) == sorted(shown_lines[2:]), f"{name}: rows differ; the mini ledger gives\n{got}"
