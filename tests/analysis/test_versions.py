"""The pairing estimate over the loaded ledger years: the income series read from the versions equals the ledgers'
CSVs, and the estimate on it recovers what the Songtao sample planted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from partychain.analysis import income_by_version, income_series, pairing_effect_over_versions, panel_from_versions
from partychain.storage.embedded import EmbeddedStore

YEARS = (2019, 2020, 2021)


def _income(folder: Path) -> pd.DataFrame:
    t = pd.read_csv(folder / "village_income.csv", dtype={"village_code": str})
    return t.rename(columns={"collective_income": "yuan"})


def test_income_by_version_is_each_ledger(songtao_years_graph: EmbeddedStore, songtao_years_path: Path) -> None:
    got = income_by_version(songtao_years_graph, scope="520628101")
    assert sorted(set(got["version_year"])) == list(YEARS)
    for year in YEARS:
        want = _income(songtao_years_path / str(year))
        want = want[want["village_code"].str.startswith("520628101")]
        mine = got[got["version_year"] == year]
        assert sorted(zip(mine["village_code"], mine["year"], mine["yuan"], strict=True)) == \
            sorted(zip(want["village_code"], want["year"], want["yuan"].astype(float), strict=True))
        assert mine["year"].max() == year  # each ledger records its series up to its own year


def test_the_series_takes_each_year_from_its_first_ledger(songtao_years_graph: EmbeddedStore) -> None:
    series, revised = income_series(income_by_version(songtao_years_graph))
    first = series.groupby("year")["version_year"].unique().map(list).to_dict()
    assert first == {2016: [2019], 2017: [2019], 2018: [2019], 2019: [2019], 2020: [2020], 2021: [2021]}
    assert revised.empty  # the sample's history never revises an income


def test_panel_and_estimate_over_the_versions(songtao_years_graph: EmbeddedStore, songtao_years_path: Path) -> None:
    panel = panel_from_versions(songtao_years_graph)
    want = _income(songtao_years_path / "2021").pivot(index="village_code", columns="year", values="yuan")
    assert panel.years == list(range(2016, 2022)) and panel.selection_year == 2017
    assert (panel.income.loc[want.index, want.columns] == want.astype(float)).all().all()
    pairs = pd.read_csv(songtao_years_path / "2021" / "pairings.csv", dtype=str)
    assert sorted(zip(panel.pairings["strong_code"], panel.pairings["weak_code"], strict=True)) == \
        sorted(zip(pairs["strong_code"], pairs["weak_code"], strict=True))
    est = pairing_effect_over_versions(songtao_years_graph, n_perm=0)
    assert est.ci_low < 40_000 < est.ci_high  # the planted effect
    assert est.n_used > 50
