"""Shared fixtures: the bundled mini ledger and the Songtao sample, loaded into the real embedded engine,
and one Neo4j server per session for the tests marked ``neo4j``.

The Neo4j server: ``PARTYCHAIN_NEO4J_URI`` (with ``PARTYCHAIN_NEO4J_USER`` / ``_PASSWORD``) when set —
a throwaway server, the tests replace its graph — else the suite starts ``tools/neo4j-server``
(:mod:`partychain.neo4j_server`) in a temporary directory on a free loopback port with a random
password, when ``java`` and ``mvn`` are on the PATH, and stops it at the end.  Without either, the
Neo4j tests skip, or fail when ``PARTYCHAIN_REQUIRE_NEO4J=1`` (``.ci/run`` sets it).  While a
``neo4j`` test runs, the environment holds the server's URI and password (for code that reads the
settings and for ``partychain`` subprocesses); other tests never see them.

The Songtao ledgers and their embedded graphs are built once per run, not once per xdist worker: the first
worker to ask builds them under a file lock (:func:`_built_once`), every worker then opens them read-only.
Tests only read them (a test that changes a ledger or a graph copies it first).
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from partychain.loaders import ValidatedLedger, check_ledger
from partychain.settings import Settings, get_settings
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

# A Songtao reload in one transaction takes about 1.5 GB of transaction memory: with a 2 GB heap (a 1.5 GB
# transaction pool) it holds with about 1 % to spare, with 1.5 GB it fails (docs/neo4j.md, measured).
NEO4J_TEST_HEAP = "3g"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run long tests (soak, many killed loads)")


class _ServerGroups:
    """Marks each test's server group before pytest-xdist reads the groups (its hook runs before a ``trylast`` one)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        _one_worker_per_server(items)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_ServerGroups(), "partychain-server-groups")


@pytest.hookimpl(trylast=True)  # after pytest's own reordering by parametrised fixtures
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _neo4j_songtao_together(items)
    skip_slow = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        # markers, not keywords: keywords also hold folder names (tests/neo4j/...)
        if item.get_closest_marker("slow") and not config.getoption("--run-slow"):
            item.add_marker(skip_slow)


def _wants_neo4j_songtao(item: pytest.Item) -> bool:
    """Whether a test runs on the session's Neo4j server holding the Songtao sample: it asks for
    ``neo4j_songtao``, it is marked ``opens_neo4j_songtao``, or it is one of the parity tests on that sample
    (``engines`` = "songtao")."""
    callspec = getattr(item, "callspec", None)
    return "neo4j_songtao" in getattr(item, "fixturenames", ()) or item.get_closest_marker(
        "opens_neo4j_songtao") is not None or (
        callspec is not None and callspec.params.get("engines") == "songtao")


def _neo4j_songtao_together(items: list[pytest.Item]) -> None:
    """The tests on the Neo4j Songtao graph run one after the other, after every other test.

    The server holds one graph (Neo4j Community has one user database).  Each turn to the Songtao
    sample loads it, the longest fixture step of the suite (about a minute), and each turn back to the
    mini ledger replaces it again (half a minute: the whole county deleted in one transaction).  Run
    last and together, the Songtao tests load it once per session and never replace it.  A test marked
    ``opens_neo4j_songtao`` (it loads the mini ledger, then the sample itself) runs first among them.
    """
    wanted = [i for i in items if _wants_neo4j_songtao(i)]
    wanted.sort(key=lambda i: i.get_closest_marker("opens_neo4j_songtao") is None)  # stable: the opener first
    items[:] = [*(i for i in items if not _wants_neo4j_songtao(i)), *wanted]


def _uses_neo4j(item: pytest.Item) -> bool:
    return item.get_closest_marker("neo4j") is not None or "neo4j_server" in getattr(item, "fixturenames", ())


