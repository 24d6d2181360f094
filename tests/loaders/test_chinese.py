"""Ledgers written in Chinese: file names, headers and values, as county ledgers are kept.

The mini ledger is translated table by table through the model alone (each table's Chinese name, each
column's first Chinese alias, each enumerated value's first Chinese label, booleans as 是/否), then
loaded beside its English original: the same validated ledger, the same graph. Unknown Chinese values
are refused with the file, row, column and every accepted spelling in both languages; a refused row
does not cascade into errors about the rows that refer to it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from partychain.errors import LedgerInvalid
from partychain.graph_model import NODES, TABLES, properties_of
from partychain.graph_model.ledger import Column, Table
from partychain.loaders import check_ledger
from partychain.loaders.templates import header, table_name
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

Edit = Callable[[Path, str, Callable[[pd.DataFrame], pd.DataFrame]], None]
BOOLEAN_ZH = {"true": "是", "false": "否"}


def _labels_for(table: Table, column: Column, row: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The Chinese labels of ``column``'s values in ``row`` (per the row's label when the column depends on it)."""
    if column.spec.enum:
        return column.spec.labels()
    if table.label_column and column.prop is None and column.ref is None and column.name != table.label_column:
        label = table.label_map.get(row[table.label_column])
        spec = properties_of(NODES[label]).get(column.name) if label else None
        if spec is not None and spec.enum:
            return spec.labels()
    return {}


def _cell_zh(table: Table, column: Column, row: dict[str, str]) -> str:
    value = row[column.name]
    if not value:
        return value
    if column.spec.type == "bool":
        return BOOLEAN_ZH.get(value.lower(), value)
    labels = _labels_for(table, column, row)
    if not labels:
        return value
    parts = value.split(";") if column.spec.is_list else [value]
    return ";".join(labels[p][0] if labels.get(p) else p for p in parts)


def translate(ledger: Path, out: Path) -> set[str]:
    """Write ``ledger`` (English CSV tables) into ``out`` entirely in Chinese; the columns whose values changed."""
    out.mkdir(parents=True)
    changed: set[str] = set()
    for table in TABLES:
        src = ledger / f"{table.name}.csv"
        if not src.exists():
            continue
        with src.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with (out / f"{table_name(table, 'zh')}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([header(c, "zh") for c in table.columns])
            for row in rows:
                cells = [_cell_zh(table, c, row) for c in table.columns]
                changed |= {f"{table.name}.{c.name}" for c, v in zip(table.columns, cells, strict=True)
                            if v != row[c.name]}
                w.writerow(cells)
    return changed


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    out = tmp_path_factory.mktemp("zh") / "台账"
    return out, translate(mini_ledger_path(), out)


def test_the_twin_is_written_in_chinese(twin: tuple[Path, set[str]]) -> None:
    out, changed = twin
    assert (out / "党组织.csv").read_text(encoding="utf-8").startswith("编号,名称,层级,类型")
    assert not list(out.glob("[a-z]*.csv"))  # no English file name left
    # every kind of value the issue names is written in Chinese in the twin
    for column in ("members.gender", "members.roles", "party_orgs.level", "party_orgs.kind", "contracts.kind",
                   "pairings.kind", "industries.unit", "reported_figures.qualifiers", "households.poor",
                   "divisions.level", "cooperatives.kind", "work_rules.kind", "meetings.kind"):
        assert column in changed, column
    text = (out / "党员.csv").read_text(encoding="utf-8")
    assert "男" in text and "male" not in text


def test_a_chinese_ledger_validates_to_its_english_twin(twin: tuple[Path, set[str]]) -> None:
    assert check_ledger(twin[0]).fingerprint() == check_ledger(mini_ledger_path()).fingerprint()


def test_a_chinese_ledger_loads_into_the_same_graph(twin: tuple[Path, set[str]], tmp_path: Path) -> None:
    zh, en = EmbeddedStore(tmp_path / "zh"), EmbeddedStore(tmp_path / "en")
    try:
        zh.load(check_ledger(twin[0]), source="台账")
        en.load(check_ledger(mini_ledger_path()), source="ledger")
        assert zh.counts() == en.counts()
        assert zh.checksum() == en.checksum()
    finally:
        zh.close()
        en.close()


def test_an_unknown_chinese_value_names_every_accepted_spelling(mini_copy: Path, edit_csv: Edit) -> None:
    edit_csv(mini_copy, "members", lambda f: f.assign(gender=f["gender"].where(f.index != 1, "男性")))
    with pytest.raises(LedgerInvalid) as exc:
        check_ledger(mini_copy)
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert [(p.table, p.row, p.column) for p in errors] == [("members", 3, "gender")]  # row 3: header is row 1
    assert "男性" in str(errors[0]) and "male (男, M) | female (女, F)" in str(errors[0])
    assert errors[0].file is not None and errors[0].file.endswith("members.csv")


def test_a_refused_org_does_not_cascade(mini_copy: Path, edit_csv: Edit) -> None:
    """A level written 党支布 (a typo) refuses the organization's row, and only that cell is reported."""
    edit_csv(mini_copy, "party_orgs", lambda f: f.assign(level=f["level"].where(f["id"] != "BR-1", "党支布")))
    with pytest.raises(LedgerInvalid) as exc:
        check_ledger(mini_copy)
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert [(p.table, p.column) for p in errors] == [("party_orgs", "level")], [str(p) for p in errors]
    assert "党支部" in str(errors[0])  # the accepted labels are listed


def test_an_unreadable_qualifier_names_the_allowed_ones(mini_copy: Path, edit_csv: Edit) -> None:
    edit_csv(mini_copy, "reported_figures", lambda f: f.assign(qualifiers=f["qualifiers"].where(f.index != 0, "大约")))
    with pytest.raises(LedgerInvalid) as exc:
        check_ledger(mini_copy)
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert [(p.table, p.column) for p in errors] == [("reported_figures", "qualifiers")]
    for allowed in ("exact", "at_least (余", "planned (规划", "can_reach (可达", "per_year"):
        assert allowed in str(errors[0]), allowed
