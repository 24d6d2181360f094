"""Validation of broken ledgers: every problem reported with table, row and column; nothing loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from partychain.errors import LedgerInvalid, Problem
from partychain.loaders import check_ledger

Edit = Callable[[Path, str, Callable[[pd.DataFrame], pd.DataFrame]], None]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(LedgerInvalid) as exc:
        check_ledger(path)
    return [p for p in exc.value.problems if p.severity == "error"]


def set_cell(table: pd.DataFrame, row: int, column: str, value: str) -> pd.DataFrame:
    table.loc[row, column] = value
    return table


def test_mini_ledger_is_valid() -> None:
    from partychain.testing import mini_ledger_path

    ledger = check_ledger(mini_ledger_path())
    assert ledger.node_count > 0 and ledger.rel_count > 0
    assert not ledger.warnings


# (table, data row index, column, new value, expected reason fragment)
CASES = [
    ("households", 1, "id", "HH-1", "duplicate id 'HH-1'"),
    ("members", 0, "id", "CO-1", "duplicate id 'CO-1'"),  # ids are unique across the whole ledger
    ("members", 0, "org_id", "BR-99", "does not exist"),
    ("members", 0, "org_id", "CO-1", "which is a Cooperative"),
    ("cooperatives", 0, "run_by", "JC-1", "which is a JointCommittee"),
    ("cooperatives", 0, "kind", "collective", "not a known value: expected farmer (农民合作社, 合作社) | specialized"),
    ("party_orgs", 3, "kind", "area", "not a valid kind for a JointCommittee"),
    ("divisions", 3, "code", "52062810100", "a village code has 12 digits"),
    ("divisions", 3, "code", "520628102009", "does not lie inside its parent"),
    ("households", 0, "size", "four", "not a whole number"),
    ("bases", 0, "scale", "5OO", "not a number"),
    ("households", 0, "poor", "maybe", "not a yes/no value"),
    ("households", 0, "size", "-3", "below 1"),
    ("village_income", 0, "collective_income", "-100", "negative"),
    ("village_income", 0, "year", "2999", "implausibly large"),
    ("members", 0, "joined_year", "1975", "before age 18"),
    ("pairings", 0, "weak_code", "520628101001", "cannot be paired with itself"),
    ("pairings", 1, "weak_code", "520628101002", "duplicate row"),
    ("bases", 1, "unit", "mu", "unit differs from the unit of the base's industry"),
    ("households", 0, "id_number", "12345", "an ID number has 17 digits"),
    ("reported_figures", 0, "as_of", "2021-13-45", "not a date"),
    ("cooperatives", 0, "village_code", "", "required value is missing"),
    ("party_orgs", 0, "parent_id", "GB-1", "expects nothing"),
    ("village_income_sources", 0, "holder_of", "", "a dividend names the cooperative or company that pays it"),
    ("village_income_sources", 1, "holder_of", "CO-1", "only a dividend names a holder_of"),
    ("village_income_sources", 0, "holder_of", "CO-2", "the village holds no shares in it"),
    ("village_income_sources", 0, "yuan", "150001", "add up to 420,001 yuan, but village_income gives 420,000"),
    ("village_income_sources", 1, "source", "lottery", "not a known value"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "reason"), CASES,
                         ids=[f"{c[0]}.{c[2]}={c[3]}" for c in CASES])
def test_broken_cell_is_reported_with_table_row_column(mini_copy: Path, edit_csv: Edit, table: str, row: int,
                                                       column: str, value: str, reason: str) -> None:
    edit_csv(mini_copy, table, lambda f: set_cell(f, row, column, value))
    found = problems_of(mini_copy)
    hits = [p for p in found if reason in p.reason]
    assert hits, f"expected {reason!r} among {[str(p) for p in found]}"
    p = hits[0]
    assert p.table == table
    # a duplicate row is reported on the first column of the table's unique key
    assert p.column == ("strong_code" if "duplicate row" in reason else column)
    assert p.row == row + 2  # header is row 1 in the file


def test_a_cycle_in_the_org_tree_is_refused_by_the_level_rule(mini_copy: Path, edit_csv: Edit) -> None:
    """A parent is of a higher level than its child (the UNDER endpoints), so no cycle can be written."""
    def cycle(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[f["id"] == "GB-1", "parent_id"] = "BR-1"  # BR-1 is under GB-1
        return f

    edit_csv(mini_copy, "party_orgs", cycle)
    found = problems_of(mini_copy)
    hit = [p for p in found if p.column == "parent_id" and "BR-1" in p.reason]
    assert hit and hit[0].table == "party_orgs" and "GeneralBranch" in hit[0].reason, found


def test_missing_required_column(mini_copy: Path, edit_csv: Edit) -> None:
    edit_csv(mini_copy, "bases", lambda f: f.drop(columns=["owner_id"]))
    found = problems_of(mini_copy)
    assert any(p.table == "bases" and p.column == "owner_id" and "required column is missing" in p.reason
               for p in found)


def test_missing_divisions_table(mini_copy: Path) -> None:
    (mini_copy / "divisions.csv").unlink()
    found = problems_of(mini_copy)
    assert any(p.table == "divisions" and "missing" in p.reason for p in found)


def test_every_problem_reported_at_once(mini_copy: Path, edit_csv: Edit) -> None:
    edit_csv(mini_copy, "households", lambda f: set_cell(set_cell(f, 0, "size", "x"), 2, "poor", "?"))
    edit_csv(mini_copy, "members", lambda f: set_cell(f, 1, "org_id", "NOPE"))
    found = problems_of(mini_copy)
    keys = {(p.table, p.row, p.column) for p in found}
    assert {("households", 2, "size"), ("households", 4, "poor"), ("members", 3, "org_id")} <= keys


def test_member_driving_household_in_another_county(mini_copy: Path, edit_csv: Edit) -> None:
    def move(f: pd.DataFrame) -> pd.DataFrame:
        extra = pd.DataFrame([{"code": "520627", "name": "沿河县", "level": "county", "parent_code": "5206",
                               "kind": "county"},
                              {"code": "520627101", "name": "某镇", "level": "town", "parent_code": "520627",
                               "kind": "town"},
                              {"code": "520627101001", "name": "某村", "level": "village",
                               "parent_code": "520627101", "kind": "village"}])
        return pd.concat([f, extra], ignore_index=True)

    edit_csv(mini_copy, "divisions", move)
    edit_csv(mini_copy, "households", lambda f: set_cell(f, 1, "village_code", "520627101001"))
    found = problems_of(mini_copy)
    hit = [p for p in found if "another county" in p.reason]
    assert hit and hit[0].table == "member_households" and hit[0].column == "household_id"


def test_gbk_file_is_refused_with_a_hint(mini_copy: Path) -> None:
    path = mini_copy / "members.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    found = problems_of(mini_copy)
    assert any(p.table == "members" and "not valid UTF-8" in p.reason and "GBK" in p.reason for p in found)


def test_bom_and_chinese_headers_accepted(mini_copy: Path) -> None:
    path = mini_copy / "households.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = "编号,户主,身份证号,村代码,人口,贫困户,脱贫年份,电话"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    ledger = check_ledger(mini_copy)
    assert len(ledger.nodes["Household"]) == len(lines) - 1


def test_unknown_column_is_a_warning_not_loaded(mini_copy: Path, edit_csv: Edit) -> None:
    edit_csv(mini_copy, "households", lambda f: f.assign(favourite_colour="red"))
    ledger = check_ledger(mini_copy)
    assert any(w.column == "favourite_colour" and w.severity == "warning" for w in ledger.warnings)
    assert "favourite_colour" not in ledger.nodes["Household"].columns


def test_xlsx_ledger_loads_like_csv(mini_copy: Path, tmp_path: Path) -> None:
    book = tmp_path / "ledger.xlsx"
    with pd.ExcelWriter(book) as xl:
        for csv in sorted(mini_copy.glob("*.csv")):
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
            frame.to_excel(xl, sheet_name=csv.stem, index=False)
    assert check_ledger(book).fingerprint() == check_ledger(mini_copy).fingerprint()


def test_blank_unit_is_taken_from_the_industry() -> None:
    from partychain.testing import mini_ledger_path

    bases = check_ledger(mini_ledger_path()).nodes["Base"].set_index("id")
    assert bases.loc["BS-2", "unit"] == "head"  # blank in the ledger, pigs are counted in head


def test_a_kind_on_a_label_without_one_is_a_warning(mini_copy: Path, edit_csv: Edit) -> None:
    def kind(f: pd.DataFrame) -> pd.DataFrame:
        f.loc[f["id"] == "CC-1", "kind"] = "area"
        return f

    edit_csv(mini_copy, "party_orgs", kind)
    ledger = check_ledger(mini_copy)
    hit = [w for w in ledger.warnings if w.table == "party_orgs" and w.column == "kind"]
    assert hit and "a CountyCommittee has no kind" in hit[0].reason and hit[0].row == 2
