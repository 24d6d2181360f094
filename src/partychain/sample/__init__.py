"""Synthetic sample ledgers on real Guizhou divisions (see ``docs/sample.md``)."""

from __future__ import annotations

from .generator import (
    INDUSTRIES,
    TABLE_COLUMNS,
    CountyDivisions,
    CountyProfile,
    CountyTargets,
    LedgerWriter,
    SampleError,
    SampleSummary,
    county_divisions,
    generate_county,
    industries_frame,
    load_divisions,
)
from .province import PROVINCE_CODE, PROVINCE_PROFILE, generate_province
from .songtao import PUBLISHED_FIGURES, SONGTAO_CODE, SONGTAO_PROFILE, SONGTAO_TARGETS, generate_songtao

__all__ = [
    "INDUSTRIES",
    "PROVINCE_CODE",
    "PROVINCE_PROFILE",
    "PUBLISHED_FIGURES",
    "SONGTAO_CODE",
    "SONGTAO_PROFILE",
    "SONGTAO_TARGETS",
    "TABLE_COLUMNS",
    "CountyDivisions",
    "CountyProfile",
    "CountyTargets",
    "LedgerWriter",
    "SampleError",
    "SampleSummary",
    "county_divisions",
    "generate_county",
    "generate_province",
    "generate_songtao",
    "industries_frame",
    "load_divisions",
]