def _one_worker_per_server(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``-n 2`` in the project's pytest options), the tests of one server run on one worker.

    Every Neo4j test goes to the worker that starts the session's Neo4j server (one server, 3 GB of heap,
    and its Songtao load, once), and every browser test to the one that runs the README's server and
    Chromium; ``--dist loadgroup`` keeps a group on one worker and spreads the rest of the suite.
    """
    for item in items:
        if _uses_neo4j(item):
            item.add_marker(pytest.mark.xdist_group("neo4j"))
        elif item.path.parent.name == "browser":
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def cypher_lint_harness() -> ModuleType:
    """tests/cypher's harness of Neo4j's Cypher linter (its conftest, loaded by path), with the linter installed
    (from the lock file, one installer at a time across workers): for tests outside tests/cypher."""
    spec = importlib.util.spec_from_file_location("_partychain_cypher_lint_harness",
                                                  Path(__file__).parent / "cypher" / "conftest.py")
    assert spec and spec.loader
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    if harness._needs_install():
        harness._install(harness._require("npm"))
    return harness


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


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run that every pytest-xdist worker sees (the parent of each worker's
    own; a run without workers has its own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`_run_folder` as a fixture: where the workers of one run share what they build once."""
    return _run_folder(tmp_path_factory)


def _built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``ROOT/name``, built by ``build(ROOT/name)`` once per test run: ``ROOT`` is the directory the xdist
    workers share (the parent of each worker's base temp; a run without workers has its own), the first
    worker to get there builds under an exclusive lock while the others wait, and a marker beside the
    directory (not in it) says the build finished, so a build that failed is done again, from scratch."""
    root = _run_folder(tmp_path_factory)
    target, done = root / name, root / f"{name}.built"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            build(target)
            done.touch()
    return target


def _loaded(ledgers: list[tuple[Path, str]]) -> Callable[[Path], None]:
    """A build for :func:`_built_once`: an embedded graph at ``DIR/graph`` holding ``ledgers`` (path, source)
    loaded in order, closed (the workers open it afresh)."""
    def build(target: Path) -> None:
        store = EmbeddedStore(target / "graph")
        try:
            for path, source in ledgers:
                store.load(check_ledger(path), source=source)
        finally:
            store.close()
    return build


@pytest.fixture(scope="session")
def songtao_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Songtao sample ledger (seed 2021), generated once per test run."""
    from partychain.sample import generate_songtao

    return _built_once(tmp_path_factory, "songtao", lambda d: generate_songtao(d / "ledger", seed=2021)) / "ledger"


@pytest.fixture(scope="session")
def songtao_tables(songtao_path: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in songtao_path.glob("*.csv")}


@pytest.fixture(scope="session")
def songtao_years_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Songtao sample's history: ``ROOT/2019``, ``ROOT/2020``, ``ROOT/2021`` (the last one the sample)."""
    from partychain.sample.history import generate_songtao_years

    return _built_once(tmp_path_factory, "songtao-years",
                       lambda d: generate_songtao_years(d, [2019, 2020, 2021], seed=2021))


@pytest.fixture(scope="session")
def songtao_years_graph(songtao_years_path: Path, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    """The three Songtao years loaded side by side (2021 the default)."""
    years = [(songtao_years_path / str(y), f"songtao {y}") for y in (2019, 2020, 2021)]
    return EmbeddedStore(_built_once(tmp_path_factory, "songtao-years-graph", _loaded(years)) / "graph")


@pytest.fixture(scope="session")
def songtao_graph(songtao_path: Path, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    return EmbeddedStore(_built_once(tmp_path_factory, "songtao-graph",
                                     _loaded([(songtao_path, str(songtao_path))])) / "graph")


@pytest.fixture
def edit_csv() -> Callable[[Path, str, Callable[[pd.DataFrame], pd.DataFrame]], None]:
    """Rewrite one table of a ledger copy through a pandas function."""

    def edit(ledger: Path, table: str, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        path = ledger / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        fn(frame).to_csv(path, index=False)

    return edit


# --- Neo4j ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Neo4jServer:
    """Where the session's Neo4j server answers."""

    uri: str
    user: str
    password: str
    db: Path  # PARTYCHAIN_DB of the tests: where the Neo4j store keeps the personal-data files it writes
    data: Path | None = None  # the server's data directory, when the suite started the server

    def env(self) -> dict[str, str]:
        return {"PARTYCHAIN_NEO4J_URI": self.uri, "PARTYCHAIN_NEO4J_USER": self.user,
                "PARTYCHAIN_NEO4J_PASSWORD": self.password, "PARTYCHAIN_DB": str(self.db)}

    def settings(self, **overrides: Any) -> Settings:
        return Settings(_env_file=None, engine="neo4j", neo4j_uri=self.uri, neo4j_user=self.user,  # type: ignore[call-arg]
                        neo4j_password=self.password, **{"db": self.db, **overrides})

    def store(self, **overrides: Any) -> Any:
        from partychain.storage.neo4j import Neo4jStore

        return Neo4jStore.from_settings(self.settings(**overrides))


def _no_server(reason: str) -> None:
    if os.environ.get("PARTYCHAIN_REQUIRE_NEO4J", "") not in ("", "0"):
        pytest.fail(f"{reason}, and PARTYCHAIN_REQUIRE_NEO4J is set: the Neo4j tests must run", pytrace=False)
    pytest.skip(f"{reason} (set PARTYCHAIN_NEO4J_URI, or put java and mvn on the PATH)")


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """The session's Neo4j server (see the module docstring)."""
    db = tmp_path_factory.mktemp("neo4j-personal")
    if os.environ.get("PARTYCHAIN_NEO4J_URI"):
        yield Neo4jServer(os.environ["PARTYCHAIN_NEO4J_URI"], os.environ.get("PARTYCHAIN_NEO4J_USER", "neo4j"),
                          os.environ.get("PARTYCHAIN_NEO4J_PASSWORD", ""), db)
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        _no_server(f"no Neo4j server: {' and '.join(missing)} not on the PATH")
    from partychain import neo4j_server as server

    data = tmp_path_factory.mktemp("neo4j-server")
    password = secrets.token_urlsafe(18)
    info = server.start(data, port=0, password=password, heap=NEO4J_TEST_HEAP, pagecache="256m",
                        exit_with=os.getpid())
    try:
        yield Neo4jServer(info.uri, "neo4j", password, db, data)
    finally:
        server.stop(data)


@pytest.fixture(autouse=True)
def _neo4j_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's URI and password in the environment while a ``neo4j`` test runs."""
    if request.node.get_closest_marker("neo4j") is None:
        yield
        return
    server: Neo4jServer = request.getfixturevalue("neo4j_server")
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class Neo4jGraphs:
    """The session's Neo4j server holding a named dataset, loaded only when another one is there.

    There is one graph per server (Neo4j Community has one user database), so tests that need the
    mini ledger and tests that need the Songtao sample take turns; :meth:`holding` reloads only
    when the loaded dataset's fingerprint is not the one asked for.
    """

    def __init__(self, server: Neo4jServer) -> None:
        self.server = server
        self._paths: dict[str, Path] = {"mini": mini_ledger_path()}
        self._ledgers: dict[str, ValidatedLedger] = {}
        self._store: Any = None
        self.loaded: set[str] = set()  # the datasets loaded into the server during the session

    def ledger(self, name: str) -> ValidatedLedger:
        if name not in self._ledgers:
            self._ledgers[name] = check_ledger(self._paths[name])
        return self._ledgers[name]

    def holding(self, name: str, path: Path | None = None) -> Any:
        """A :class:`Neo4jStore` whose graph is the dataset ``name``: "mini", or a ledger at ``path``."""
        if path is not None:
            self._paths[name] = path
        if self._store is None:
            self._store = self.server.store()
            others = self._store.run("MATCH (n) WHERE NOT n:_Dataset RETURN count(n) AS n").scalar()
            ours = self._store.run("OPTIONAL MATCH (d:_Dataset) RETURN count(d) AS n").scalar()
            if others and not ours:
                pytest.fail(f"the Neo4j database at {self.server.uri} holds a graph that partychain did not load: "
                            "refusing to replace it", pytrace=False)
        ledger = self.ledger(name)
        info = self._store.dataset()
        if info is None or info.fingerprint != ledger.fingerprint() or info.source != name:
            self._store.load(ledger, source=name, replace=True)
            self.loaded.add(name)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


@pytest.fixture(scope="session")
def neo4j_graphs(neo4j_server: Neo4jServer) -> Iterator[Neo4jGraphs]:
    """``neo4j_graphs.holding("mini")`` → the server's store with the mini ledger loaded."""
    graphs = Neo4jGraphs(neo4j_server)
    yield graphs
    graphs.close()


@pytest.fixture
def neo4j_mini(neo4j_graphs: Neo4jGraphs) -> Any:
    """The session's Neo4j store holding the mini ledger (reloaded if another test replaced it)."""
    return neo4j_graphs.holding("mini")


@pytest.fixture
def neo4j_songtao(neo4j_graphs: Neo4jGraphs, songtao_path: Path) -> Any:
    """The session's Neo4j store holding the Songtao sample (loaded once unless replaced meanwhile)."""
    return neo4j_graphs.holding("songtao", songtao_path)
