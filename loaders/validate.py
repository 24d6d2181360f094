"""Validate a raw ledger against the model and turn it into node and relationship frames.

Validation happens entirely before any write: types, enums, required fields,
ranges, ledger-wide id uniqueness, every reference resolving to a row of the
right kind, well-formed nested division codes, no cycles in the org tree and a
few cross-field rules.  Every problem is collected (not just the first) with its
table, row and column; if any is an error, :class:`LedgerInvalid` is raised and
nothing is returned to write.

Rows are accounted for: per table, ``rows_in`` (data rows in the file) equals
``rows_loaded + rows_skipped`` for a valid ledger (skipped rows are blank rows,
reported as a warning); an invalid ledger's :class:`LedgerInvalid` carries
``rows_in``, ``rows_skipped`` and ``bad_rows``, the row numbers with an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from partychain.errors import LedgerInvalid, Problem
from partychain.graph_model import (
    KEY_SPACES,
    NODES,
    RELS,
    TABLES,
    Column,
    Table,
    graph_properties_of,
    personal_properties_of,
    properties_of,
)
from partychain.graph_model.codes import CODE_LENGTHS, PARENT_LEVEL
from partychain.graph_model.frames import RelKey, ValidatedLedger
from partychain.graph_model.frames import arrow_text as _arrow_text
from partychain.graph_model.frames import chunked as _chunked
from partychain.graph_model.frames import object_values as _obj

from .coerce import ARROW_STR, STR, canonical, convert, current_year, empty_cells, str_array
from .read import RawLedger, RawTable, clip

log = logging.getLogger(__name__)

MAX_PROBLEMS_PER_KIND = 200  # per (table, column, reason); the rest are summarised

# which key space a label's key lives in


def _space(label: str) -> str:
    """The key space of a label's key (``ledger``, ``division``, ``industry``: :attr:`Node.KEY_SPACE`)."""
    return KEY_SPACES[label]


# every label a row or a key can have; "" is the label of a row whose level is not valid
_LABELS: tuple[str, ...] = ("", *sorted({lab for t in TABLES for lab in t.labels} | set(NODES)))
_LABEL_INDEX = {lab: i for i, lab in enumerate(_LABELS)}




def _text_series(arr: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Arrow strings as an Arrow-backed pandas text column (no copy; what ``pd.array(arr, dtype="str")``
    gives, without its inference)."""
    return pd.Series(str_array(_chunked(arr)),
                     copy=False)


class _Collector:
    """Collects problems, capping repeats of the same kind so a broken file stays readable."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._counts: dict[tuple[str, str | None, str], int] = defaultdict(int)
        self.bad_rows: dict[str, set[int]] = defaultdict(set)  # every row with an error, listed or not

    def add(self, p: Problem) -> None:
        key = (p.table, p.column, p.reason if p.value is None else p.reason.split(":")[0])
        self._counts[key] += 1
        if p.severity == "error" and p.row is not None:
            self.bad_rows[p.table].add(p.row)
        if self._counts[key] <= MAX_PROBLEMS_PER_KIND:
            self.problems.append(p)

    def cells(self, t: RawTable, column: str, mask: np.ndarray, reason: str,
              values: pd.Series | None = None) -> None:
        for i in np.flatnonzero(mask):
            v = None if values is None else clip(str(values.iloc[i]))
            self.add(Problem(t.table.name, int(t.rows[i]), column,
                             f"{reason}: {v!r}" if v is not None else reason, value=v, file=t.file))

    def summary(self) -> list[Problem]:
        extra = []
        for (table, column, reason), n in self._counts.items():
            if n > MAX_PROBLEMS_PER_KIND:
                extra.append(Problem(table, None, column,
                                     f"{n - MAX_PROBLEMS_PER_KIND} more problems like '{reason}' not listed"))
        return self.problems + extra

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")


@dataclass
class _Typed:
    """A table after type conversion: typed columns, row labels, row numbers."""

    raw: RawTable
    values: dict[str, pd.Series]
    label: pd.Series  # label per row ("" where the level is invalid)
    key: pd.Series | None  # key per row (None for links tables)

    @property
    def table(self) -> Table:
        return self.raw.table

    @property
    def rows(self) -> np.ndarray:
        return self.raw.rows


def _empty_raw(table: Table) -> RawTable:
    frame = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in table.columns})
    return RawTable(table=table, file=f"{table.name}.csv", frame=frame, rows=np.array([], dtype=int))


def _label_model_spec(label: str, column: str):  # type: ignore[no-untyped-def]
    return properties_of(NODES[label]).get(column)


