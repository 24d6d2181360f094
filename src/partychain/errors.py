"""The exception hierarchy: everything partychain raises derives from :class:`PartychainError`.

Every exception partychain defines is defined here (``tests/test_code_quality.py`` checks it), with
:class:`Problem`, the one problem in a ledger that :class:`LedgerInvalid` lists.  The API's
``ApiError`` (an HTTP status and a problem type) derives from :class:`PartychainError` too and stays
with the API.
"""

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


class StoreBusy(StoreError):
    """The engine has no query memory left at the moment (its buffer pool is full); try again shortly."""


class PersonalDataUnavailable(StoreError):
    """The personal-data store of the dataset version is missing or unreadable."""


class DerivedIndexUnavailable(StoreError):
    """The derived index of a dataset version is missing, of another version or unreadable, and was not rebuilt."""


class YearRefused(StoreError):
    """A ledger's year does not fit the years kept: no year declared while years are kept, or a year already
    loaded with other contents (replace it with ``--replace``).  Nothing was loaded."""


class QueryNotFound(PartychainError):
    """No named query of that name exists in the catalog."""


class QueryCatalogError(PartychainError):
    """A named query's file breaks the catalog's header grammar (a ``records:`` line naming no node label of the
    model); the message names the file."""


class QueryError(StoreError):
    """A query was rejected or failed on the engine."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was interrupted."""


class ReadOnlyViolation(QueryError):
    """A write was attempted on a read-only path and the engine refused it."""


class QueryCrashed(QueryError):
    """The worker process running the query died (a crash of the engine); the server is unaffected."""


class QueryResourceExceeded(QueryError):
    """The query needed more memory than a worker may use."""


class StatementNotAllowed(QueryError):
    """The query holds something untrusted Cypher may not do; the message says what."""


class QueryTooComplex(QueryError):
    """The query's shape would make the engine's parser itself a hazard (``partychain.storage.guard.MAX_NESTING``)."""


class QueryTooLarge(QueryError):
    """The query text or its parameters are larger than untrusted Cypher may send."""


class BadParameters(QueryError):
    """A parameter name is not an identifier, or a value is nested too deep."""


class SlotsBusy(PartychainError):
    """Every query slot of the API's researcher queries is taken."""


class InvalidArgument(PartychainError):
    """A caller's argument is malformed (a division code of the wrong shape, an unknown kind)."""


class NotFound(PartychainError):
    """The thing asked for does not exist in the graph (unknown household, org, division)."""


class SampleError(PartychainError):
    """A sample cannot be generated with the given profile or targets."""


class YearNotLoaded(NotFound):
    """A year (dataset version) was asked for that is not loaded; ``years`` are the ones that are."""

    def __init__(self, year: int, years: list[int]) -> None:
        self.year = year
        self.years = years
        have = ", ".join(str(y) for y in years) if years else "none"
        super().__init__(f"no ledger of {year} is loaded; loaded years: {have}")
