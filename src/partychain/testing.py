"""Small graphs for examples and tests: the bundled mini ledger, loaded once per process.

Docstring examples across the project run against :func:`mini_store`, so they
exercise the real embedded engine rather than a mock.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore


def mini_ledger_path() -> Path:
    """Folder of the bundled seven-village mini ledger (CSV files)."""
    with as_file(files("partychain.sample") / "mini") as p:
        return Path(p)


@cache
def mini_store() -> EmbeddedStore:
    """An embedded store holding the mini ledger, in a temporary directory removed at exit."""
    tmp = Path(tempfile.mkdtemp(prefix="partychain-mini-"))
    atexit.register(shutil.rmtree, tmp, True)
    store = EmbeddedStore(tmp / "graph")
    store.load(check_ledger(mini_ledger_path()), source="mini")
    return store
