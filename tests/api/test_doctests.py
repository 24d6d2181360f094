"""The examples in the API modules' docstrings run (the api folder is outside pytest's doctest paths)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["auth", "personal", "server", "routes_cypher"]  # the Cypher guard: partychain.storage.guard


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"partychain.api.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
