"""Downloads: a whole gap list as XLSX or CSV, and the report workbook of a division (researcher or officer).

Both stream: rows are read from the engine in batches and written out as they come, so a province's
list costs the server a batch of memory, not the list.  The row count is known before the first
byte and stated in the `X-Total-Count` header (and, in a gap workbook, on its 说明 sheet).  Personal
names in gap lists are joined from the personal-data store batch by batch and masked exactly as
in `/gaps` (masked for researchers; officers' reads audited); the report holds no personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import TypeAdapter

from partychain import report, services
from partychain.labels import label
from partychain.services import scorecards
from partychain.xlsx import MEDIA_TYPE as XLSX
from partychain.xlsx import Cell, Sheet, stream_workbook

from .deps import PersonalDep, ResearcherDep, ScopeQuery, StoreDep
from .personal import NAME_FIELD, PersonalReader, revealed, set_reveal
from .problems import problem_responses
from .routes_linkage import GapKind, labelled
from .routing import ApiRoute
from .schemas import ListItem

router = APIRouter(route_class=ApiRoute, tags=["exports"],
                   responses=problem_responses(400, 401, 403, 404, 422, 429, 503))

CSV = "text/csv"
_ITEM = TypeAdapter(ListItem)
_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"description": "the file, streamed; `X-Total-Count` says how many records it holds",
          "content": {XLSX: {}, CSV: {}}}}


def _columns(kind: str) -> tuple[list[str], list[str]]:
    """The keys of a gap record and their Chinese headers (a person's name as its kind)."""
    lbl = services.gap_record_label(kind)
    keys = ["id", "name", "village_code", "village_name"]
    if kind == "poor_households_chain_incomplete":
        keys.append("breaks_at")
    heads = [label(f"col.person_name.{lbl}") if k == "name" and lbl in NAME_FIELD else label(f"col.{k}")
             for k in keys]
    return keys, heads


def _records(batches: Iterator[list[dict[str, Any]]], kind: str, personal: PersonalReader,
             reveal: bool) -> Iterator[list[Any]]:
    """Rows of a gap list as the API answers them: names joined by id, masked by their type unless ``reveal``."""
    labels = (services.gap_record_label(kind),)
    keys, _ = _columns(kind)
    for batch in batches:
        items = labelled(batch, labels, personal)
        set_reveal(reveal)  # this batch is serialized here, in whichever thread reads the stream
        for item in items:
            rec = _ITEM.dump_python(_ITEM.validate_python(item), mode="json", by_alias=True, exclude_unset=True)
            yield [label(f"breaks_at.{rec[k]}") if k == "breaks_at" and rec.get(k) else rec.get(k) for k in keys]


def _csv(header: list[str], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")  # a BOM: spreadsheet programs then read UTF-8
    buf.seek(0)
    buf.truncate()
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else v for v in row])
        if n % 2000 == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


@router.get("/gaps/export", response_class=StreamingResponse, responses=_DOWNLOAD)
def gaps_export(scope: ScopeQuery, kind: Annotated[GapKind, Query(description="which gap to list")],
                store: StoreDep, personal: PersonalDep, _: ResearcherDep,
                format: Annotated[Literal["xlsx", "csv"], Query(description="spreadsheet or CSV (UTF-8)")]
                = "xlsx") -> StreamingResponse:
    """A whole gap list as a spreadsheet or CSV, streamed, in id order, with the columns and masking of `/gaps`."""
    division = services.check_scope(store, scope)
    total, batches = scorecards.gap_rows(store, scope, kind)
    _keys, header = _columns(kind)
    rows = _records(batches, kind, personal, revealed())
    name = f"gaps-{scope}-{kind}.{format}"
    headers = {"Content-Disposition": _attachment(name), "X-Total-Count": str(total),
               "Cache-Control": "no-store"}
    if format == "csv":
        return StreamingResponse(_csv(header, rows), media_type=CSV + "; charset=utf-8", headers=headers)
    info = store.dataset()
    about: list[list[Any]] = [[Cell("说明", bold=True)], ["范围", f"{division['name'] or scope}（{scope}）"],
             ["缺口", label(f"gap.{kind}")], ["条数", Cell(total, thousands=True)],
             ["数据版本", info.version if info else None],
             ["导出时间", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")],
             ["个人信息", "姓名按本账号权限显示（研究者为脱敏值）；官员账号的读取已记入审计日志"]]
    sheets = [Sheet("缺口清单", _with_header(header, rows), widths=(20, 30, 14, 26, 22), freeze_rows=1),
              Sheet("说明", about, widths=(12, 60))]
    return StreamingResponse(stream_workbook(sheets), media_type=XLSX, headers=headers)


def _with_header(header: list[str], rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield [Cell(h, bold=True) for h in header]
    yield from rows


@router.get("/report", response_class=StreamingResponse,
            responses={200: {"description": "the workbook, streamed", "content": {XLSX: {}}}})
def report_download(scope: ScopeQuery, store: StoreDep, _: ResearcherDep) -> StreamingResponse:
    """The workbook an organization department sends upward, as `partychain report` writes it: overview and
    figures, one sheet per town (or per county, or the villages of a town), one sheet per gap list; Chinese
    headers, numbers as numbers, no personal data."""
    services.check_scope(store, scope)
    sheets = report.report_sheets(store, scope)
    return StreamingResponse(stream_workbook(sheets), media_type=XLSX,
                             headers={"Content-Disposition": _attachment(f"report-{scope}.xlsx"),
                                      "Cache-Control": "no-store"})
