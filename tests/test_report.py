"""``partychain report``: the workbook an organization department sends upward, read back with openpyxl.

Expected values come from the ledger's tables (pandas) and from the API's own answers on the same graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from partychain import services
from partychain.cli import app
from partychain.labels import label
from partychain.services import scorecards

runner = CliRunner()


def sections(ws: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The overview sheet's sections: a bold title row, then rows until a blank row."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    current = None
    for row in ws.iter_rows():
        values = tuple(c.value for c in row)
        if all(v is None for v in values):
            current = None
        elif current is None and row[0].font.b and values[1:] == (None,) * (len(values) - 1):
            current = str(values[0])
            out[current] = []
        elif current is not None:
            out[current].append(values)
    return out


def test_the_report_of_a_county(mini_graph: Any, mini_tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    out = tmp_path / "松桃.xlsx"
    res = runner.invoke(app, ["report", "--scope", "520628", "--out", str(out), "--db", str(mini_graph.path)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    towns = mini_tables["divisions"].query("level == 'town'").sort_values("code")
    gap_sheets = [f"缺口-{label(f'gap.{k}')}"[:31] for k in services.GAP_KINDS]
    assert wb.sheetnames == ["概况", *towns["name"], *gap_sheets]
    card = scorecards.scorecard(mini_graph, "520628")
    over = sections(wb["概况"])
    cov = {r[0]: r[1:4] for r in over["覆盖情况"][1:]}
    for m in services.COVERAGE_METRICS:
        v = card["coverage"][m]
        assert cov[label(f"metric.{m}")] == (v["covered"], v["total"], v["ratio"])  # numbers stay numbers
    assert {r[0]: r[1] for r in over["缺口"][1:]} == {label(f"gap.{k}"): v for k, v in card["gaps"].items()}
    figures = over["公布数据与计算值"]
    assert figures[0][:7] == ("指标", "范围代码", "截至", "单位", "公布值", "计算值", "状态")
    reported = mini_tables["reported_figures"]
    assert sorted((r[0], r[4]) for r in figures[1:]) == sorted(
        (label(f"figure.{m}"), int(v)) for m, v in zip(reported["metric"], reported["value"], strict=True))
    statuses = ("match", "meets_bound", "mismatch", "not_computable")
    assert {r[6] for r in figures[1:]} <= {label(f"status.{s}") for s in statuses}
    # one sheet per town: its total, then its villages, with coverage as numbers formatted as percent
    villages = mini_tables["divisions"].query("level == 'village'")
    for code, name in zip(towns["code"], towns["name"], strict=True):
        rows = list(wb[name].iter_rows(min_row=3, values_only=True))
        want = sorted(villages.loc[villages["parent_code"] == code, "code"])
        assert rows[0][0] == code and [r[0] for r in rows[1:]] == want
        hh = mini_tables["households"]
        assert rows[0][2] == int(hh["village_code"].str.startswith(code).sum())
        assert wb[name].cell(row=3, column=9).number_format == "0.0%"
    # every gap list whole, by id, with no personal value anywhere in the workbook
    for kind, sheet in zip(services.GAP_KINDS, gap_sheets, strict=True):
        ids = [r[0] for r in wb[sheet].iter_rows(min_row=3, values_only=True)]
        assert ids == [i["id"] for i in services.gaps(mini_graph, "520628", kind, limit=1000)["items"]]
        assert f"共 {len(ids):,} 条" in wb[sheet]["A1"].value
    personal = set(mini_tables["households"][["head_name", "id_number", "phone"]].stack()) | \
        set(mini_tables["members"][["name", "phone"]].stack())
    personal.discard("")
    text = {str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None}
    assert not {t for t in text for p in personal if p in t}


def test_a_town_and_bad_input(mini_graph: Any, tmp_path: Path) -> None:
    out = tmp_path / "town.xlsx"
    assert runner.invoke(app, ["report", "--scope", "520628101", "--out", str(out), "--db",
                               str(mini_graph.path)]).exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames[:2] == ["概况", "盘石镇"]
    res = runner.invoke(app, ["report", "--scope", "520628999", "--out", str(tmp_path / "x.xlsx"), "--db",
                              str(mini_graph.path)])
    assert res.exit_code == 2 and "no division 520628999" in res.output and not (tmp_path / "x.xlsx").exists()
    res = runner.invoke(app, ["report", "--scope", "520628", "--out", str(tmp_path / "x.csv"), "--db",
                              str(mini_graph.path)])
    assert res.exit_code == 2 and ".xlsx" in res.output
