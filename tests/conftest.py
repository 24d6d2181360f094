"""Shared fixtures: the bundled mini ledger and the Songtao sample, loaded into the real embedded engine."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run long tests (soak, many killed loads)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_slow = pytest.mark.skip(reason="slow: run with --run-slow")
    skip_neo4j = pytest.mark.skip(reason="needs a Neo4j server: set PARTYCHAIN_NEO4J_URI")
    for item in items:
        # markers, not keywords: keywords also hold folder names (tests/neo4j/...)
        if item.get_closest_marker("slow") and not config.getoption("--run-slow"):
            item.add_marker(skip_slow)
        if item.get_closest_marker("neo4j") and not os.environ.get("PARTYCHAIN_NEO4J_URI"):
            item.add_marker(skip_neo4j)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini ledger, for tests that break it."""
    dst = tmp_path / "ledger"
    shutil.copytree(mini_ledger_path(), dst)
    return dst


@pytest.fixture(scope="session")
def mini_tables() -> dict[str, pd.DataFrame]:
    """The mini ledger's tables as pandas frames (strings), for computing expectations."""
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in mini_ledger_path().glob("*.csv")}


@pytest.fixture(scope="session")
def mini_graph(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("mini") / "graph")
    store.load(check_ledger(mini_ledger_path()), source="mini")
    return store


@pytest.fixture(scope="session")
def songtao_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Songtao sample ledger (seed 2021), generated once per test session."""
    from partychain.sample import generate_songtao

    out = tmp_path_factory.mktemp("songtao") / "ledger"
    generate_songtao(out, seed=2021)
    return out


@pytest.fixture(scope="session")
def songtao_tables(songtao_path: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in songtao_path.glob("*.csv")}


@pytest.fixture(scope="session")
def songtao_graph(songtao_path: Path, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("songtao-graph") / "graph")
    store.load(check_ledger(songtao_path), source=str(songtao_path))
    return store


@pytest.fixture
def edit_csv() -> Callable[[Path, str, Callable[[pd.DataFrame], pd.DataFrame]], None]:
    """Rewrite one table of a ledger copy through a pandas function."""

    def edit(ledger: Path, table: str, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        path = ledger / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        fn(frame).to_csv(path, index=False)

    return edit
