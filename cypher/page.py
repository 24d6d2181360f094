"""``docs/queries.md``, generated from the catalog: each query's header and its worked example on the mini ledger.

The prose lives in the template ``queries.md.in`` beside the queries; each ``<!-- queries: a, b -->``
marker in it becomes one section per query: the header (the definition), the example call from
the header's ``example:`` line, and the rows the mini ledger gives.  ``partychain querydoc --out
docs/queries.md`` writes the page; ``--check`` and the test suite fail when it is stale.
"""

from __future__ import annotations

import ast
import json
import re
from importlib.resources import files
from typing import Any

from partychain.errors import QueryCatalogError

from . import NamedQuery, get, names

MARKER = re.compile(r"^<!-- queries: (.*?) -->$", re.M)
_TEMPLATE_NOTE = re.compile(r"\A<!--.*?-->\n", re.S)
NO_ROWS = "_no rows_"


def example_of(query: NamedQuery) -> dict[str, Any] | None:
    """The keyword arguments of a query's worked example (its ``example:`` header line), or ``None``.

    >>> example_of(get("get_org"))
    {'org_id': 'BR-1'}
    """
    for line in query.header.splitlines():
        if line.startswith("example:"):
            text = line.removeprefix("example:").strip()
            call = ast.parse(f"f({text})", mode="eval").body
            assert isinstance(call, ast.Call)
            return {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    return None


def cell(v: Any) -> str:
    """A value as the page shows it (lists sorted, so the page does not depend on engine order)."""
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


def table(columns: list[str], rows: list[list[Any]], *, ordered: bool) -> str:
    """Rows as a Markdown table; rows of an unordered query sorted."""
    if not rows:
        return NO_ROWS
    cells = [[cell(v) for v in row] for row in rows]
    if not ordered:
        cells.sort()
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in cells)])


def call_text(name: str, kwargs: dict[str, Any]) -> str:
    args = "".join(f", {k}={json.dumps(v, ensure_ascii=False)}" for k, v in kwargs.items())
    return f"store.named({json.dumps(name)}{args})"


def section(store: Any, name: str) -> str:
    """One query's section: header, example call, result."""
    q = get(name)
    out = [f"### `{name}`", "", "```text", *(line for line in q.header.splitlines() if not line.startswith("example:")),
           "```"]
    kwargs = example_of(q)
    if kwargs is not None:
        res = store.named(name, **kwargs)
        ordered = "ORDER BY" in get(name, store.dialect).text.upper()
        out += ["", "```python", call_text(name, kwargs), "```", "", table(res.columns, res.rows, ordered=ordered)]
    return "\n".join(out) + "\n"


def render(store: Any) -> str:
    """The whole page, every query of the catalog run on ``store`` (the mini ledger)."""
    template = _TEMPLATE_NOTE.sub("", (files(__package__) / "queries.md.in").read_text(encoding="utf-8"))
    placed: list[str] = []

    def fill(m: re.Match[str]) -> str:
        wanted = [n.strip() for n in m.group(1).split(",") if n.strip()]
        placed.extend(wanted)
        return "\n".join(section(store, n) for n in wanted).rstrip("\n")

    page = MARKER.sub(fill, template)
    missing = sorted(set(names()) - set(placed))
    unknown = sorted(set(placed) - set(names()))
    if missing or unknown:
        raise QueryCatalogError(f"cypher/queries.md.in places no section for {missing} and sections for "
                                f"unknown {unknown}: add each catalog query to one <!-- queries: ... --> marker")
    return page.rstrip("\n") + "\n"
