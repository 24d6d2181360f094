"""Ledger years side by side on the embedded engine: one dataset version per year, loads that replace only
their year, the latest year by default, old years dropped; the personal-data store follows each version."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from partychain.errors import LedgerInvalid, YearNotLoaded, YearRefused
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore
from partychain.storage.personal import FILE as PERSONAL_FILE
from partychain.testing import mini_ledger_path


def _year(root: Path, year: int, as_of: str = "") -> Path:
    """A copy of the mini ledger declaring ``year``."""
    dst = root / f"ledger-{year}-{as_of or 'none'}"
    if not dst.exists():
        shutil.copytree(mini_ledger_path(), dst)
    (dst / "ledger.csv").write_text(f"year,as_of\n{year},{as_of}\n", encoding="utf-8")
    return dst


def _ledger_year(store: EmbeddedStore, year: int | None = None) -> int:
    with store.pinned(year) as view:
        return int(view.run("MATCH (l:Ledger) RETURN l.year").scalar())


def test_years_load_side_by_side_and_the_latest_is_the_default(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(_year(tmp_path, 2021, "2021-04-08")), source="2021")
    store.load(check_ledger(_year(tmp_path, 2019)), source="2019")  # an older year does not take over
    store.load(check_ledger(_year(tmp_path, 2020)), source="2020")
    assert store.years() == [2019, 2020, 2021]
    assert [(v.year, v.source) for v in store.versions()] == [(2019, "2019"), (2020, "2020"), (2021, "2021")]
    info = store.dataset()
    assert info is not None and info.year == 2021 and info.as_of == "2021-04-08"
    assert _ledger_year(store) == 2021
    assert [_ledger_year(store, y) for y in (2019, 2020, 2021)] == [2019, 2020, 2021]
    # each version has its own personal-data store, beside its graph
    for v in store.versions():
        assert (tmp_path / "graph" / "versions" / v.version / PERSONAL_FILE).is_file()
        with store.pinned(v.year) as view:
            assert view.dataset() == v
            assert view.personal().path == tmp_path / "graph" / "versions" / v.version / PERSONAL_FILE
    store.close()


def test_a_year_not_loaded_names_the_years_that_are(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(_year(tmp_path, 2020)), source="2020")
    with pytest.raises(YearNotLoaded, match="no ledger of 2018 is loaded; loaded years: 2020") as e, \
            store.pinned(2018):
        pass
    assert e.value.years == [2020]


def test_reloading_a_year_replaces_only_that_year_and_other_contents_need_replace(
        tmp_path: Path, edit_csv: Callable[..., None]) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(_year(tmp_path, 2020)), source="2020")
    store.load(check_ledger(_year(tmp_path, 2021)), source="2021")
    v2020 = {v.year: v for v in store.versions()}[2020]
    before = store.checksum()

    store.load(check_ledger(_year(tmp_path, 2021)), source="2021 again")  # same contents: loads again
    changed = _year(tmp_path, 2021)
    edit_csv(changed, "households", lambda f: f.assign(size="1"))
    with pytest.raises(YearRefused, match=r"a different ledger of 2021 is already loaded .* --replace"):
        store.load(check_ledger(changed), source="2021 edited")
    assert store.checksum() == before and store.dataset().source == "2021 again"  # type: ignore[union-attr]

    store.load(check_ledger(changed), source="2021 edited", replace=True)
    assert store.dataset().source == "2021 edited"  # type: ignore[union-attr]
    assert store.checksum() != before
    assert {v.year: v for v in store.versions()}[2020] == v2020  # the other year untouched


def test_a_ledger_without_a_year_is_refused_once_years_are_kept(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(mini_ledger_path()), source="no year")  # before any year: loads as before
    assert store.years() == [] and store.dataset().year is None  # type: ignore[union-attr]
    store.load(check_ledger(_year(tmp_path, 2021)), source="2021")
    assert store.dataset().year == 2021  # type: ignore[union-attr]
    with pytest.raises(YearRefused, match="declares no year, and years are kept \\(2021\\)"):
        store.load(check_ledger(mini_ledger_path()), source="no year again")
    assert store.dataset().source == "2021"  # type: ignore[union-attr]


def test_dropping_years(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    for y in (2019, 2020, 2021):
        store.load(check_ledger(_year(tmp_path, y)), source=str(y))
    with store.pinned() as view:  # a reader of 2021 while 2021 is dropped keeps its answer
        dropped = store.drop(2021)
        assert view.dataset() == dropped and int(view.run("MATCH (l:Ledger) RETURN l.year").scalar()) == 2021
    assert store.years() == [2019, 2020] and store.dataset().year == 2020  # type: ignore[union-attr]
    assert _ledger_year(store) == 2020
    store.drop(2019)
    assert not (tmp_path / "graph" / "versions" / dropped.version).exists()
    left = store.dataset()
    assert left is not None and sorted(p.name for p in (tmp_path / "graph" / "versions").iterdir()) == [left.version]
    with pytest.raises(YearNotLoaded, match="loaded years: 2020"):
        store.drop(2019)
    store.drop(2020)
    assert store.dataset() is None and store.years() == []


def test_the_ledger_table_holds_one_year_within_its_date(tmp_path: Path) -> None:
    bad = _year(tmp_path, 2021, "2020-12-31")
    with pytest.raises(LedgerInvalid, match="as-of date is not in the ledger's year"):
        check_ledger(bad)
    (bad / "ledger.csv").write_text("year,as_of\n2020,\n2021,\n", encoding="utf-8")
    with pytest.raises(LedgerInvalid, match="the ledger table has one row"):
        check_ledger(bad)