def _convert_table(t: RawTable, col: _Collector, year_now: int) -> _Typed:
    table = t.table
    frame = t.frame
    values: dict[str, pd.Series] = {}
    for c in table.columns:
        s = frame[c.name]
        if not (ARROW_STR and s.dtype == STR):  # Arrow-backed text (what the reader gives) needs no copy
            s = s.astype(str)
        conv = convert(s, c.spec)
        col.cells(t, c.name, conv.bad, conv.reason, s)
        v = conv.values.mask(pd.Series(conv.bad, index=s.index)) if conv.bad.any() else conv.values
        missing = empty_cells(s)
        if c.required:
            col.cells(t, c.name, missing, "required value is missing")
        _check_range(t, c, v, col, year_now)
        values[c.name] = v
    if table.label_column:
        lv = values[table.label_column]
        label = lv.map(lambda x: table.label_map.get(x, "") if isinstance(x, str) else "").astype(str)
    else:
        label = _text_series(pa.repeat(pa.scalar(table.label or "", pa.string()), len(frame)))
        label.index = frame.index
    # label-specific properties carried by plain columns (e.g. the `kind` of a party org)
    for c in table.columns:
        if c.prop is None and c.ref is None and c.name != table.label_column:
            for lab in table.labels:
                spec = _label_model_spec(lab, c.name)
                if spec is None:
                    has = ((label == lab).to_numpy() & values[c.name].notna().to_numpy())
                    for i in np.flatnonzero(has):
                        col.add(Problem(t.table.name, int(t.rows[i]), c.name,
                                        f"a {lab} has no {c.name}: {clip(str(frame[c.name].iloc[i]))!r} is ignored",
                                        severity="warning", file=t.file))
                    continue
                if not spec.enum:
                    continue
                rows = (label == lab).to_numpy() & values[c.name].notna().to_numpy()
                if rows.any():
                    mapped = canonical(values[c.name][rows], spec.aliases())
                    values[c.name] = values[c.name].astype(object).mask(pd.Series(rows, index=frame.index), mapped)
                bad = rows & ~values[c.name].isin(spec.enum).to_numpy()
                col.cells(t, c.name, bad, f"not a valid kind for a {lab}: expected {spec.accepted()}",
                          frame[c.name])
    key = None
    if table.key:
        key = values[table.key]
        key = key if isinstance(key.array, pd.arrays.ArrowStringArray) else \
            pd.Series(_obj(key), index=frame.index, dtype=object)
    elif table.key_from:
        # an optional part of the key (an income source's holder_of) is empty where it is missing
        parts = [values[k].astype(str) if table.column(k).required
                 else pd.Series(_obj(values[k].astype(object).where(values[k].notna(), "")), index=frame.index,
                                dtype=object).astype(str)
                 for k in table.key_from]
        key = parts[0].str.cat(parts[1:], sep=table.key_sep)
    return _Typed(raw=t, values=values, label=label, key=key)


def _check_range(t: RawTable, c: Column, v: pd.Series, col: _Collector, year_now: int) -> None:
    spec = c.spec
    if spec.enum:
        if spec.is_list:
            flat = v.explode()
            bad_idx = flat[flat.notna() & ~flat.isin(spec.enum)]
            for i, val in bad_idx.items():
                pos = t.frame.index.get_loc(i)
                col.add(Problem(t.table.name, int(t.rows[pos]), c.name,
                                f"{val!r} is not a known value: expected {spec.accepted()}", value=str(val),
                                file=t.file))
        else:
            bad = v.notna().to_numpy() & ~v.isin(spec.enum).to_numpy()
            col.cells(t, c.name, bad, f"not a known value: expected {spec.accepted()}", v)
        return
    if spec.type not in ("int", "float", "date"):
        return
    if spec.type == "date":
        if spec.meta.not_future:
            today = dt.date(year_now, 12, 31)
            bad = v.map(lambda d: isinstance(d, dt.date) and d > today).to_numpy(dtype=bool)
            col.cells(t, c.name, bad, "date is in the future", v)
        return
    num = v.astype("Float64")
    present = num.notna().to_numpy()
    arr = num.fillna(0).to_numpy(dtype=float)
    if spec.ge is not None:
        low = "negative" if spec.ge == 0 else f"below {spec.ge:g}"
        col.cells(t, c.name, present & (arr < spec.ge), f"{low} (must be ≥ {spec.ge:g})", v)
    if spec.le is not None:
        col.cells(t, c.name, present & (arr > spec.le), f"implausibly large (must be ≤ {spec.le:g})", v)
    if spec.meta.not_future:
        col.cells(t, c.name, present & (arr > year_now) & (arr <= (spec.le or np.inf)),
                  f"year is in the future (after {year_now})", v)


# --- keys and references ---------------------------------------------------------


@dataclass
class _Space:
    """One key space, dictionary-encoded: every key and every reference into the space gets the
    integer code of its text (equal text, equal code), so lookups are integer indexing."""

    codes: dict[tuple[str, str], np.ndarray]  # (table, column) → code per value (-1: missing)
    label: np.ndarray  # label index (into _LABELS) per code; -1 where no row has that key
    county: np.ndarray  # index into ``counties`` per code; -1 where no row has that key
    counties: list[str]  # county code text of the keys' rows ("" if unknown)
    empty: int  # code of "" (-1 if absent)


