"""Ledger loading: read tables, validate them against the model, produce frames to write."""

from __future__ import annotations

from pathlib import Path

from partychain.errors import Problem

from .read import RawLedger, read_ledger
from .validate import ValidatedLedger, validate_ledger

__all__ = ["Problem", "RawLedger", "ValidatedLedger", "check_ledger", "read_ledger", "validate_ledger"]


def check_ledger(path: Path) -> ValidatedLedger:
    """Read and validate the ledger at ``path``; raise ``LedgerInvalid`` with every problem found."""
    return validate_ledger(read_ledger(path))
