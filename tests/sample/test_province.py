"""The province sample follows the county rules: a valid ledger, one tree per county, counties independent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from partychain.loaders import check_ledger
from partychain.sample import TABLE_COLUMNS, generate_province

CODES = ("522635", "520329")  # 麻江县, 余庆县


def read(folder: Path) -> dict[str, pd.DataFrame]:
    return {n: pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False) for n in TABLE_COLUMNS}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_province(tmp_path_factory.mktemp("province"), counties=CODES, seed=3).out_dir


def test_a_valid_ledger_without_warnings(two: Path) -> None:
    ledger = check_ledger(two)
    assert ledger.warnings == []
    t = read(two)
    assert len(t["work_rules"]) == 15 and len(t["industries"]) == 8 and len(t["reported_figures"]) == 0


def test_one_tree_per_county(two: Path) -> None:
    orgs = read(two)["party_orgs"].set_index("id")
    roots = set(orgs.index[orgs["level"] == "county_committee"])
    assert roots == {f"CC-{c}" for c in CODES}
    for org in orgs.index:
        top = org
        while orgs.at[top, "parent_id"]:
            top = orgs.at[top, "parent_id"]
        assert top == f"CC-{org[3:9]}", org


def test_a_county_does_not_depend_on_the_others(two: Path, tmp_path: Path) -> None:
    one = read(generate_province(tmp_path, counties=CODES[1:], seed=3).out_dir)
    both = read(two)
    code = CODES[1]
    for name, frame in one.items():
        first = frame.columns[0]
        key = both[name][first].astype(str)
        mine = both[name][key.str.contains(rf"(?:^|-){code}") | (name in ("industries", "work_rules"))]
        assert mine.reset_index(drop=True).equals(frame), name