@dataclass
class _Registry:
    """Every key of the ledger by key space, and every reference into it (lists exploded)."""

    spaces: dict[str, _Space]
    refs: dict[tuple[str, str], tuple[np.ndarray, pa.ChunkedArray]]  # (table, column) → (row pos, target text)


def _ref_values(tt: _Typed, c: Column) -> tuple[np.ndarray, pa.ChunkedArray]:
    """Row position and target text of every reference in a column (list cells exploded)."""
    assert c.ref is not None
    vals = tt.values[c.name]
    if c.ref.many:
        exploded = vals.reset_index(drop=True).explode()
        return exploded.index.to_numpy(dtype=np.int64), _chunked(pa.array(_obj(exploded), type=pa.string(),
                                                                          from_pandas=True))
    return np.arange(len(vals), dtype=np.int64), _arrow_text(vals)


def _encode(parts: list[pa.ChunkedArray]) -> tuple[list[np.ndarray], pa.Array]:
    """Dictionary-encode several string columns together: (codes per column, -1 for null; dictionary)."""
    chunks = [ch for part in parts for ch in part.chunks if len(ch)]
    if not chunks:
        return [np.zeros(0, dtype=np.int64) for _ in parts], pa.array([], pa.string())
    enc = pc.dictionary_encode(pa.chunked_array(chunks, type=pa.string()))
    dictionary = enc.chunk(0).dictionary
    codes = pc.fill_null(pa.chunked_array([ch.indices for ch in enc.chunks], type=pa.int32()), -1)
    flat = codes.to_numpy().astype(np.int64)
    bounds = np.cumsum([0, *(len(part) for part in parts)])
    return [flat[bounds[i]:bounds[i + 1]] for i in range(len(parts))], dictionary


def _label_codes(tt: _Typed) -> np.ndarray:
    """Label index (into _LABELS) of every row of a table."""
    if tt.table.label_column:
        return pd.Categorical(tt.label.astype(object), categories=list(_LABELS)).codes.astype(np.int64)
    return np.full(len(tt.label), _LABEL_INDEX[tt.table.label or ""], dtype=np.int64)


def _registry(typed: dict[str, _Typed], col: _Collector) -> _Registry:
    keyed: dict[str, list[str]] = defaultdict(list)  # space → node tables with a key column
    for name, tt in typed.items():
        if tt.table.kind == "nodes" and tt.table.key is not None:
            keyed[_space(tt.table.labels[0])].append(name)
    refs: dict[tuple[str, str], tuple[np.ndarray, pa.ChunkedArray]] = {}
    referring: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, tt in typed.items():
        for c in tt.table.columns:
            if c.ref is not None:
                refs[(name, c.name)] = _ref_values(tt, c)
                referring[_space(c.ref.targets[0])].append((name, c.name))
    spaces: dict[str, _Space] = {}
    for space in dict.fromkeys([*keyed, *referring]):
        tables = keyed.get(space, [])
        cols = referring.get(space, [])
        parts = [_arrow_text(typed[t].key) for t in tables] + [refs[k][1] for k in cols]
        codes, dictionary = _encode(parts)
        n_codes = len(dictionary)
        empty = pc.index(dictionary, "").as_py() if n_codes else -1
        key_codes = codes[:len(tables)]
        all_codes = np.concatenate(key_codes) if key_codes else np.zeros(0, dtype=np.int64)
        labels = np.concatenate([_label_codes(typed[t]) for t in tables]) if tables else np.zeros(0, np.int64)
        county_text = [_county_of(typed[t]).astype(str).fillna("") for t in tables]
        county_codes, county_values = pd.factorize(pd.concat(county_text, ignore_index=True)) if tables else \
            (np.zeros(0, np.int64), pd.Index([]))
        present = np.flatnonzero(all_codes >= 0)
        uniq, first = np.unique(all_codes[present], return_index=True)
        first_pos = present[first]  # position (in the concatenated keys) of each code's first row
        dup = np.ones(len(present), dtype=bool)
        dup[first] = False
        if dup.any():
            table_of = np.repeat(np.arange(len(tables)), [len(k) for k in key_codes])
            start = np.cumsum([0, *(len(k) for k in key_codes)])
            first_of_code = np.full(n_codes, -1, dtype=np.int64)
            first_of_code[uniq] = first_pos
            what = "code" if space == "division" else "id"
            column = "code" if space in ("division", "industry") else "id"
            texts = dictionary.to_pylist()
            for at in present[dup]:
                t_i = int(table_of[at])
                f = int(first_of_code[all_codes[at]])
                f_t = int(table_of[f])
                tt, ft = typed[tables[t_i]], typed[tables[f_t]]
                key = texts[all_codes[at]]
                col.add(Problem(tables[t_i], int(tt.rows[at - start[t_i]]), column,
                                f"duplicate {what} {key!r} (already used in {tables[f_t]} row "
                                f"{int(ft.rows[f - start[f_t]])}; ids are unique across the whole ledger)",
                                value=key, file=tt.raw.file))
        label = np.full(n_codes, -1, dtype=np.int64)
        label[uniq] = labels[first_pos]
        county = np.full(n_codes, -1, dtype=np.int64)
        county[uniq] = np.asarray(county_codes, dtype=np.int64)[first_pos]
        spaces[space] = _Space(codes={**{(t, ""): k for t, k in zip(tables, key_codes, strict=True)},
                                      **dict(zip(cols, codes[len(tables):], strict=True))},
                               label=label, county=county, counties=[str(x) for x in county_values],
                               empty=-1 if empty is None else int(empty))
    return _Registry(spaces=spaces, refs=refs)


