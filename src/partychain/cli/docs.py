"""Commands that write the generated documentation: the data dictionary, the query catalog page, the API table."""

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


@command(panel=PANEL)
def apidoc(out_file: OutOption = None, check: CheckOption = False) -> None:
    """Print (or write) docs/api.md: every HTTP endpoint with the role it needs, read from the app."""
    from partychain.api.app import create_app
    from partychain.api.endpoint_table import render
    from partychain.settings import Settings
    from partychain.testing import mini_store

    generated(render(create_app(mini_store(), Settings(_env_file=None))), out_file, check, "apidoc")
