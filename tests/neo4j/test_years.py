"""Ledger years on Neo4j: the database keeps one year (Community hosts one user database); another ledger over
a declared year needs replace, and a year other than the loaded one is not loaded (docs/neo4j.md)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from partychain.errors import YearNotLoaded, YearRefused
from partychain.loaders import check_ledger
from partychain.testing import mini_ledger_path

pytestmark = pytest.mark.neo4j


def _year(root: Path, year: int) -> Path:
    dst = root / str(year)
    shutil.copytree(mini_ledger_path(), dst)
    (dst / "ledger.csv").write_text(f"year,as_of\n{year},{year}-06-30\n", encoding="utf-8")
    return dst


def test_one_year_per_database(neo4j_graphs: Any, tmp_path: Path) -> None:
    store = neo4j_graphs.holding("mini")  # a ledger without a year: any ledger replaces it, as before
    store.load(check_ledger(_year(tmp_path, 2021)), source="mini 2021")
    info = store.dataset()
    assert info is not None and (info.year, info.as_of) == (2021, "2021-06-30")
    with store.pinned(2021) as view:
        assert view.run("MATCH (l:Ledger) RETURN l.year AS y").scalar() == 2021
        assert view.personal().path == store.personal_path(info.version)  # the year's personal data
    with pytest.raises(YearNotLoaded, match="no ledger of 2020 is loaded; loaded years: 2021"), store.pinned(2020):
        pass

    with pytest.raises(YearRefused, match=r"keeps one year, 2021 .* --replace"):
        store.load(check_ledger(_year(tmp_path, 2020)), source="mini 2020")
    with pytest.raises(YearRefused, match="a ledger without a year would replace it"):
        store.load(check_ledger(mini_ledger_path()), source="mini")
    assert store.dataset() == info  # refused before anything was written
    store.load(check_ledger(tmp_path / "2021"), source="mini 2021")  # the same ledger loads again

    store.load(check_ledger(tmp_path / "2020"), source="mini 2020", replace=True)
    assert store.dataset().year == 2020  # type: ignore[union-attr]
    assert store.run("MATCH (l:Ledger) RETURN collect(l.year) AS y").scalar() == [2020]
    store.load(check_ledger(mini_ledger_path()), source="mini", replace=True)  # replace takes a year-less one too
    assert store.dataset().year is None  # type: ignore[union-attr]
