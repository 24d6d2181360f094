"""The rows a query answers, engine-neutral: what every store and the derived index hand back, with the row cap
of untrusted queries and the normalisation of engine values.

Light on imports on purpose: the embedded engine's query workers (:mod:`~partychain.storage.sandbox`) import it,
and each worker starts with only what a query needs.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Columns and rows of a query, with engine-specific values normalised to JSON-friendly Python."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __len__(self) -> int:
        return len(self.rows)


def _fit(value: Any, budget: int) -> tuple[Any, int, bool]:
    """``value`` cut to at most ``budget`` list/map elements in all: (value, elements used, whether cut)."""
    if isinstance(value, list):
        out: list[Any] = []
        used = 0
        for item in value:
            if used >= budget:
                return out, used, True
            fitted, n, cut = _fit(item, budget - used - 1)
            out.append(fitted)
            used += 1 + n
            if cut:
                return out, used, True
        return out, used, False
    if isinstance(value, dict):
        out_d: dict[Any, Any] = {}
        used = 0
        for k, item in value.items():
            if used >= budget:
                return out_d, used, True
            fitted, n, cut = _fit(item, budget - used - 1)
            out_d[k] = fitted
            used += 1 + n
            if cut:
                return out_d, used, True
        return out_d, used, False
    return value, 0, False


class RowBudget:
    """The row cap of untrusted queries, counting list and map elements as well as rows.

    A row costs one, plus one per element of every list or map in it (nested ones too), so
    ``RETURN collect(h)`` over a million households is cut like a million rows would be.

    >>> b = RowBudget(5)
    >>> b.take([1, [1, 2, 3]]), b.take(["x"]), b.take(["y"]), b.cut
    ([1, [1, 2, 3]], ['x'], None, True)
    >>> b = RowBudget(3)
    >>> b.take([list(range(10)), "x"]), b.cut
    ([[0, 1], 'x'], True)
    """

    def __init__(self, max_cells: int) -> None:
        self.left = max_cells
        self.cut = False

    def take(self, row: list[Any]) -> list[Any] | None:
        """The row (its lists cut to what is left), or ``None`` once the budget is spent."""
        if self.left <= 0:
            self.cut = True
            return None
        self.left -= 1
        out = []
        for value in row:
            fitted, used, cut = _fit(value, max(self.left, 0))
            self.left -= used
            self.cut = self.cut or cut
            out.append(fitted)
        return out


PLAIN_TYPES: frozenset[type] = frozenset({str, int, float, bool})


def normalize_value(v: Any) -> Any:
    """Engine values → plain Python: Decimal sums → int/float, dates → ISO, nodes → property dicts."""
    if v is None or type(v) in PLAIN_TYPES:  # most values: returned before the isinstance checks
        return v
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [normalize_value(x) for x in v]
    if isinstance(v, dict):
        return {k: normalize_value(x) for k, x in v.items()}
    return v
