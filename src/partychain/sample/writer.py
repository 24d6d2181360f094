"""Writing a ledger folder: one ``NAME.csv`` per table of the model, header first, county chunks appended."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from partychain.graph_model import TABLES

from .profile import SampleError

__all__ = ["TABLE_COLUMNS", "LedgerWriter"]

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {t.name: tuple(c.name for c in t.columns) for t in TABLES}
"""Every table of the ledger with its columns, in file order (from ``partychain.graph_model.TABLES``)."""


def _cell_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Frame with exactly ``columns``; booleans become true/false, missing cells stay empty."""
    out = pd.DataFrame(index=frame.index)
    for c in columns:
        if c not in frame.columns:
            out[c] = ""
            continue
        s = frame[c]
        out[c] = np.where(s.to_numpy(), "true", "false") if s.dtype == bool else s
    return out


class LedgerWriter:
    """Writes a ledger folder: one ``NAME.csv`` per table, header first, chunks appended.

    Opening truncates every table file of the ledger and writes its header row, so the
    folder always holds the complete set of tables; :meth:`append` adds a county chunk.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, int] = dict.fromkeys(TABLE_COLUMNS, 0)
        self._files: dict[str, IO[str]] = {}
        for name, cols in TABLE_COLUMNS.items():
            f = (self.out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
            f.write(",".join(cols) + "\n")
            self._files[name] = f

    def append(self, table: str, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (missing columns are written empty)."""
        if table not in self._files:
            raise SampleError(f"unknown ledger table {table!r}")
        if not len(frame):
            return
        cells = _cell_frame(frame, TABLE_COLUMNS[table])
        try:  # fast path: no value holds a comma, quote or line break, so nothing needs quoting
            buf = pa.BufferOutputStream()
            pa_csv.write_csv(pa.Table.from_pandas(cells, preserve_index=False), buf,
                             pa_csv.WriteOptions(include_header=False, quoting_style="none"))
            text = buf.getvalue().to_pybytes().decode("utf-8")
        except pa.ArrowInvalid:
            text = cells.to_csv(header=False, index=False, lineterminator="\n")
        self._files[table].write(text)
        self.rows[table] += len(frame)

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()

    def __enter__(self) -> LedgerWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