def _county_of(tt: _Typed) -> pd.Series:
    """County code of each row where the row's own columns tell it ("" otherwise)."""
    v = tt.values
    for c in ("village_code", "code", "town_code"):
        if c in v:
            return v[c].astype(str).str.slice(0, 6).where(v[c].notna(), "")
    return pd.Series([""] * len(tt.raw.frame), index=tt.raw.frame.index)


@dataclass
class _Resolved:
    """The references of one column that resolved to a row of an allowed kind."""

    pos: np.ndarray  # row position of each reference
    code: np.ndarray  # code of the target in its key space
    target_label: np.ndarray  # label index of the target
    row_label: np.ndarray  # label index of the referring row
    sel: np.ndarray  # index into ``texts``
    texts: pa.ChunkedArray  # target text of every reference of the column (before filtering)

    def targets(self) -> pa.Array:
        """The target key of each resolved reference."""
        return self.texts.take(pa.array(self.sel)).combine_chunks() if len(self.sel) else pa.array([], pa.string())


def _resolve(tt: _Typed, c: Column, reg: _Registry, col: _Collector) -> _Resolved:
    """Check the references of one column; return those that resolved (to a row of an allowed kind)."""
    assert c.ref is not None
    ref = c.ref
    pos, texts = reg.refs[(tt.table.name, c.name)]
    space = reg.spaces[_space(ref.targets[0])]
    codes = space.codes[(tt.table.name, c.name)]
    present = (codes >= 0) & (codes != space.empty)
    row_label_all = _label_codes(tt)
    if ref.by_label is not None:
        # a label outside by_label whose model stores the column as a plain property (a county's
        # prefecture code) keeps the value unresolved
        as_prop = [lab for lab in tt.table.labels
                   if lab not in ref.by_label and _label_model_spec(lab, c.name) is not None]
        if as_prop:
            present &= ~np.isin(row_label_all[pos], [_LABEL_INDEX[lab] for lab in as_prop])
    sel = np.flatnonzero(present)
    pos, codes = pos[sel], codes[sel]
    row_labels = row_label_all[pos]
    found = space.label[codes]
    missing = found < 0
    kind = " | ".join(ref.targets)
    if missing.any():
        for p, tg in zip(pos[missing], texts.take(pa.array(sel[missing])).to_pylist(), strict=True):
            col.add(Problem(tt.table.name, int(tt.rows[p]), c.name, f"refers to {tg!r}, which does not exist "
                            f"(expected a {kind})", value=str(tg), file=tt.raw.file))
    keep = ~missing
    pos, codes, sel, found, row_labels = pos[keep], codes[keep], sel[keep], found[keep], row_labels[keep]
    # allowed (row label, target label) pairs, checked for the whole column at once
    allowed = np.zeros((len(_LABELS), len(_LABELS)), dtype=bool)
    # a row, or a referenced row, whose level is invalid has its own problem already: no second one here
    allowed[_LABEL_INDEX[""], :] = allowed[:, _LABEL_INDEX[""]] = True
    for rl_i, rl in enumerate(_LABELS):
        ok_targets = ref.by_label.get(rl, ()) if ref.by_label is not None else ref.targets
        for tl in ok_targets:
            allowed[rl_i, _LABEL_INDEX[tl]] = True
    allowed_ok = allowed[row_labels, found]
    if not allowed_ok.all():
        bad = np.flatnonzero(~allowed_ok)
        for i, tg in zip(bad, texts.take(pa.array(sel[bad])).to_pylist(), strict=True):
            rl, tl = _LABELS[row_labels[i]], _LABELS[found[i]]
            allowed_labels = ref.by_label.get(rl, ()) if ref.by_label is not None else ref.targets
            expect = " | ".join(allowed_labels) if allowed_labels else "nothing (leave it empty)"
            col.add(Problem(tt.table.name, int(tt.rows[int(pos[i])]), c.name,
                            f"refers to {tg!r}, which is a {tl}; a {rl or tt.table.name} row expects {expect}",
                            value=str(tg), file=tt.raw.file))
    return _Resolved(pos=pos[allowed_ok], code=codes[allowed_ok], target_label=found[allowed_ok],
                     row_label=row_labels[allowed_ok], sel=sel[allowed_ok], texts=texts)


