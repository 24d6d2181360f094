"""Commands that write the generated documentation: the data dictionary and the query catalog page."""

from __future__ import annotations

from .base import CheckOption, OutOption, command, generated

PANEL = "Generated documentation"


@command(panel=PANEL)
def dictionary(out_file: OutOption = None, check: CheckOption = False) -> None:
    """Print (or write) the data dictionary generated from the model."""
    from partychain.graph_model import render_dictionary

    generated(render_dictionary(), out_file, check, "dictionary")


@command(panel=PANEL)
def querydoc(out_file: OutOption = None, check: CheckOption = False) -> None:
    """Print (or write) docs/queries.md: every named query's header and its worked example on the mini ledger."""
    from partychain.cypher.page import render
    from partychain.testing import mini_store

    generated(render(mini_store()), out_file, check, "querydoc")
