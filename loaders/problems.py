"""Problems found in a ledger: each names the table, row, column and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a ledger.

    ``row`` is the row number a person sees in the file: the CSV line number
    (header = line 1) or the spreadsheet row number; ``None`` for problems of a
    whole table or column.
    """

    table: str
    row: int | None
    column: str | None
    reason: str
    value: str | None = None
    severity: Severity = "error"
    file: str | None = None

    def __str__(self) -> str:
        where = self.file or self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
