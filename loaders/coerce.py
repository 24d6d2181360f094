"""Vectorised conversion of text columns into typed columns, with per-cell problems.

Each converter takes a column of stripped strings ("" = empty) and returns the
typed column plus a boolean mask of cells that could not be converted and a
reason for them.  Whole columns are converted at once (pandas/numpy), so a
province-size ledger validates in seconds, not hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from partychain.graph_model import PropertySpec

TRUE = frozenset({"true", "1", "是", "yes", "y", "t", "√", "true.0", "1.0"})
FALSE = frozenset({"false", "0", "否", "no", "n", "f", "×", "0.0"})
LIST_SEP = r"\s*[;；]\s*"
_INT_RE = r"^[+-]?\d+(?:\.0+)?$"
# Excel day 1 = 1900-01-01 (with its 1900 leap-year bug, serials count from 1899-12-30)
_EXCEL_EPOCH = np.datetime64("1899-12-30")
# full-width digits, point and signs typed with a Chinese input method (４, １２０．５)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def _numeric_text(s: pd.Series) -> pd.Series:
    """Number text without thousands separators and spaces, full-width digits made ASCII.

    (``\\d`` in the integer pattern accepts full-width digits, which ``pd.to_numeric`` then
    turned into a silent null.)

    >>> _numeric_text(pd.Series(["1,200", "１２ ０", "3"])).tolist()
    ['1200', '120', '3']
    """
    norm = s.str.replace(r"[,，\s]", "", regex=True)
    wide = norm.str.contains("[０-９．－＋]", regex=True).to_numpy(dtype=bool)
    if wide.any():
        norm = norm.where(~wide, norm.str.translate(_FULL_WIDTH))
    return norm


STR = pd.Series([], dtype=str).dtype
"""pandas' text dtype (what ``dtype="str"`` means): Arrow-backed strings since pandas 3."""
ARROW_STR = isinstance(STR, pd.StringDtype) and STR.storage == "pyarrow"


def text_array(values: pa.Array | pa.ChunkedArray, dtype: Any) -> Any:
    """Arrow strings as the pandas text array of ``dtype`` (an Arrow-backed ``StringDtype``), without a copy
    and without ``pd.array``'s inference (a third of its time)."""
    try:
        return pd.arrays.ArrowStringArray(values, dtype=dtype)
    except TypeError:  # pandas before 3 takes no dtype here
        return pd.array(values, dtype=dtype)


def str_array(values: pa.Array | pa.ChunkedArray) -> Any:
    """Arrow strings as pandas' text array (:data:`STR`: Arrow-backed since pandas 3, objects before)."""
    return text_array(values, STR) if ARROW_STR else pd.array(values, dtype="str")


def empty_cells(s: pd.Series) -> np.ndarray:
    """``(s == "").to_numpy()``: the empty cells (a missing cell is not one), in Arrow compute for an
    Arrow-backed column (a third of the time of pandas' comparison, which matters for many small tables).

    >>> empty_cells(pd.Series(["", "a", None], dtype="str")).tolist()
    [True, False, False]
    """
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        return pc.fill_null(pc.equal(pa.array(s.array), ""), False).to_numpy(zero_copy_only=False)
    return (s == "").to_numpy()


