"""docs/queries.md is generated from the catalog: every named query's header and its worked example.

The page (``partychain querydoc``) is the template ``cypher/queries.md.in`` with a section per
query: its header, the example call of its ``example:`` header line and what the mini ledger gives.
A stale page, a query without a section, or a section for a query that does not exist fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from partychain import cypher
from partychain.cli import app
from partychain.cypher.page import example_of, render

PAGE = Path(__file__).resolve().parents[2] / "docs" / "queries.md"
SECTION = re.compile(r"^### `(\w+)`", re.M)


def test_page_is_what_the_catalog_and_the_mini_ledger_give(mini_graph) -> None:
    assert PAGE.read_text(encoding="utf-8") == render(mini_graph), \
        "docs/queries.md is stale: run `partychain querydoc --out docs/queries.md`"


def test_every_named_query_has_one_section() -> None:
    documented = SECTION.findall(PAGE.read_text(encoding="utf-8"))
    assert sorted(documented) == sorted(cypher.names())


def test_most_queries_have_an_example() -> None:
    with_example = [n for n in cypher.names() if example_of(cypher.get(n)) is not None]
    assert len(with_example) >= len(cypher.names()) * 0.9


def test_querydoc_check_fails_on_a_stale_page(tmp_path: Path) -> None:
    stale = tmp_path / "queries.md"
    stale.write_text(PAGE.read_text(encoding="utf-8").replace("### `get_org`", "### `get_orgs`"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["querydoc", "--out", str(PAGE), "--check"]).exit_code == 0
    bad = runner.invoke(app, ["querydoc", "--out", str(stale), "--check"])
    assert bad.exit_code == 1 and "stale" in bad.output


def test_querydoc_names_a_query_the_template_does_not_place(monkeypatch, tmp_path: Path) -> None:
    from partychain.cypher import page

    monkeypatch.setattr(page, "names", lambda: [*cypher.names(), "list_nowhere"])
    res = CliRunner().invoke(app, ["querydoc", "--out", str(tmp_path / "queries.md")])
    assert res.exit_code == 2, res.output
    assert "list_nowhere" in res.output and "queries.md.in" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "queries.md").exists()