# --- table-specific rules ----------------------------------------------------------


def _check_divisions(tt: _Typed, col: _Collector) -> None:
    code = tt.values["code"].astype(object)
    parent = tt.values["parent_code"].astype(object)
    for i, (c, p, lab) in enumerate(zip(code, parent, tt.label, strict=True)):
        if not isinstance(c, str) or not lab:
            continue
        level = NODES[lab].LEVEL  # type: ignore[attr-defined]
        n = CODE_LENGTHS[level]
        row = int(tt.rows[i])
        if not c.isdigit() or len(c) != n:
            col.add(Problem("divisions", row, "code", f"a {lab.lower()} code has {n} digits, got {c!r}",
                            value=c, file=tt.raw.file))
            continue
        if isinstance(p, str):
            plen = CODE_LENGTHS[PARENT_LEVEL[level]]
            if not p.isdigit() or len(p) != plen:
                col.add(Problem("divisions", row, "parent_code",
                                f"the parent of a {lab.lower()} has a {plen}-digit code, got {p!r}",
                                value=p, file=tt.raw.file))
            elif not c.startswith(p):
                col.add(Problem("divisions", row, "code",
                                f"code {c!r} does not lie inside its parent {p!r} (must start with it)",
                                value=c, file=tt.raw.file))


def _check_cycles(tt: _Typed, parent_refs: _Resolved, col: _Collector) -> None:
    keys = _obj(tt.key) if tt.key is not None else np.array([])
    parent = {keys[p]: t for p, t in zip(parent_refs.pos, parent_refs.targets().to_pylist(), strict=True)}
    pos_of = {k: i for i, k in enumerate(keys)}
    state: dict[str, int] = {}  # 1 = on current path, 2 = done
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent.get(node)
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node):]
            first = min(cycle)
            col.add(Problem(tt.table.name, int(tt.rows[pos_of[first]]), "parent_id",
                            "cycle in the organization tree: " + " → ".join([*cycle, node]), value=first,
                            file=tt.raw.file))
        for n in path:
            state[n] = 2


def _check_ledger_table(tt: _Typed, col: _Collector) -> None:
    """The ``ledger`` table declares one year; its as-of date lies in that year."""
    n = len(tt.raw.frame)
    if n > 1:
        extra = np.zeros(n, dtype=bool)
        extra[1:] = True
        col.cells(tt.raw, "year", extra, "a ledger records one year: the ledger table has one row "
                  "(load each year's ledger on its own)", tt.values["year"])
    as_of = pd.to_datetime(tt.values["as_of"], errors="coerce")
    year = tt.values["year"].astype("Float64")
    bad = (as_of.notna() & year.notna()).to_numpy() & (as_of.dt.year.astype("Float64") != year).fillna(False).to_numpy(
        dtype=bool)
    col.cells(tt.raw, "as_of", bad, "the as-of date is not in the ledger's year", tt.values["as_of"])


def _check_members(tt: _Typed, col: _Collector) -> None:
    b = tt.values["birth_year"].astype("Float64")
    j = tt.values["joined_year"].astype("Float64")
    both = (b.notna() & j.notna()).to_numpy()
    young = both & ((j - b).fillna(99).to_numpy(dtype=float) < 18)
    col.cells(tt.raw, "joined_year", young, "joined the party before age 18 (check birth_year and joined_year)",
              tt.values["joined_year"])


def _check_households(tt: _Typed, col: _Collector) -> None:
    exit_y = tt.values["poverty_exit_year"]
    poor = tt.values["poor"].fillna(False).to_numpy(dtype=bool)
    bad = exit_y.notna().to_numpy() & ~poor
    col.cells(tt.raw, "poverty_exit_year", bad, "a poverty exit year on a household not flagged poor", exit_y)
    idn = tt.values["id_number"]
    present = idn.notna().to_numpy()
    bad = present & ~idn.fillna("").str.fullmatch(r"\d{17}[\dXx]").to_numpy(dtype=bool)
    col.cells(tt.raw, "id_number", bad, "an ID number has 17 digits and a check character", idn)


def _check_unique_together(tt: _Typed, col: _Collector, reg: _Registry | None = None) -> None:
    cols = list(tt.table.unique_together)
    if not cols or not len(tt.raw.frame):
        return
    # detect on integer codes (reference columns are already dictionary-encoded; equal text, equal code)
    codes: dict[str, np.ndarray] = {}
    for c in cols:
        column = tt.table.column(c)
        if reg is not None and column.ref is not None and not column.ref.many:
            codes[c] = reg.spaces[_space(column.ref.targets[0])].codes[(tt.table.name, c)]
        else:
            codes[c] = pd.factorize(tt.values[c].astype(str), use_na_sentinel=True)[0]
    dup = pd.DataFrame(codes).duplicated(keep="first").to_numpy()
    if dup.any():
        frame = pd.DataFrame({c: tt.values[c].astype(str) for c in cols})
        first_rows = frame.reset_index(drop=True).drop_duplicates(keep="first")
        first_rows["row"] = tt.rows[first_rows.index]
        lookup = first_rows.set_index(cols)["row"]
        for i in np.flatnonzero(dup):
            k = tuple(frame.iloc[i])
            col.add(Problem(tt.table.name, int(tt.rows[i]), cols[0],
                            f"duplicate row: same {', '.join(cols)} as row {lookup.loc[k]}", file=tt.raw.file))


