"""Spreadsheets written as a stream: an ``.xlsx`` workbook produced chunk by chunk, in bounded memory.

A gap list of a province runs to hundreds of thousands of rows; the API sends it as it is read
from the engine, and :mod:`partychain.report` writes the workbook an organization department sends
upward the same way.  An ``.xlsx`` file is a ZIP of XML parts (ECMA-376); :func:`stream_workbook`
writes the parts with :mod:`zipfile` onto a sink that hands each compressed chunk on as soon as
it is written (ZIP data descriptors need no seeking back), sheet rows as inline strings and
numbers, so nothing holds the whole sheet.

Cells are Python values: ``str`` (inline string), ``int``/``float`` (a number: numbers stay numbers),
``bool``, ``None`` (empty), or a :class:`Cell` carrying a style: bold (headers), percent (ratios,
shown ``0.0%``), or integer with thousands separators.

>>> import io, openpyxl
>>> data = b"".join(stream_workbook([Sheet("表", [[Cell("名称", bold=True), "数"], ["甲村", 3], ["乙村", 0.5]])]))
>>> ws = openpyxl.load_workbook(io.BytesIO(data))["表"]
>>> [[c.value for c in row] for row in ws.iter_rows()]
[['名称', '数'], ['甲村', 3], ['乙村', 0.5]]
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from partychain.errors import InvalidArgument

CHUNK_BYTES = 64 * 1024
"""Compressed bytes gathered before a chunk is handed on."""
MAX_ROWS = 1_048_576
"""Rows a worksheet holds at most (the format's limit)."""
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_STYLE_PLAIN, _STYLE_BOLD, _STYLE_PERCENT, _STYLE_INT = 0, 1, 2, 3


@dataclass(frozen=True)
class Cell:
    """A value with a style."""

    value: Any
    bold: bool = False
    percent: bool = False
    thousands: bool = False

    @property
    def style(self) -> int:
        if self.bold:
            return _STYLE_BOLD
        if self.percent:
            return _STYLE_PERCENT
        return _STYLE_INT if self.thousands else _STYLE_PLAIN


@dataclass
class Sheet:
    """A worksheet: its name (at most 31 characters, none of ``[]:*?/\\``), its rows, its column widths
    (characters), and how many top rows stay in view when scrolling."""

    name: str
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = field(default_factory=tuple)
    freeze_rows: int = 0


def sheet_name(text: str, taken: set[str] | None = None) -> str:
    """A valid, unique sheet name from ``text`` (forbidden characters replaced, cut to 31).

    >>> sheet_name("缺口: 合作社/无党组织"), sheet_name("a" * 40, {"a" * 31})
    ('缺口_ 合作社_无党组织', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2')
    """
    base = _BAD_SHEET_CHARS.sub("_", text).strip("'") or "Sheet"
    name = base[:31]
    n = 1
    while taken is not None and name in taken:
        n += 1
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
    if taken is not None:
        taken.add(name)
    return name


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell_xml(ref: str, value: Any) -> str:
    style = 0
    if isinstance(value, Cell):
        style, value = value.style, value.value
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):  # NaN, inf: not a number Excel holds
            return f'<c r="{ref}"{s} t="inlineStr"><is><t>{value}</t></is></c>'
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>' if isinstance(value, float) else \
            f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that keeps what was written until taken."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._chunks.append(data)
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        self.size = 0
        return out


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>")
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>")
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
    '<Relationship Id="rIdStyles" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>")
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def _sheet_head(sheet: Sheet) -> str:
    view = ""
    if sheet.freeze_rows:
        top = f"A{sheet.freeze_rows + 1}"
        view = (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{sheet.freeze_rows}" topLeftCell="{top}" '
                f'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(sheet.widths))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{view}{'<cols>' + cols + '</cols>' if cols else ''}<sheetData>")


def stream_workbook(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The bytes of an ``.xlsx`` workbook of ``sheets``, in chunks, reading each sheet's rows as it goes.

    :class:`~partychain.errors.InvalidArgument` for no sheets, a bad or repeated sheet name, or a sheet
    past :data:`MAX_ROWS` rows (raised while streaming, when that row is reached).
    """
    if not sheets:
        raise InvalidArgument("a workbook needs at least one sheet")
    names = [s.name for s in sheets]
    if len(set(names)) != len(names) or any(sheet_name(n) != n for n in names):
        raise InvalidArgument(f"sheet names must be unique, at most 31 characters, without []:*?/\\: {names}")
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(sheets)))))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, s in enumerate(sheets))))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(rels="".join(
            f'<Relationship Id="rId{i + 1}" '
            f'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))))
        zf.writestr("xl/styles.xml", _STYLES)
        yield sink.take()
        for i, sheet in enumerate(sheets):
            with zf.open(f"xl/worksheets/sheet{i + 1}.xml", "w", force_zip64=True) as part:
                part.write(_sheet_head(sheet).encode("utf-8"))
                for r, row in enumerate(sheet.rows, start=1):
                    if r > MAX_ROWS:
                        raise InvalidArgument(f"sheet {sheet.name!r} has more than {MAX_ROWS:,} rows")
                    cells = "".join(_cell_xml(f"{_col(c)}{r}", v) for c, v in enumerate(row))
                    part.write(f'<row r="{r}">{cells}</row>'.encode())
                    if sink.size >= CHUNK_BYTES:
                        yield sink.take()
                part.write(b"</sheetData></worksheet>")
            yield sink.take()
    yield sink.take()
