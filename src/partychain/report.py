"""The workbook a county organization department sends upward: scorecards as a spreadsheet.

``partychain report --scope CODE --out FILE.xlsx`` and the dashboard's download
(``GET /api/v1/report?scope=CODE``) write the same workbook, streamed
(:func:`partychain.xlsx.stream_workbook`), with Chinese headers and numbers as numbers:

* **概况** (overview): what was loaded and when; the coverage metrics (covered, total, share);
  how many records each gap list holds; households, members, cooperatives, bases and party
  organizations; the instances of the four linkage models; the published figures beside the
  computed ones with their status and source; the village collective income year by year.
* **one sheet per child**: for a county, each town's sheet lists its villages (for a province,
  each county's sheet its towns; a town's report has one sheet of its villages), each row with
  counts, the six coverage shares and the six gap counts, the first row the total.
* **one sheet per gap list** (缺口): every record, by id, with its village (and, for poor
  households whose chain breaks, where).

No personal data: people are listed by their pseudonymous ids, never by name, ID number or phone
(an officer looks a record up in the dashboard, where the read is audited).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from partychain import services
from partychain.graph_model.codes import CODE_LENGTHS
from partychain.labels import label
from partychain.services import scorecards
from partychain.services.figures import figures as compute_figures
from partychain.storage.base import GraphStore
from partychain.xlsx import Cell, Sheet, sheet_name, stream_workbook

log = logging.getLogger(__name__)

NO_PERSONAL_DATA = "本表不含个人信息（姓名、身份证号、电话）：人员按编号列出，需查姓名请在系统中按权限查询（留痕）。"
GAP_COLUMNS: dict[str, tuple[str, ...]] = {
    "cooperatives_without_org": ("id", "name", "village_code", "village_name"),
    "demo_points_without_org": ("id", "name", "village_code", "village_name"),
    "poor_households_not_driven": ("id", "village_code", "village_name"),
    "bases_without_member": ("id", "name", "village_code", "village_name"),
    "members_driving_nobody": ("id", "village_code", "village_name"),
    "poor_households_chain_incomplete": ("id", "village_code", "village_name", "breaks_at"),
}
"""The columns of each gap sheet (no person's name: the report holds no personal data)."""


def _h(*keys: str) -> list[Cell]:
    return [Cell(label(k) if "." in k else k, bold=True) for k in keys]


def _pct(v: float | None) -> Cell | None:
    return Cell(v, percent=True) if v is not None else None


def _n(v: Any) -> Cell:
    return Cell(v, thousands=True)


def _overview(store: GraphStore, scope: str, card: dict[str, Any], now: str) -> Sheet:
    info = store.dataset()
    title = f"{card['name'] or scope}（{scope}）产业链党建情况"
    rows: list[Sequence[Any]] = [
        [Cell(title, bold=True)],
        ["范围代码", scope], ["层级", label(f"level.{card['level']}")],
        ["数据版本", info.version if info else None], ["数据导入时间", info.loaded_at if info else None],
        ["数据来源", info.source if info else None], ["生成时间", now], ["说明", NO_PERSONAL_DATA],
        [],
        [Cell("覆盖情况", bold=True)], _h("col.metric", "col.covered", "col.total", "col.ratio"),
    ]
    for m in services.COVERAGE_METRICS:
        v = card["coverage"][m]
        rows.append([label(f"metric.{m}"), _n(v["covered"]), _n(v["total"]), _pct(v["ratio"])])
    rows += [[], [Cell("缺口", bold=True)], _h("col.gap", "col.records")]
    rows += [[label(f"gap.{k}"), _n(v)] for k, v in card["gaps"].items()]
    rows += [[], [Cell("基本情况", bold=True)], _h("col.metric", "col.count")]
    rows += [[label(f"count.{k}"), _n(v)] for k, v in card["counts"].items()]
    rows += [[], [Cell("四种联结模式", bold=True)], _h("col.model", "col.instances")]
    rows += [[label(f"model.{k}"), _n(v)] for k, v in card["models"].items()]
    figs = compute_figures(store, scope=scope)
    rows += [[], [Cell("公布数据与计算值", bold=True)],
             _h("col.metric", "col.scope_code", "col.as_of", "col.unit", "col.reported", "col.computed",
                "col.status", "col.wording", "col.qualifier", "col.reason", "col.source_title", "col.source_author")]
    for f in figs:
        rows.append([label(f"figure.{f.metric}"), f.scope_code, str(f.as_of) if f.as_of else None,
                     label(f"unit.{f.unit}") if f.unit else None, _n(f.reported), _n(f.computed),
                     label(f"status.{f.status}"), f.wording, "、".join(label(f"qualifier.{q}") for q in f.qualifiers),
                     f.reason, f.source_title, f.source_author])
    if not figs:
        rows.append(["（本范围无公布数据）"])
    rows += [[], [Cell("村集体经济收入", bold=True)],
             _h("col.year", "col.villages", "col.yuan", "col.min_yuan", "col.max_yuan")]
    rows += [[r["year"], _n(r["villages"]), _n(r["yuan"]), _n(r["min_yuan"]), _n(r["max_yuan"])]
             for r in card["incomes"]]
    return Sheet("概况", rows, widths=(34, 16, 14, 12, 14, 14, 12, 40, 16, 40, 40, 12))


def _division_rows(name: str, code: str, parts: Counter[str]) -> list[Any]:
    coverage = scorecards.coverage_from_parts(parts)
    gaps = scorecards.gaps_from_coverage(coverage, members=parts["members"], members_driving=parts["members_driving"])
    return [code, name, *(_n(parts[k]) for k in scorecards.COUNT_PARTS),
            *(_pct(coverage[m]["ratio"]) for m in services.COVERAGE_METRICS),
            *(_n(gaps[k]) for k in services.GAP_KINDS)]


def _child_header() -> list[Cell]:
    return [*_h("col.code", "col.name"), *(Cell(label(f"count.{k}"), bold=True) for k in scorecards.COUNT_PARTS),
            *(Cell(label(f"metric.{m}"), bold=True) for m in services.COVERAGE_METRICS),
            *(Cell(label(f"gap.{k}"), bold=True) for k in services.GAP_KINDS)]


def _child_sheets(store: GraphStore, card: dict[str, Any], taken: set[str]) -> list[Sheet]:
    """One sheet per child of the scope listing the child's own children (a county's report: a sheet per town
    listing its villages); a town's report gets one sheet of its villages; a village's none."""
    scope, level = card["code"], card["level"]
    child = scorecards.CHILD_LEVEL.get(level)
    if child is None:
        return []
    if level == "town":
        groups, inner = [(scope, card["name"] or scope)], child
    else:
        groups = [(d["code"], d["name"] or d["code"]) for d in scorecards.divisions_under(store, scope, child)]
        inner = scorecards.CHILD_LEVEL[child]
    width = CODE_LENGTHS[inner]
    parts = scorecards.village_parts(store, scope)
    names = {d["code"]: d["name"] for d in scorecards.divisions_under(store, scope, inner)}
    sheets = []
    for code, name in groups:
        sums: dict[str, Counter[str]] = {c: Counter() for c in sorted(names) if c.startswith(code)}
        for village, p in parts.items():
            if village[:width] in sums:
                sums[village[:width]].update(p)
        total: Counter[str] = Counter()
        for p in sums.values():
            total.update(p)
        rows: list[Sequence[Any]] = [
            [Cell(f"{name}（{code}）", bold=True)], _child_header(),
            [Cell(code, bold=True), Cell(f"{name} 合计", bold=True), *_division_rows(name, code, total)[2:]],
            *(_division_rows(names[c] or c, c, p) for c, p in sums.items())]
        sheets.append(Sheet(sheet_name(name, taken), rows, widths=(14, 24), freeze_rows=2))
    return sheets


def _gap_rows(store: GraphStore, scope: str, kind: str) -> Iterator[Sequence[Any]]:
    cols = GAP_COLUMNS[kind]
    total, batches = scorecards.gap_rows(store, scope, kind)
    yield [Cell(f"{label(f'gap.{kind}')}：共 {total:,} 条", bold=True)]
    yield _h(*(f"col.{c}" for c in cols))
    for batch in batches:
        for r in batch:
            yield [label(f"breaks_at.{r[c]}") if c == "breaks_at" and r.get(c) else r.get(c) for c in cols]


def report_sheets(store: GraphStore, scope: str, *, now: str | None = None) -> list[Sheet]:
    """The sheets of the report on ``scope`` (rows are read as the workbook is written).

    >>> from partychain.testing import mini_store
    >>> [s.name for s in report_sheets(mini_store(), "520628")][:4]
    ['概况', '盘石镇', '盘信镇', '缺口-无党支部领办的合作社']
    """
    card = scorecards.scorecard(store, scope)
    now = now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    taken = {"概况"}
    sheets = [_overview(store, scope, card, now), *_child_sheets(store, card, taken)]
    for kind in services.GAP_KINDS:
        sheets.append(Sheet(sheet_name(f"缺口-{label(f'gap.{kind}')}", taken), _gap_rows(store, scope, kind),
                            widths=(20, 36, 14, 24, 20), freeze_rows=2))
    return sheets


def stream_report(store: GraphStore, scope: str, *, now: str | None = None) -> Iterator[bytes]:
    """The report on ``scope`` as ``.xlsx`` bytes, in chunks (the store must stay pinned until it is done)."""
    return stream_workbook(report_sheets(store, scope, now=now))


def write_report(store: GraphStore, scope: str, out: Path) -> dict[str, Any]:
    """Write the report on ``scope`` to ``out`` (through a temporary file renamed into place: a failed run
    leaves no half-written workbook).  Returns ``{"path", "bytes", "sheets"}``."""
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    sheets = report_sheets(store, scope)
    try:
        with tmp.open("wb") as f:
            size = _write_all(f, stream_workbook(sheets))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"path": str(out), "bytes": size, "sheets": [s.name for s in sheets]}


def _write_all(f: Any, chunks: Iterable[bytes]) -> int:
    n = 0
    for chunk in chunks:
        f.write(chunk)
        n += len(chunk)
    return n