def _check_work_rules(tt: _Typed, col: _Collector) -> None:
    other = (tt.values["kind"] == "other").fillna(False).to_numpy(dtype=bool)
    col.cells(tt.raw, "name", other & tt.values["name"].isna().to_numpy(),
              "a work rule of kind other needs its name (the rules the source names have their own kinds)")


def _check_org_tree(tt: _Typed, col: _Collector) -> None:
    """Every organization but the county committee sits under another (a warning: the tree is then cut)."""
    top = (tt.label == NODES["CountyCommittee"].label()).to_numpy()
    known = (tt.label != "").to_numpy()
    orphan = known & ~top & tt.values["parent_id"].isna().to_numpy()
    for i in np.flatnonzero(orphan):
        col.add(Problem(tt.table.name, int(tt.rows[i]), "parent_id",
                        "no parent organization: the organization is not in the tree under the county committee "
                        "(its chains report no town committee)", severity="warning", file=tt.raw.file))


def _check_pairings(tt: _Typed, col: _Collector) -> None:
    s = tt.values["strong_code"].astype(str)
    w = tt.values["weak_code"].astype(str)
    col.cells(tt.raw, "weak_code", (s == w).to_numpy(), "a village cannot be paired with itself", w)
    pairs = set(zip(s, w, strict=True))
    both = np.array([(b, a) in pairs and a != b for a, b in zip(s, w, strict=True)], dtype=bool)
    col.cells(tt.raw, "weak_code", both & (s > w).to_numpy(),
              "paired in both directions (a village is strong for a village it is weak for)", w)


# --- building frames ---------------------------------------------------------------


def _node_frame(label: str, tt: _Typed, mask: np.ndarray) -> pd.DataFrame:
    model = NODES[label]
    every = bool(mask.all())
    n = len(mask) if every else int(mask.sum())
    out: dict[str, pd.Series] = {}
    for name in properties_of(model):
        if name == model.KEY and tt.table.key is None and tt.key is not None:
            s: pd.Series | None = tt.key
        else:
            col_name = next((c.name for c in tt.table.columns
                             if (c.prop == name and c.node is None) or (c.prop is None and c.name == name)), None)
            s = None if col_name is None else tt.values[col_name]
        if s is None:
            out[name] = pd.Series(np.full(n, None, dtype=object), dtype=object)
        else:
            out[name] = (s if every else s[mask]).reset_index(drop=True)
    return pd.DataFrame(out, copy=False)  # the columns are this frame's own (no second copy)


def validate_ledger(raw: RawLedger, *, today: dt.date | None = None) -> ValidatedLedger:
    """Validate ``raw`` and return what to write; raise :class:`LedgerInvalid` listing every problem."""
    col = _Collector()
    for p in raw.problems:
        col.add(p)
    year_now = current_year(today)
    typed: dict[str, _Typed] = {}
    for table in TABLES:
        rt = raw.tables.get(table.name) or _empty_raw(table)
        typed[table.name] = _convert_table(rt, col, year_now)

    for table in TABLES:
        if table.required_table and table.name in raw.tables and not len(typed[table.name].raw.frame):
            col.add(Problem(table.name, None, None, f"table {table.name!r} has no rows; a ledger needs its divisions",
                            file=raw.tables[table.name].file))
    reg = _registry(typed, col)
    resolved: dict[tuple[str, str], _Resolved] = {}
    for name, tt in typed.items():
        for c in tt.table.columns:
            if c.ref is not None:
                resolved[(name, c.name)] = _resolve(tt, c, reg, col)
        _check_unique_together(tt, col, reg)

    _check_divisions(typed["divisions"], col)
    _check_cycles(typed["party_orgs"], resolved[("party_orgs", "parent_id")], col)
    _check_ledger_table(typed["ledger"], col)
    _check_members(typed["members"], col)
    _check_households(typed["households"], col)
    _check_pairings(typed["pairings"], col)
    _check_work_rules(typed["work_rules"], col)
    _check_org_tree(typed["party_orgs"], col)
    _check_base_units(typed, col)
    _check_same_county(typed, reg, col)
    _check_income_sources(typed, col)

    problems = col.summary()
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    rows_in = {t.name: typed[t.name].raw.rows_in for t in TABLES}
    rows_skipped = {t.name: typed[t.name].raw.skipped for t in TABLES}
    if errors:
        log.warning("ledger %s invalid: %d errors", raw.path, len(errors))
        bad = {t.name: set(typed[t.name].rows[np.isin(typed[t.name].rows, list(col.bad_rows[t.name]))].tolist())
               for t in TABLES}
        raise LedgerInvalid(errors + warnings, rows_in, rows_skipped=rows_skipped, bad_rows=bad)
    ledger = _build(typed, resolved, rows_in, warnings)
    ledger.rows_skipped = rows_skipped
    log.info("ledger %s valid: %d nodes, %d relationships, %d warnings", raw.path,
             ledger.node_count, ledger.rel_count, len(warnings))
    return ledger


