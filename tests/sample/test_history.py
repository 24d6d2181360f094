"""The Songtao sample's history: 2019 and 2020 ledgers consistent with the 2021 one, which stays the sample."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest

from partychain.loaders import check_ledger
from partychain.sample.history import FOUNDED, parse_years
from partychain.sample.profile import SampleError
from partychain.sample.writer import TABLE_COLUMNS

YEARS = (2019, 2020, 2021)


@pytest.fixture(scope="module")
def by_year(songtao_years_path: Path) -> dict[int, dict[str, pd.DataFrame]]:
    return {y: {n: pd.read_csv(songtao_years_path / str(y) / f"{n}.csv", dtype=str, keep_default_na=False)
                for n in TABLE_COLUMNS} for y in YEARS}


def test_the_2021_ledger_is_the_sample_byte_for_byte(songtao_years_path: Path, songtao_path: Path) -> None:
    for name in TABLE_COLUMNS:
        assert (songtao_years_path / "2021" / f"{name}.csv").read_bytes() == \
            (songtao_path / f"{name}.csv").read_bytes(), name


@pytest.mark.parametrize("year", YEARS)
def test_each_year_is_a_valid_ledger_of_its_year(songtao_years_path: Path, year: int) -> None:
    ledger = check_ledger(songtao_years_path / str(year))
    assert ledger.year == year and not ledger.warnings
    assert ledger.as_of is not None and ledger.as_of.year == year


def test_ids_mean_the_same_and_the_chain_grows(by_year: dict[int, dict[str, pd.DataFrame]]) -> None:
    for a, b in itertools.pairwise(YEARS):
        ta, tb = by_year[a], by_year[b]
        for name, key in (("divisions", "code"), ("households", "id"), ("cooperatives", "id"), ("bases", "id"),
                          ("companies", "id")):
            assert list(ta[name][key]) == list(tb[name][key]), name  # the same entities every year
        for name, key in (("party_orgs", "id"), ("members", "id")):
            assert set(ta[name][key]) <= set(tb[name][key]), name  # founded or joined, never re-coded
        for name in ("member_households", "base_members", "contracts", "village_income", "village_income_sources"):
            old = set(map(tuple, ta[name].to_numpy()))
            assert old <= set(map(tuple, tb[name].to_numpy())), name
        orgs_a, orgs_b = ta["party_orgs"].set_index("id"), tb["party_orgs"].set_index("id")
        same = orgs_a.index
        assert (orgs_a[["name", "level", "kind"]] == orgs_b.loc[same, ["name", "level", "kind"]]).all().all()
        joint = [(t["party_orgs"]["kind"] == "cooperative_joint").sum() for t in (ta, tb)]
        assert joint[0] < joint[1]
        run = [(t["cooperatives"]["run_by"] != "").sum() for t in (ta, tb)]
        assert run[0] < run[1]
    assert len(by_year[2019]["member_households"]) < len(by_year[2020]["member_households"])


def test_dated_rows_stay_in_their_years(by_year: dict[int, dict[str, pd.DataFrame]]) -> None:
    for y in (2019, 2020):
        t = by_year[y]
        assert pd.to_numeric(t["village_income"]["year"]).max() == y
        assert (pd.to_numeric(t["member_households"]["since"]) <= y).all()
        assert (pd.to_numeric(t["members"]["joined_year"]) <= y).all()
        exits = pd.to_numeric(t["households"]["poverty_exit_year"], errors="coerce")
        assert exits.max() == y
        poor = t["households"]["poor"] == "true"
        assert (by_year[2021]["households"]["poor"] == t["households"]["poor"]).all() and poor.any()
        assert t["reported_figures"].empty  # the report is of 2021
        # members of organizations not founded yet belong to their village's branch
        orgs = t["party_orgs"].set_index("id")
        assert t["members"]["org_id"].isin(orgs.index).all()
        assert t["party_orgs"]["parent_id"].isin({"", *orgs.index}).all()
    # poverty exits by 2020: still poor at the end of 2019, out by the end of 2020
    h19, h20 = by_year[2019]["households"], by_year[2020]["households"]
    exited_2020 = h20["poverty_exit_year"] == "2020"
    assert exited_2020.sum() > 0 and (h19.loc[exited_2020, "poverty_exit_year"] == "").all()


def test_founding_shares_are_the_stated_assumption(by_year: dict[int, dict[str, pd.DataFrame]]) -> None:
    kind = by_year[2021]["party_orgs"]["kind"]
    n = int((kind == "cooperative_joint").sum())
    counts = {y: int((by_year[y]["party_orgs"]["kind"] == "cooperative_joint").sum()) for y in YEARS}
    assert counts[2021] == 300
    assert counts[2019] / n == pytest.approx(FOUNDED[2019], abs=0.08)
    assert (counts[2020] - counts[2019]) / n == pytest.approx(FOUNDED[2020], abs=0.08)


def test_parse_years() -> None:
    assert parse_years("2019,2021") == [2019, 2021]
    for bad in ("2018-2021", "2022", "x-y", ""):
        with pytest.raises(SampleError, match="years"):
            parse_years(bad)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s).astype("int64")


@pytest.mark.parametrize("year", YEARS)
def test_income_sources_add_up_and_dividends_need_a_holding(by_year: dict[int, dict[str, pd.DataFrame]],
                                                            year: int) -> None:
    t = by_year[year]
    src, inc = t["village_income_sources"], t["village_income"]
    assert set(_num(src["year"])) == set(range(2019, year + 1))
    sums = src.assign(yuan=_num(src["yuan"])).groupby(["village_code", "year"])["yuan"].sum()
    totals = inc.assign(y=_num(inc["collective_income"])).set_index(["village_code", "year"])["y"]
    assert sums.to_dict() == totals[totals.index.get_level_values(1).astype(int) >= 2019].to_dict()
    div = src[src["source"] == "dividend"]
    held = set(zip(t["shareholdings"]["village_code"], t["shareholdings"]["holder_of"], strict=True))
    assert len(div) > 0 and all(pair in held for pair in zip(div["village_code"], div["holder_of"], strict=True))
    assert (src.loc[src["source"] != "dividend", "holder_of"] == "").all()
    assert (_num(src["yuan"]) > 0).all()


def test_dividends_from_the_chain_grow(by_year: dict[int, dict[str, pd.DataFrame]]) -> None:
    """The 2021 ledger's chain units (run by a branch or led by a joint committee) pay more every year; other
    units' dividends stay about flat (docs/sample.md: 25 % a year against 3 %, before the cap)."""
    t = by_year[2021]
    co, cp = t["cooperatives"], t["companies"]
    chain = set(co.loc[(co["run_by"] != "") | (co["led_by"] != ""), "id"]) | set(cp.loc[cp["run_by"] != "", "id"])
    div = t["village_income_sources"].query("source == 'dividend'").assign(yuan=lambda f: _num(f["yuan"]))
    in_chain = div["holder_of"].isin(chain)
    per_year = div[in_chain].groupby("year")["yuan"].sum()
    assert per_year["2019"] < per_year["2020"] < per_year["2021"]
    growth = per_year["2021"] / per_year["2019"]
    other = div[~in_chain].groupby("year")["yuan"].sum()
    assert growth > 1.3 and growth > other["2021"] / other["2019"]
