"""The neutral in-memory graph: a validated ledger as frames per label and per relationship endpoint pair.

:mod:`partychain.loaders` produces a :class:`ValidatedLedger`; the stores write it (each engine its own
way) and the personal-data store takes its ``personal`` frames.  A frame's column becomes an Arrow
column of its property's type here (:func:`arrow_table`), whatever pandas dtype holds it, and the
ledger's :meth:`~ValidatedLedger.fingerprint` hashes those columns, so it does not depend on row
order or dtypes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from partychain.errors import Problem

from .nodes import NODES
from .properties import PropertySpec, properties_of
from .relationships import RELS

RelKey = tuple[str, str, str]
"""A relationship frame's key: (type, from label, to label)."""

_PERSONAL = "#personal"  # frame-digest name suffix of a label's personal frame


def object_values(s: pd.Series) -> np.ndarray:
    """A column as an object array with ``None`` for missing values (never ``pd.NA``)."""
    return s.astype(object).where(s.notna(), None).to_numpy(dtype=object)


def chunked(arr: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """An Arrow array as a chunked array (a chunked one as it is)."""
    return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])


def arrow_text(s: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow strings (null for missing); zero-copy for Arrow-backed columns."""
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        arr = chunked(pa.array(s.array))
    else:
        arr = chunked(pa.array(object_values(s), type=pa.string(), from_pandas=True))
    return arr if arr.type == pa.string() else arr.cast(pa.string())


def arrow_column(s: pd.Series | np.ndarray, type_: pa.DataType) -> pa.ChunkedArray:
    """A frame column as an Arrow column of ``type_`` (null for missing values).

    Arrow-backed and masked columns convert without Python objects; object columns (``None``
    for missing) go through ``pa.array``.
    """
    if isinstance(s, pd.Series) and s.dtype != object:
        if isinstance(s.array, pd.arrays.ArrowStringArray) and pa.types.is_string(type_):
            return arrow_text(s)
        try:
            arr = chunked(pa.array(s.array))
            return arr if arr.type == type_ else arr.cast(type_)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
    values = s.to_numpy(dtype=object) if isinstance(s, pd.Series) else s
    return chunked(pa.array(values, type=type_, from_pandas=True))


def arrow_table(frame: pd.DataFrame, specs: dict[str, PropertySpec], *, endpoints: bool = False) -> pa.Table:
    """A frame of model properties as an Arrow table in model order (``from``/``to`` first for
    relationships); properties the frame lacks are null columns."""
    arrays: list[pa.ChunkedArray] = []
    names: list[str] = []
    if endpoints:
        for c in ("from", "to"):
            arrays.append(arrow_column(frame[c], pa.string()))
            names.append(c)
    for name, spec in specs.items():
        t = spec.arrow_type()
        arrays.append(arrow_column(frame[name], t) if name in frame else pa.chunked_array([pa.nulls(len(frame), t)]))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


@dataclass
class ValidatedLedger:
    """A ledger that passed validation, as frames ready for bulk writes.

    ``nodes[label]`` has one column per graph property of the label's model (in model
    order, typed: :func:`~partychain.graph_model.graph_properties_of`); ``rels[(type, from, to)]``
    has ``from``, ``to`` (keys) and the relationship's properties; ``personal[label]`` has the
    label's key and its personal properties, for the personal-data store — personal values are
    never in ``nodes``, so no graph writer can store them.
    """

    nodes: dict[str, pd.DataFrame]
    rels: dict[RelKey, pd.DataFrame]
    rows_in: dict[str, int]
    personal: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    rows_loaded: dict[str, int] = field(default_factory=dict)  # rows that become a node or relationship
    rows_skipped: dict[str, int] = field(default_factory=dict)  # blank rows, reported as a warning

    @property
    def year(self) -> int | None:
        """The year the ledger declares in its ``ledger`` table (``None`` when it has none)."""
        frame = self.nodes.get("Ledger")
        return int(frame["year"].iloc[0]) if frame is not None and len(frame) else None

    @property
    def as_of(self) -> dt.date | None:
        """The date the ledger declares it is up to (``None`` when it declares none)."""
        frame = self.nodes.get("Ledger")
        value = frame["as_of"].iloc[0] if frame is not None and len(frame) else None
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    @property
    def node_count(self) -> int:
        return sum(len(f) for f in self.nodes.values())

    @property
    def rel_count(self) -> int:
        return sum(len(f) for f in self.rels.values())

    def fingerprint(self) -> str:
        """A content hash of what will be written (independent of row order)."""
        h = hashlib.sha256()
        for label in sorted(self.nodes):
            h.update(_frame_digest(label, self.nodes[label]))
        for key in sorted(self.rels):
            h.update(_frame_digest("|".join(key), self.rels[key]))
        for label in sorted(self.personal):
            h.update(_frame_digest(f"{label}{_PERSONAL}", self.personal[label]))
        return h.hexdigest()


def _frame_digest(name: str, frame: pd.DataFrame) -> bytes:
    """Digest of a frame's columns and rows, independent of row order.

    Every column is converted to the Arrow type of its model property (so a value hashes the
    same whatever pandas dtype holds it), the rows are sorted by every column, and the sorted
    columns are hashed: null mask, then values (for text: lengths, then bytes).
    """
    head = (name + "\x1e" + "\x1f".join(map(str, frame.columns))).encode()
    if not len(frame):
        return hashlib.sha256(head).digest()
    h = hashlib.sha256(head)
    table = _canonical_table(name, frame)
    order = pc.sort_indices(table, sort_keys=[(c, "ascending") for c in table.column_names])
    for column in table.columns:
        col = column.take(order).combine_chunks()
        h.update(pc.is_null(col).to_numpy(zero_copy_only=False).tobytes())
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            col = pc.fill_null(col, "")
            h.update(pc.binary_length(col).to_numpy().astype(np.int64).tobytes())
            h.update(_string_bytes(col))
        else:
            h.update(pc.fill_null(col, pa.scalar(0 if not pa.types.is_boolean(col.type) else False,
                                                  col.type)).to_numpy(zero_copy_only=False).tobytes())
    return h.digest()


def _string_bytes(col: pa.Array) -> bytes | memoryview:
    """The concatenated UTF-8 bytes of a string array without nulls."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    offsets_type = np.int64 if pa.types.is_large_string(col.type) else np.int32
    bufs = col.buffers()
    offsets = np.frombuffer(bufs[1], dtype=offsets_type, count=len(col) + 1, offset=col.offset *
                            np.dtype(offsets_type).itemsize)
    if bufs[2] is None:
        return b""
    return memoryview(bufs[2])[int(offsets[0]):int(offsets[-1])]


def _canonical_table(name: str, frame: pd.DataFrame) -> pa.Table:
    """A ledger frame as Arrow columns of the model's types (lists joined into one text cell)."""
    if "|" in name:
        specs, endpoints = properties_of(RELS[name.split("|", 1)[0]]), True
    else:
        specs, endpoints = properties_of(NODES[name.removesuffix(_PERSONAL)]), False
    names, arrays = [], []
    for c in frame.columns:
        if endpoints and c in ("from", "to"):
            arr = arrow_column(frame[c], pa.string())
        elif c in specs:
            arr = arrow_column(frame[c], specs[c].arrow_type())
        else:  # not a model property: as text
            arr = arrow_column(frame[c].astype(str), pa.string())
        if pa.types.is_list(arr.type):
            arr = pc.binary_join(pc.cast(arr, pa.list_(pa.string())), "\x1f")
        names.append(str(c))
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=names)
