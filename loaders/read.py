"""Read a ledger folder (CSV files or one XLSX workbook) into raw string tables.

Nothing is interpreted here beyond text: every cell comes back as a stripped
string ("" for empty), without the leading ``'`` Excel uses to mark a cell as
text.  Header names are mapped to the model's column names (English or a
declared Chinese alias); title rows above the header (a merged title cell) are
skipped.  CSV files may be UTF-8 (with or without BOM) or UTF-16 with a BOM
(Excel's "Unicode text"), comma- or tab-separated.  Problems that make a file
unreadable are collected, not raised one by one, so a user sees them all at once.

Row accounting: every data row of a table is either kept (``RawTable.frame``)
or skipped as blank (``RawTable.skipped``, reported in a warning), so
``rows_in == len(frame) + skipped``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import mmap
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from partychain.errors import LedgerError, Problem
from partychain.graph_model import TABLES, Table

from .coerce import str_array, text_array

log = logging.getLogger(__name__)

MAX_CELL_CHARS = 100_000  # longer cells are refused (a pasted document, a broken export), keeping output bounded
HEADER_SEARCH_ROWS = 5  # title rows above the header row are looked for this far down
_MAGIC = {b"PK\x03\x04": "an Excel workbook (.xlsx) renamed to .csv: give the .xlsx itself",
          b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls) renamed to .csv: save it as .xlsx or CSV UTF-8"}


def clip(value: str, limit: int = 200) -> str:
    """A cell value short enough to quote in a problem.

    >>> clip("x" * 300, 5)
    'xxxxx… (300 chars)'
    """
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value):,} chars)"


@dataclass
class RawTable:
    """One table as text: canonical column names, one string per cell, source row numbers."""

    table: Table
    file: str
    frame: pd.DataFrame
    rows: np.ndarray  # row number as the user sees it in the file, per frame row
    skipped: int = 0  # blank data rows dropped (reported as a warning)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def rows_in(self) -> int:
        """Data rows in the file (below the header), blank ones included."""
        return len(self.frame) + self.skipped


@dataclass
class RawLedger:
    """Every table of a ledger as text, plus the problems found while reading."""

    path: Path
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_in(self) -> dict[str, int]:
        return {name: t.rows_in for name, t in self.tables.items()}


def _table_names() -> dict[str, Table]:
    names: dict[str, Table] = {}
    for t in TABLES:
        names[t.name] = t
        names[t.zh] = t
    return names


def _header_map(table: Table) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in table.columns:
        out[c.name.lower()] = c.name
        for alias in c.aliases:
            out.setdefault(alias, c.name)
    return out


def _decode(data: bytes, file: str, table: str, problems: list[Problem]) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM: Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            problems.append(Problem(table, None, None, f"file starts as UTF-16 but is not valid UTF-16 ({e.reason} "
                                    f"at byte {e.start}); save it as 'CSV UTF-8'", file=file))
            return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        magic = next((what for m, what in _MAGIC.items() if data.startswith(m)), None)
        if magic is not None:
            problems.append(Problem(table, None, None, f"file is not a CSV but {magic}", file=file))
            return None
        try:
            data.decode("gb18030")
            hint = "it looks like GBK/GB18030 (an Excel 'CSV' export on Chinese Windows): save it as 'CSV UTF-8'"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        line = data[: e.start].count(b"\n") + 1
        problems.append(Problem(table, line, None, f"file is not valid UTF-8 (byte {e.start}, line {line}); {hint}",
                                file=file))
        return None


def _header_row(table: Table, top: list[list[str]]) -> int:
    """Index of the header among the first rows: 0, unless row 0 names no column and a later one does.

    Chinese ledgers often carry a title (a merged cell across the top, e.g. "松桃县农户台账")
    above the real header.
    """
    mapping = _header_map(table)

    def known(row: list[str]) -> int:
        names = [(c or "").strip().lstrip("\ufeff") for c in row]
        return sum(1 for n in names if n and (n.lower() in mapping or n in mapping))

    if not top or known(top[0]):
        return 0
    return next((i for i, row in enumerate(top[1:HEADER_SEARCH_ROWS], 1) if known(row)), 0)


def _split_header(table: Table, file: str, cells: pd.DataFrame, problems: list[Problem],
                  first_line: int = 1) -> tuple[list[str], pd.DataFrame, int]:
    """(header, body, row number of the body's first row) of a table read without a header."""
    top = _top_rows(cells, min(HEADER_SEARCH_ROWS, len(cells)))
    h = _header_row(table, top)
    if h:
        titles = " / ".join(clip(v, 60) for r in top[:h] for v in r if v.strip())
        problems.append(Problem(table.name, first_line, None, f"{h} title row(s) above the header ignored"
                                + (f": {titles}" if titles else ""), severity="warning", file=file))
    body = cells.iloc[h + 1:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    return top[h] if h < len(top) else _top_rows(cells, h + 1)[h], body, first_line + h + 1


def _top_rows(cells: pd.DataFrame, n: int) -> list[list[str]]:
    """The first ``n`` rows as text, read column by column (a row of a frame is built column by column anyway)."""
    head = cells.iloc[:n]
    columns = [head.iloc[:, j].tolist() for j in range(head.shape[1])]
    return [[str(col[i]) for col in columns] for i in range(n)]


THREADED_CELLS = 200_000
"""Cells from which a table's columns are cleaned on two threads (below it, thread start-up outweighs the work)."""


def _normalize(table: Table, file: str, header: list[str], cells: pd.DataFrame, first_row: int,
               problems: list[Problem]) -> RawTable | None:
    """Map headers onto column names, drop blank rows, check required columns."""
    mapping = _header_map(table)
    keep: dict[int, str] = {}
    ok = True
    for i, raw in enumerate(header):
        name = (raw or "").strip().lstrip("\ufeff")
        if not name:
            if cells.iloc[:, i].astype(bool).any():
                problems.append(Problem(table.name, first_row - 1, f"#{i + 1}",
                                        "column has data but no header (merged header cells?)", file=file))
                ok = False
            continue
        canon = mapping.get(name.lower(), mapping.get(name))
        if canon is None:
            problems.append(Problem(table.name, None, clip(name, 100), "unknown column, not loaded "
                                    "(declare it in graph_model to keep it)", severity="warning", file=file))
            continue
        if canon in keep.values():
            problems.append(Problem(table.name, first_row - 1, name,
                                    f"duplicate column (header {canon!r} appears twice)", file=file))
            ok = False
            continue
        keep[i] = canon
    for c in table.columns:
        if c.required and c.name not in keep.values():
            problems.append(Problem(table.name, None, c.name, "required column is missing", file=file))
            ok = False
    if not ok:
        return None
    # the model's columns in its order, a column the file lacks as empty cells
    given = {canon: i for i, canon in keep.items()}
    names = [c.name for c in table.columns]
    rows = np.arange(first_row, first_row + len(cells))

    def clean(c: str) -> tuple[pd.Series, np.ndarray, np.ndarray]:
        column = cells.iloc[:, given[c]] if c in given else pd.Series("", index=cells.index)
        if isinstance(column.array, pd.arrays.ArrowStringArray):
            return _clean_arrow(column)
        s = column.str.strip()
        quoted = s.str.startswith("'").to_numpy(dtype=bool)
        if quoted.any():  # Excel's text marker ('0123, or '=... from a spreadsheet-safe export)
            s = s.where(~quoted, s.str.slice(1))
        return s, _longer_than(s, MAX_CELL_CHARS), (s != "").to_numpy(dtype=bool)

    if len(cells) * len(names) >= THREADED_CELLS:  # one column per thread: the kernels release the GIL
        with ThreadPoolExecutor(max_workers=2) as pool:
            cleaned = list(pool.map(clean, names))
    else:  # a small table: starting threads costs more than the columns' work
        cleaned = [clean(c) for c in names]
    for name, (s, long, _) in zip(names, cleaned, strict=True):
        for j in np.flatnonzero(long):
            problems.append(Problem(table.name, int(rows[j]), name, f"cell is {len(s.iloc[j]):,} characters long "
                                    f"(at most {MAX_CELL_CHARS:,}): {clip(s.iloc[j], 40)!r}", file=file))
    # one frame of the cleaned columns (not a copy of the cells, then one assignment per column)
    frame = pd.DataFrame(dict(zip(names, [s for s, _, _ in cleaned], strict=True)), index=cells.index, copy=False) \
        if names else cells.iloc[:, []].copy()
    # a row is blank when every cell is "" (the same as astype(bool), without converting to Python objects)
    nonblank = np.logical_or.reduce([filled for _, _, filled in cleaned]) \
        if names else np.zeros(len(frame), dtype=bool)
    skipped = 0
    if not nonblank.all():
        skipped = int((~nonblank).sum())
        listed = ", ".join(map(str, rows[~nonblank][:10])) + (", …" if skipped > 10 else "")
        problems.append(Problem(table.name, None, None, f"{skipped} empty row(s) ignored (row {listed})",
                                severity="warning", file=file))
        frame = frame.loc[nonblank].reset_index(drop=True)
        rows = rows[nonblank]
    return RawTable(table=table, file=file, frame=frame, rows=rows, skipped=skipped)


def _clean_arrow(column: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """``clean`` of an Arrow-backed column in Arrow compute, the kernels pandas' ``.str`` methods call
    (``strip``: ``utf8_trim_whitespace``; ``slice(1)``: ``utf8_slice_codeunits``), without a pandas
    Series per step: (cells stripped, without Excel's leading ``'``; cells longer than MAX_CELL_CHARS;
    cells not "", missing ones included as pandas' ``!= ""`` counts them)."""
    arr = pc.utf8_trim_whitespace(pa.array(column))
    quoted = pc.fill_null(pc.starts_with(arr, "'"), False)
    if pc.any(quoted).as_py():  # Excel's text marker ('0123, or '=... from a spreadsheet-safe export)
        arr = pc.if_else(quoted, pc.utf8_slice_codeunits(arr, 1, np.iinfo(np.int64).max), arr)
    s = pd.Series(text_array(arr, column.dtype), index=column.index, copy=False)
    nbytes = pc.fill_null(pc.binary_length(arr), 0).to_numpy()
    candidates = np.flatnonzero(nbytes > MAX_CELL_CHARS)  # a byte count bounds the character count
    long = np.zeros(len(s), dtype=bool)
    if len(candidates):
        long[candidates] = (s.iloc[candidates].str.len() > MAX_CELL_CHARS).to_numpy(dtype=bool)
    filled = pc.fill_null(pc.not_equal(arr, ""), True).to_numpy(zero_copy_only=False)
    return s, long, filled


def _longer_than(s: pd.Series, limit: int) -> np.ndarray:
    """Cells of more than ``limit`` characters (a byte count bounds the character count, so only
    cells of more than ``limit`` bytes are measured in characters)."""
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        nbytes = pc.fill_null(pc.binary_length(pa.array(s)), 0)
        candidates = np.flatnonzero(nbytes.to_numpy() > limit)
        long = np.zeros(len(s), dtype=bool)
        if len(candidates):
            long[candidates] = (s.iloc[candidates].str.len() > limit).to_numpy(dtype=bool)
        return long
    return (s.str.len() > limit).to_numpy(dtype=bool)


# column types for pyarrow's reader: every column is text (names are pyarrow's generated f0, f1, ...)
_ARROW_TEXT = {f"f{i}": pa.string() for i in range(512)}
# the reader's options, made once (the column types alone took a tenth of a small file's read)
_ARROW_READ = pa_csv.ReadOptions(autogenerate_column_names=True, block_size=16 << 20)
_ARROW_CONVERT = pa_csv.ConvertOptions(column_types=_ARROW_TEXT, strings_can_be_null=False,
                                       quoted_strings_can_be_null=False)


@functools.cache
def _arrow_parse(sep: str, quoted: bool) -> pa_csv.ParseOptions:
    return pa_csv.ParseOptions(delimiter=sep, newlines_in_values=quoted, ignore_empty_lines=False)


def _arrow_cells(path: Path) -> pd.DataFrame | None:
    """Every cell of a plain UTF-8 CSV file (header row included), read with pyarrow's multi-threaded reader.

    The result is what ``pd.read_csv(..., dtype=str, header=None, keep_default_na=False,
    skip_blank_lines=False)`` gives (columns 0, 1, ...; Arrow-backed strings), in a fraction of
    the time and memory of decoding the file into one Python string first.  ``None`` when the
    file needs the careful path of :func:`_read_csv`: another encoding (UTF-16, GBK), a workbook
    renamed to .csv, an empty file, ragged rows, invalid UTF-8 or anything else pyarrow refuses;
    that path then reports the problem exactly.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            if not head.strip() or head.startswith((b"\xff\xfe", b"\xfe\xff", *_MAGIC)):
                return None
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                quoted = mm.find(b'"') >= 0  # only quoted cells can hold a line break
    except (OSError, ValueError):
        return None
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    first_line = body.decode("utf-8", errors="ignore").split("\n", 1)[0]
    sep = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        tbl = pa_csv.read_csv(path, read_options=_ARROW_READ, parse_options=_arrow_parse(sep, quoted),
                              convert_options=_ARROW_CONVERT)
    except (pa.ArrowException, OSError, ValueError) as e:
        log.debug("%s: pyarrow's reader refused the file (%s); reading it with pandas", path.name, e)
        return None
    if not all(pa.types.is_string(t) for t in tbl.schema.types) or tbl.num_rows == 0:
        return None
    return pd.DataFrame({i: pd.Series(str_array(col), copy=False)
                         for i, col in enumerate(tbl.columns)}, copy=False)


def _read_csv(path: Path, table: Table, problems: list[Problem]) -> RawTable | None:
    cells = _arrow_cells(path)
    if cells is not None:
        header, body, first_row = _split_header(table, path.name, cells, problems)
        return _normalize(table, path.name, header, body, first_row, problems)
    text = _decode(path.read_bytes(), path.name, table.name, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(table.name, None, None, "file is empty (not even a header row)", file=path.name))
        return None
    first_line = text[:4096].split("\n", 1)[0]
    sep = "\t" if "\t" in first_line and "," not in first_line else ","  # Excel's "Unicode text" is tab-separated
    try:
        # blank lines are kept (and reported) so that row numbers stay the row numbers of the file
        cells = pd.read_csv(io.StringIO(text, newline=""), dtype=str, keep_default_na=False, header=None,
                            skip_blank_lines=False, sep=sep, engine="c")
    except (pd.errors.ParserError, ValueError) as e:
        msg = str(e).strip().removeprefix("Error tokenizing data. C error: ")
        m = re.search(r"in line (\d+)|starting at row (\d+)", msg)
        row = None if m is None else int(m.group(1)) if m.group(1) else int(m.group(2)) + 1
        problems.append(Problem(table.name, row, None, f"not a readable CSV: {msg}", file=path.name))
        return None
    header, body, first_row = _split_header(table, path.name, cells, problems)
    return _normalize(table, path.name, header, body, first_row, problems)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, list[list[str]]]]:
    import openpyxl  # imported lazily: only XLSX ledgers need it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a corrupt file
        raise LedgerError(f"{path.name}: not a readable XLSX workbook: {e}") from e
    try:
        for ws in wb.worksheets:
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            yield ws.title, rows
    finally:
        wb.close()


def _from_rows(name: str, file: str, table: Table, rows: list[list[str]],
               problems: list[Problem]) -> RawTable | None:
    if not rows:
        problems.append(Problem(name, None, None, "sheet is empty (not even a header row)", file=file))
        return None
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    cells = pd.DataFrame(padded, columns=range(width), dtype=str)
    header, body, first_row = _split_header(table, f"{file}[{name}]", cells, problems)
    return _normalize(table, f"{file}[{name}]", header, body, first_row, problems)


def read_ledger(path: Path) -> RawLedger:
    """Read every table of the ledger at ``path`` (a folder, or one ``.xlsx`` file).

    Raises :class:`LedgerError` when the path does not exist or holds no tables;
    problems with single files or columns are returned in ``RawLedger.problems``.
    """
    path = Path(path)
    if not path.exists():
        raise LedgerError(f"ledger not found: {path}")
    names = _table_names()
    ledger = RawLedger(path=path)
    xlsx: list[Path] = []
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise LedgerError(f"{path}: a ledger is a folder of CSV files or one .xlsx workbook")
        xlsx = [path]
    else:
        xlsx = sorted(p for p in path.glob("*.xlsx") if not p.name.startswith("~$"))
        if len(xlsx) > 1:
            raise LedgerError(f"{path}: more than one .xlsx workbook ({', '.join(p.name for p in xlsx)}); "
                              "a ledger holds CSV files or exactly one workbook")
        for f in sorted(path.glob("*.csv")):
            table = names.get(f.stem)
            if table is None:
                ledger.problems.append(Problem(f.stem, None, None, "not a ledger table, ignored",
                                               severity="warning", file=f.name))
                continue
            if table.name in ledger.tables:
                ledger.problems.append(Problem(table.name, None, None, "table given twice", file=f.name))
                continue
            raw = _read_csv(f, table, ledger.problems)
            if raw is not None:
                ledger.tables[table.name] = raw
    for book in xlsx:
        for sheet, rows in _xlsx_sheets(book):
            if sheet.startswith("_"):  # notes and the dictionary sheet of a template
                continue
            table = names.get(sheet.strip())
            if table is None:
                ledger.problems.append(Problem(sheet, None, None, "sheet is not a ledger table, ignored",
                                               severity="warning", file=book.name))
                continue
            if table.name in ledger.tables:
                ledger.problems.append(Problem(table.name, None, None, "table given twice (CSV and sheet)",
                                               file=book.name))
                continue
            raw = _from_rows(table.name, book.name, table, rows, ledger.problems)
            if raw is not None:
                ledger.tables[table.name] = raw
    if not ledger.tables and not ledger.problems:
        raise LedgerError(f"{path}: no ledger tables found (expected files such as divisions.csv)")
    for t in TABLES:
        if t.required_table and t.name not in ledger.tables and not any(
                p.table == t.name for p in ledger.problems):
            ledger.problems.append(Problem(t.name, None, None, f"required table {t.name!r} is missing"))
    log.info("read ledger %s: %s", path, ledger.rows_in)
    return ledger
