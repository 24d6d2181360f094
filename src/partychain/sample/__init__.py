"""Synthetic sample ledgers on real Guizhou divisions (see ``docs/sample.md``).

The modules, in the order a county is drawn: :mod:`.profile` (parameters and targets),
:mod:`.divisions` (the real divisions), :mod:`.industries`, :mod:`.population` (households, members),
:mod:`.cooperatives`, :mod:`.organizations` (the party-organization tree), :mod:`.companies`,
:mod:`.staffing` (posts and roles), :mod:`.bases` (bases, dam areas), :mod:`.links` (base–member links,
cooperative members, employment), :mod:`.holdings` (shareholdings, contracts), :mod:`.driving` (members
drive households), :mod:`.party_life` (work rules, meetings), :mod:`.incomes` (income, pairings);
:mod:`.county` runs them, :mod:`.writer` writes the tables, :mod:`.songtao` and :mod:`.province` are
the two samples; :mod:`.people` draws names, ID numbers and phones; :mod:`.allocation` and
:mod:`.state` are the helpers the steps share.
"""

from __future__ import annotations

from .allocation import bounded_allocation, exact_total, largest_remainder
from .county import COUNTY_WIDE, PHASES, generate_county
from .divisions import CountyDivisions, county_divisions, load_divisions
from .industries import INDUSTRIES, industries_frame
from .party_life import work_rules_frame
from .profile import CountyProfile, CountyTargets, SampleError, SampleSummary
from .province import PROVINCE_CODE, PROVINCE_PROFILE, generate_province
from .songtao import PUBLISHED_FIGURES, SONGTAO_CODE, SONGTAO_PROFILE, SONGTAO_TARGETS, SOURCE, generate_songtao
from .writer import TABLE_COLUMNS, LedgerWriter

__all__ = [
    "COUNTY_WIDE",
    "INDUSTRIES",
    "PHASES",
    "PROVINCE_CODE",
    "PROVINCE_PROFILE",
    "PUBLISHED_FIGURES",
    "SONGTAO_CODE",
    "SONGTAO_PROFILE",
    "SONGTAO_TARGETS",
    "SOURCE",
    "TABLE_COLUMNS",
    "CountyDivisions",
    "CountyProfile",
    "CountyTargets",
    "LedgerWriter",
    "SampleError",
    "SampleSummary",
    "bounded_allocation",
    "county_divisions",
    "exact_total",
    "generate_county",
    "generate_province",
    "generate_songtao",
    "industries_frame",
    "largest_remainder",
    "load_divisions",
    "work_rules_frame",
]
