"""Downloads: gap lists as CSV and XLSX (streamed, row count stated, masked exactly as /gaps), and the report workbook
(the same as `partychain report`, no personal data), read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pandas as pd
import pytest

from partychain import services
from partychain.labels import label
from partychain.testing import mini_ledger_path

from .conftest import PREFIX


def all_gaps(caller: Any, scope: str, kind: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        more = {"cursor": cursor} if cursor else {}
        r = caller.get("/gaps", params={"scope": scope, "kind": kind, "limit": 2, **more})
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


def as_rows(kind: str, items: list[dict[str, Any]]) -> list[list[Any]]:
    """What a row of the export must hold for each /gaps item."""
    out = []
    for i in items:
        row = [i["id"], i.get("name"), i["village_code"], i["village_name"]]
        if kind == "poor_households_chain_incomplete":
            row.append(label(f"breaks_at.{i['breaks_at']}"))
        out.append(row)
    return out


@pytest.mark.parametrize("role", ["researcher", "officer"])
@pytest.mark.parametrize("kind", services.GAP_KINDS)
def test_csv_export_equals_the_gap_list(callers: dict[str, Any], role: str, kind: str) -> None:
    r = callers[role].get("/gaps/export", params={"scope": "520628", "kind": kind, "format": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    want = as_rows(kind, all_gaps(callers[role], "520628", kind))
    assert int(r.headers["x-total-count"]) == len(want) == len(rows) - 1
    assert rows[0][0] == "编号" and rows[0][2] == "村代码"
    assert rows[1:] == [["" if v is None else str(v) for v in w] for w in want]


@pytest.mark.parametrize("role", ["researcher", "officer"])
def test_xlsx_export_equals_the_gap_list_and_states_its_length(callers: dict[str, Any], role: str) -> None:
    kind = "poor_households_chain_incomplete"
    r = callers[role].get("/gaps/export", params={"scope": "520628", "kind": kind, "format": "xlsx"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = [list(row) for row in wb["缺口清单"].iter_rows(values_only=True)]
    want = as_rows(kind, all_gaps(callers[role], "520628", kind))
    assert rows[0] == ["编号", "户主姓名", "村代码", "村名称", "链条断在"]
    assert rows[1:] == want
    about = dict(wb["说明"].iter_rows(min_row=2, values_only=True))
    assert about["条数"] == len(want) == int(r.headers["x-total-count"]) and isinstance(about["条数"], int)
    names = [w[1] for w in want]
    if role == "researcher":
        assert all(n.endswith("*") for n in names)  # masked, as /gaps masks them
    else:
        households = pd.read_csv(mini_ledger_path() / "households.csv", dtype=str)
        assert set(names) <= set(households["head_name"])


def test_an_officers_export_is_audited(callers: dict[str, Any], app: Any) -> None:
    path = app.state.audit.path
    before = path.read_text(encoding="utf-8").count("\n") if path and path.exists() else 0
    r = callers["officer"].get("/gaps/export", params={"scope": "520628", "kind": "members_driving_nobody",
                                                       "format": "csv"})
    assert r.status_code == 200
    lines = path.read_text(encoding="utf-8").splitlines()[before:]
    entries = [json.loads(x) for x in lines]
    assert any(e["path"] == PREFIX + "/gaps/export" and e["label"] == "PartyMember" for e in entries)
    assert not any("吴六" in x for x in lines)  # who read which record, never the values


def test_the_report_download(callers: dict[str, Any]) -> None:
    r = callers["researcher"].get("/report", params={"scope": "520628"})
    assert r.status_code == 200 and "report-520628.xlsx" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == ["概况", "盘石镇", "盘信镇"]
    assert callers["researcher"].get("/report", params={"scope": "520628999"}).status_code == 404