def _check_base_units(typed: dict[str, _Typed], col: _Collector) -> None:
    """A base's unit is its industry's unit; a blank unit is filled from the industry."""
    ind = typed["industries"]
    unit_of = pd.Series(_obj(ind.values["unit"]), index=_obj(ind.values["code"]))
    unit_of = unit_of[~unit_of.index.duplicated()]
    bases = typed["bases"]
    expected = bases.values["industry"].map(unit_of)
    unit = bases.values["unit"]
    clash = unit.notna().to_numpy() & expected.notna().to_numpy() & (_obj(unit) != _obj(expected))
    col.cells(bases.raw, "unit", clash, "unit differs from the unit of the base's industry", unit)
    bases.values["unit"] = unit.astype(object).where(unit.notna(), expected.astype(object))


def _check_same_county(typed: dict[str, _Typed], reg: _Registry, col: _Collector) -> None:
    """A member drives households of his or her own county."""
    tt = typed["member_households"]
    if not len(tt.raw.frame) or "ledger" not in reg.spaces:
        return
    sp = reg.spaces["ledger"]
    empty = sp.counties.index("") if "" in sp.counties else -2

    def county(column: str) -> np.ndarray:
        codes = sp.codes[("member_households", column)]
        got = np.where(codes >= 0, sp.county[np.maximum(codes, 0)], -1)
        return np.where(got == empty, -1, got)

    m, h = county("member_id"), county("household_id")
    bad = (m >= 0) & (h >= 0) & (m != h)
    col.cells(tt.raw, "household_id", bad, "household lives in another county than the member who drives it",
              tt.values["household_id"])


def _check_income_sources(typed: dict[str, _Typed], col: _Collector) -> None:
    """A dividend names a holding of its village (a ``shareholdings`` row), other sources name none; the
    sources of a village and year add up to its ``village_income`` total where the ledger has one."""
    tt = typed["village_income_sources"]
    if not len(tt.raw.frame):
        return
    village = pd.Series(_obj(tt.values["village_code"]), dtype=object)
    holder = pd.Series(_obj(tt.values["holder_of"]), dtype=object)
    source = pd.Series(_obj(tt.values["source"]), dtype=object)
    has_holder = holder.notna().to_numpy()
    dividend = (source == "dividend").to_numpy()
    col.cells(tt.raw, "holder_of", dividend & ~has_holder,
              "a dividend names the cooperative or company that pays it (holder_of)")
    col.cells(tt.raw, "holder_of", ~dividend & has_holder & source.notna().to_numpy(),
              "only a dividend names a holder_of (the holding it is paid on)", tt.values["holder_of"])
    sh = typed["shareholdings"]
    held = set(zip(_obj(sh.values["village_code"]), _obj(sh.values["holder_of"]), strict=True))
    no_holding = np.array([bool(d and h and (v, hd) not in held)
                           for d, h, v, hd in zip(dividend, has_holder, village, holder, strict=True)], dtype=bool)
    col.cells(tt.raw, "holder_of", no_holding,
              "the village holds no shares in it (no shareholdings row for the village and holder_of)",
              tt.values["holder_of"])
    inc = typed["village_income"]
    if not len(inc.raw.frame):
        return
    total = pd.Series(_obj(inc.values["collective_income"]),
                      index=pd.MultiIndex.from_arrays([_obj(inc.values["village_code"]), _obj(inc.values["year"])]))
    total = total[~total.index.duplicated()].dropna()
    year = pd.Series(_obj(tt.values["year"]), dtype=object)
    yuan = pd.to_numeric(pd.Series(_obj(tt.values["yuan"]), dtype=object), errors="coerce")
    sums = yuan.groupby([village, year]).sum(min_count=1)
    first = pd.Series(np.arange(len(village))).groupby([village, year]).min()
    for key, got in sums.items():
        want = total.get(key)
        if want is None or pd.isna(got) or float(got) == float(want):
            continue
        i = int(first[key])
        col.add(Problem(tt.table.name, int(tt.rows[i]), "yuan",
                        f"the sources of village {key[0]} in {key[1]} add up to {got:,.0f} yuan, "
                        f"but village_income gives {float(want):,.0f}", file=tt.raw.file))


