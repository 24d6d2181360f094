"""The exception hierarchy: everything partychain raises derives from :class:`PartychainError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partychain.loaders.problems import Problem


class PartychainError(Exception):
    """Root of every error partychain raises on purpose."""


class ConfigError(PartychainError):
    """Settings are missing or inconsistent."""


class LedgerError(PartychainError):
    """A ledger cannot be read at all (missing folder, unreadable file)."""


class LedgerInvalid(PartychainError):
    """A ledger was read but failed validation; ``problems`` lists every problem found.

    Row accounting per table: ``rows_in`` data rows were read, ``rows_skipped`` of them were
    blank, and ``bad_rows`` holds the row numbers of every row with an error (also those
    beyond the problems listed).
    """

    def __init__(self, problems: list[Problem], rows_in: dict[str, int] | None = None, *,
                 rows_skipped: dict[str, int] | None = None, bad_rows: dict[str, set[int]] | None = None) -> None:
        self.problems = problems
        self.rows_in = rows_in or {}
        self.rows_skipped = rows_skipped or {}
        self.bad_rows = bad_rows or {}
        n = len(problems)
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (and {n - 3} more)" if n > 3 else ""
        super().__init__(f"ledger invalid: {n} problem{'s' if n != 1 else ''}: {head}{more}")

    @property
    def rows_rejected(self) -> dict[str, int]:
        """Per table, how many rows have at least one error."""
        return {t: len(self.bad_rows.get(t, ())) for t in self.rows_in}


class StoreError(PartychainError):
    """The graph store failed (cannot open, locked, query failed)."""


class GraphNotLoaded(StoreError):
    """No graph has been loaded at the configured location yet."""


class YearRefused(StoreError):
    """A ledger's year does not fit the years kept: no year declared while years are kept, or a year already
    loaded with other contents (replace it with ``--replace``).  Nothing was loaded."""


class QueryNotFound(PartychainError):
    """No named query of that name exists in the catalog."""


class QueryError(StoreError):
    """A query was rejected or failed on the engine."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was interrupted."""


class ReadOnlyViolation(QueryError):
    """A write was attempted on a read-only path and the engine refused it."""


class InvalidArgument(PartychainError):
    """A caller's argument is malformed (a division code of the wrong shape, an unknown kind)."""


class NotFound(PartychainError):
    """The thing asked for does not exist in the graph (unknown household, org, division)."""


class YearNotLoaded(NotFound):
    """A year (dataset version) was asked for that is not loaded; ``years`` are the ones that are."""

    def __init__(self, year: int, years: list[int]) -> None:
        self.year = year
        self.years = years
        have = ", ".join(str(y) for y in years) if years else "none"
        super().__init__(f"no ledger of {year} is loaded; loaded years: {have}")