def _arrow_text(s: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings behind an Arrow-backed text column with "" made null, or ``None`` for other columns."""
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return None
    arr = pa.array(s)
    arr = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _plain_cast(s: pd.Series, to: pa.DataType) -> pa.ChunkedArray | None:
    """Fast path of the number converters: every non-empty cell parses as plain ``to`` text ("12", "-3",
    "0.5"), so the careful path below (separators, "12.0", bad cells) has nothing else to find.
    ``None`` when some cell needs the careful path."""
    arr = _arrow_text(s)
    if arr is None or pc.any(pc.match_substring(arr, "x", ignore_case=True)).as_py():  # Arrow reads 0x10 as 16
        return None
    try:
        return pc.cast(arr, to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _numpy_masked(arr: pa.ChunkedArray, fill: object) -> tuple[np.ndarray, np.ndarray]:
    """(values with nulls filled, null mask) of an Arrow column."""
    values = pc.fill_null(arr, fill).to_numpy()
    return values, pc.is_null(arr).to_numpy(zero_copy_only=False)


@dataclass(frozen=True, slots=True)
class Converted:
    values: pd.Series
    bad: np.ndarray  # cells that are non-empty but could not be converted
    reason: str  # what was expected, used in each problem


def to_int(s: pd.Series) -> Converted:
    fast = _plain_cast(s, pa.int64())
    if fast is not None:
        values, mask = _numpy_masked(fast, 0)
        return Converted(pd.Series(pd.arrays.IntegerArray(values.astype(np.int64), mask), index=s.index),
                         np.zeros(len(s), dtype=bool), "not a whole number")
    empty = empty_cells(s)
    norm = _numeric_text(s)
    ok = norm.str.match(_INT_RE).to_numpy()
    num = pd.to_numeric(norm.where(ok & ~empty, None), errors="coerce")
    bad = ~empty & (~ok | num.isna().to_numpy())  # never a silent null (other scripts' digits match \d)
    return Converted(num.round().astype("Int64"), bad, "not a whole number")


def to_float(s: pd.Series) -> Converted:
    fast = _plain_cast(s, pa.float64())
    if fast is not None:
        values, mask = _numpy_masked(fast, 0.0)
        if np.isfinite(values).all():  # "inf" and "nan" are refused by the careful path
            return Converted(pd.Series(pd.arrays.FloatingArray(values.astype(np.float64), mask), index=s.index),
                             np.zeros(len(s), dtype=bool), "not a number")
    empty = empty_cells(s)
    norm = _numeric_text(s)
    num = pd.to_numeric(norm.where(~pd.Series(empty, index=s.index), None), errors="coerce")
    bad = ~empty & num.isna().to_numpy()
    bad |= ~empty & ~np.isfinite(num.fillna(0).to_numpy(dtype=float))
    return Converted(num.astype("Float64"), bad, "not a number")


def to_bool(s: pd.Series) -> Converted:
    arr = _arrow_text(s)
    if arr is not None and pc.all(pc.is_in(pa.array(s), pa.array(["true", "false", ""]))).as_py() is not False:
        # the ledger's own spelling (true / false / empty): no lower-casing and set lookups needed
        values, mask = _numpy_masked(pc.equal(arr, "true"), False)
        return Converted(pd.Series(pd.arrays.BooleanArray(values.astype(bool), mask), index=s.index),
                         np.zeros(len(s), dtype=bool), "not a yes/no value (true/false/1/0/是/否)")
    low = s.str.lower()
    t = low.isin(TRUE).to_numpy()
    f = low.isin(FALSE).to_numpy()
    empty = empty_cells(s)
    vals = pd.array(np.where(t, True, False), dtype="boolean")
    vals[empty] = pd.NA
    return Converted(pd.Series(vals, index=s.index), ~empty & ~t & ~f, "not a yes/no value (true/false/1/0/是/否)")


def to_date(s: pd.Series) -> Converted:
    empty = empty_cells(s)
    norm = s.str.replace(r"[./年月]", "-", regex=True).str.replace("日", "", regex=False)
    parsed = pd.to_datetime(norm.where(~pd.Series(empty, index=s.index), None), format="%Y-%m-%d",
                            errors="coerce")
    # a date stored by Excel as its serial number (e.g. 44294 for 2021-04-08)
    serial = s.str.fullmatch(r"\d{5}(?:\.0+)?").to_numpy() & parsed.isna().to_numpy()
    if serial.any():
        days = pd.to_numeric(s[serial]).astype("int64").to_numpy()
        parsed[serial] = pd.to_datetime(_EXCEL_EPOCH + days.astype("timedelta64[D]"))
    bad = ~empty & parsed.isna().to_numpy()
    values = pd.Series([d.date() if not pd.isna(d) else None for d in parsed], index=s.index, dtype=object)
    return Converted(values, bad, "not a date (YYYY-MM-DD)")


def to_text(s: pd.Series) -> Converted:
    """Text as it is, missing where empty (Arrow-backed text stays Arrow-backed: no Python objects)."""
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        arr = pa.array(s.array)
        empty = pc.fill_null(pc.equal(arr, ""), False)
        if not pc.any(empty).as_py():
            return Converted(s, np.zeros(len(s), dtype=bool), "")
        # s.where(~empty), in Arrow: "" becomes missing
        values = pc.if_else(empty, pa.scalar(None, arr.type), arr)
        return Converted(pd.Series(text_array(values, s.dtype), index=s.index, copy=False),
                         np.zeros(len(s), dtype=bool), "")
    vals = s.astype(object).where(s != "", None)
    return Converted(vals, np.zeros(len(s), dtype=bool), "")


def _plain_lists(s: pd.Series) -> pd.Series | None:
    """Fast path of :func:`to_list`: ASCII cells without whitespace split on ";" (what the careful path
    gives for them), as an Arrow list column; ``None`` when some cell needs the careful path."""
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return None
    arr = pa.array(s)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if arr.null_count or not pc.all(pc.string_is_ascii(arr)).as_py() \
            or pc.any(pc.match_substring_regex(arr, r"[\s\x0b]")).as_py():
        return None
    parts = pc.split_pattern(arr, ";")
    flat = pc.list_flatten(parts)
    keep = pc.not_equal(flat, "")
    counts = np.bincount(pc.list_parent_indices(parts).filter(keep).to_numpy(), minlength=len(arr))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, flat.filter(keep).cast(pa.string()))
    return pd.Series(pd.arrays.ArrowExtensionArray(lists), index=s.index)


def to_list(s: pd.Series) -> Converted:
    fast = _plain_lists(s)
    if fast is not None:
        return Converted(fast, np.zeros(len(s), dtype=bool), "")
    vals = pd.Series([[x for x in v] if v else [] for v in s.str.split(LIST_SEP, regex=True)],
                     index=s.index, dtype=object)
    vals = vals.map(lambda xs: [x for x in xs if x])
    return Converted(vals, np.zeros(len(s), dtype=bool), "")


CONVERTERS: dict[str, Callable[[pd.Series], Converted]] = {
    "string": to_text, "int": to_int, "float": to_float, "bool": to_bool, "date": to_date,
}
"""A text-column converter for every scalar type of the model (``graph_model.SCALARS``; a test keeps them equal)."""


def canonical(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Enum cells (or lists of them) with every accepted spelling (``男``, ``M``, ``male``) made the value;
    cells that match none are left as they are, for the range check to name.

    >>> canonical(pd.Series(["男", "F", None, "x"]), {"男": "male", "f": "female", "F": "female"}).tolist()
    ['male', 'female', None, 'x']
    """
    def one(x: str) -> str:
        return aliases.get(x, aliases.get(x.casefold(), x))

    if not aliases or not len(values):
        return values
    if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_list(values.dtype.pyarrow_dtype):
        return pd.Series([[one(str(x)) for x in xs] if xs is not None else None for xs in values.tolist()],
                         index=values.index, dtype=object)
    sample = values.dropna()
    if len(sample) and isinstance(sample.iloc[0], list | np.ndarray):
        return values.map(lambda xs: [one(str(x)) for x in xs] if isinstance(xs, list | np.ndarray) else xs)
    uniq = {u: one(u) for u in sample.unique() if isinstance(u, str)}
    return pd.Series([uniq.get(x, x) if isinstance(x, str) else None for x in values], index=values.index,
                     dtype=object)


def convert(s: pd.Series, spec: PropertySpec) -> Converted:
    """Convert one text column according to a property spec (type only; ranges are checked later); enum
    values written as one of their labels (``男``, ``订单``, ``党支部``) become the value."""
    conv = to_list(s) if spec.is_list else CONVERTERS[spec.type](s)
    if spec.enum_type is not None:
        return Converted(canonical(conv.values, spec.aliases()), conv.bad, conv.reason)
    return conv


def current_year(today: dt.date | None) -> int:
    return (today or dt.date.today()).year