def _by_labels(a: np.ndarray, b: np.ndarray) -> list[tuple[str, str, np.ndarray]]:
    """Positions per (label a, label b) pair, pairs in label order, positions in row order (a sorted groupby)."""
    pair = a * len(_LABELS) + b
    out = []
    for p in np.unique(pair):
        out.append((_LABELS[p // len(_LABELS)], _LABELS[p % len(_LABELS)], np.flatnonzero(pair == p)))
    return sorted(out, key=lambda x: (x[0], x[1]))


def _build(typed: dict[str, _Typed], resolved: dict[tuple[str, str], _Resolved],
           rows_in: dict[str, int], warnings: list[Problem]) -> ValidatedLedger:
    nodes: dict[str, list[pd.DataFrame]] = defaultdict(list)
    rels: dict[RelKey, list[pd.DataFrame]] = defaultdict(list)
    loaded: dict[str, int] = dict.fromkeys(typed, 0)
    for name, tt in typed.items():
        table = tt.table
        n = len(tt.raw.frame)
        if not n:
            continue
        if table.kind == "nodes":
            for lab in table.labels:
                mask = (tt.label == lab).to_numpy(dtype=bool)
                if mask.any():
                    nodes[lab].append(_node_frame(lab, tt, mask))
                    loaded[name] += int(mask.sum())
            keys = _arrow_text(tt.key) if tt.key is not None else None
            for c in table.columns:
                if c.ref is None or c.ref.rel is None:
                    continue
                r = resolved[(name, c.name)]
                if not len(r.pos):
                    continue
                assert keys is not None
                src = keys.take(pa.array(r.pos))
                dst = r.targets()
                for rl, tl, idx in _by_labels(r.row_label, r.target_label):
                    a, b = (rl, tl) if c.ref.outgoing else (tl, rl)
                    i = pa.array(idx)
                    f, t = (src.take(i), dst.take(i)) if c.ref.outgoing else (dst.take(i), src.take(i))
                    data: dict[str, object] = {"from": _text_series(f), "to": _text_series(t)}
                    for pname in properties_of(RELS[c.ref.rel]):
                        data[pname] = c.ref.rel_props.get(pname)
                    rels[(c.ref.rel, a, b)].append(pd.DataFrame(data, copy=False))
            if table.secondary is not None:
                sec = table.secondary
                sec_cols = [c for c in table.columns if c.node == sec.label]
                title = tt.values[sec.key_column].astype(object)
                sid = title.map(lambda s: "src-" + hashlib.sha1(str(s).encode()).hexdigest()[:12])
                sframe = pd.DataFrame({"id": sid.to_numpy(dtype=object)})
                for c in sec_cols:
                    sframe[c.prop or c.name] = _obj(tt.values[c.name])
                model_cols = list(properties_of(NODES[sec.label]))
                nodes[sec.label].append(sframe.drop_duplicates("id")[model_cols])
                assert tt.key is not None
                rels[(sec.rel, table.labels[0], sec.label)].append(
                    pd.DataFrame({"from": tt.key.to_numpy(dtype=object), "to": sid.to_numpy(dtype=object)}))
        else:
            assert table.rel and table.source and table.target
            rs, rt = resolved[(name, table.source)], resolved[(name, table.target)]
            ok, ia, ib = np.intersect1d(rs.pos, rt.pos, assume_unique=True, return_indices=True)
            loaded[name] = len(ok)
            froms, tos = rs.targets().take(pa.array(ia)), rt.targets().take(pa.array(ib))
            props: dict[str, pd.Series] = {}
            for pname in properties_of(RELS[table.rel]):
                cname = next(c.name for c in table.columns if c.prop == pname)
                props[pname] = tt.values[cname].iloc[ok].reset_index(drop=True)
            for a, b, idx in _by_labels(rs.target_label[ia], rt.target_label[ib]):
                i = pa.array(idx)
                frame = pd.DataFrame({"from": _text_series(froms.take(i)), "to": _text_series(tos.take(i)),
                                      **{k: v.iloc[idx].reset_index(drop=True) for k, v in props.items()}},
                                     copy=False)
                rels[(table.rel, str(a), str(b))].append(frame)
    whole = {k: v[0] if len(v) == 1 else pd.concat(v, ignore_index=True) for k, v in nodes.items()}
    graph, personal = _split_personal(whole)
    return ValidatedLedger(
        nodes=graph,
        rels={k: v[0] if len(v) == 1 else pd.concat(v, ignore_index=True) for k, v in rels.items()},
        rows_in=rows_in, warnings=warnings, rows_loaded=loaded, personal=personal,
    )


def _split_personal(nodes: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Node frames → (graph frames without personal columns, per label the key and personal columns)."""
    graph: dict[str, pd.DataFrame] = {}
    personal: dict[str, pd.DataFrame] = {}
    for label, frame in nodes.items():
        model = NODES[label]
        secret = list(personal_properties_of(model))
        if secret:
            personal[label] = frame[[model.KEY, *secret]]
        graph[label] = frame[list(graph_properties_of(model))] if secret else frame
    return graph, personal
