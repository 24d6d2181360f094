"""The Songtao sample over the years: the ledgers of earlier years, consistent with the 2021 one.

The 2021 ledger is the sample itself (:func:`~.songtao.generate_songtao`, unchanged: every published figure
holds).  An earlier year's ledger is what the county would have kept at that year's end, derived from the
2021 tables by going back in time — so ids are stable across the years and every year's ledger is
consistent with the next:

- what the 2021 ledger dates stays where its date puts it: collective income and employment of later
  years, members' ties to households (``since``) and orders (``since``) of later years, meetings after
  the year's end, members who joined the party later, poverty exits of later years (the household is
  still poor at that year's end), figures published later;
- what it does not date gets a year drawn here (the project's assumption, synthetic, not from the
  source): each organization of the chain — cooperative joint branches, company branches, industry party
  groups, joint committees and area general branches — was founded in 2019, 2020 or 2021 with the
  shares of :data:`FOUNDED`, and each member's link to a base was made with the shares of :data:`LINKED`.
  The report speaks of the chain being built "in recent years" (近年来) without dates; the shares only
  spread the build-up over the years the sample covers.

Before its founding year an organization is not in the ledger: its members belong to their village's
branch, its child organizations hang under its parent, and the cooperatives and companies it runs or
leads are not run or led by a party organization.  Divisions, industries, work rules, cooperatives,
companies, bases and households are in every year's ledger (their ids mean the same thing every year).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from partychain.graph_model.enums import BranchKind, OrgLevel

from .profile import SampleError, SampleSummary
from .songtao import generate_songtao
from .writer import TABLE_COLUMNS, LedgerWriter

log = logging.getLogger(__name__)

__all__ = ["FIRST_YEAR", "FOUNDED", "LAST_YEAR", "LINKED", "generate_songtao_years", "ledger_of_year",
           "parse_years"]

FIRST_YEAR, LAST_YEAR = 2019, 2021
"""The years the sample's history covers: 2021 is the report's year (the sample itself)."""

FOUNDED: dict[int, float] = {2019: 0.4, 2020: 0.4, 2021: 0.2}
"""Share of the chain's organizations founded in each year (the project's assumption; 2021 counts only the
months up to the report of 8 April, hence the smaller share)."""

LINKED: dict[int, float] = {2019: 0.5, 2020: 0.35, 2021: 0.15}
"""Share of member–base links made in each year (the project's assumption)."""

HISTORY_STREAM = 16
"""The random stream of the history's draws (``[seed, HISTORY_STREAM]``): apart from the 2021 draws,
so the 2021 ledger is the same with or without its history."""

_CHAIN_ORGS = {(OrgLevel.branch.value, BranchKind.cooperative_joint.value),
               (OrgLevel.branch.value, BranchKind.company.value)}
_CHAIN_LEVELS = {OrgLevel.group.value, OrgLevel.joint_committee.value, OrgLevel.general_branch.value}

Tables = dict[str, pd.DataFrame]


def parse_years(text: str) -> list[int]:
    """``2019-2021`` or ``2019,2021`` → the years, checked against what the sample covers.

    >>> parse_years("2019-2021"), parse_years("2020")
    ([2019, 2020, 2021], [2020])
    """
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
            years = list(range(a, b + 1))
        else:
            years = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError as e:
        raise SampleError(f"years {text!r}: expected FIRST-LAST (2019-2021) or a comma-separated list") from e
    if not years or years[0] < FIRST_YEAR or years[-1] > LAST_YEAR:
        raise SampleError(f"years {text!r}: the Songtao sample has the years {FIRST_YEAR}-{LAST_YEAR}")
    return years


def _draw_years(rng: np.random.Generator, n: int, shares: dict[int, float]) -> np.ndarray:
    years = np.array(list(shares), dtype=np.int64)
    return rng.choice(years, size=n, p=np.array(list(shares.values())))


def _year_of(values: pd.Series) -> pd.Series:
    """The year of ``since``/``date``-like text cells (``2020`` or ``2020-12-16``); blank → 0."""
    return pd.to_numeric(values.astype(str).str[:4], errors="coerce").fillna(0).astype(np.int64)


def ledger_of_year(tables: Tables, year: int, *, seed: int) -> Tables:
    """The ledger of ``year`` (its end) from the 2021 ledger's ``tables`` (text cells, as written).

    ``seed`` is the sample's seed: the drawn founding and linking years come from its own stream
    (:data:`HISTORY_STREAM`), so each year's ledger follows from the 2021 one and the seed alone.
    """
    if year == LAST_YEAR:
        return tables
    if not FIRST_YEAR <= year < LAST_YEAR:
        raise SampleError(f"the Songtao sample has the years {FIRST_YEAR}-{LAST_YEAR}, not {year}")
    rng = np.random.default_rng([seed, HISTORY_STREAM])
    t = {name: frame.copy() for name, frame in tables.items()}
    orgs = t["party_orgs"]
    chain = np.array([(lv, k) in _CHAIN_ORGS or lv in _CHAIN_LEVELS
                      for lv, k in zip(orgs["level"], orgs["kind"], strict=True)], dtype=bool)
    founded = np.full(len(orgs), FIRST_YEAR, dtype=np.int64)
    founded[chain] = _draw_years(rng, int(chain.sum()), FOUNDED)
    bm = t["base_members"]
    linked = _draw_years(rng, len(bm), LINKED)  # drawn for 2019 and 2020 alike: the same draws every year

    # members who had not joined the party yet, and what names them
    members = t["members"]
    joined = pd.to_numeric(members["joined_year"], errors="coerce")
    gone_members = set(members.loc[joined.gt(year).to_numpy(), "id"])
    members = members[~members["id"].isin(gone_members)].copy()

    # organizations not founded yet: members to their village's branch, children up to the parent
    absent = founded > year
    gone_orgs = set(orgs.loc[absent, "id"])
    parent = dict(zip(orgs["id"], orgs["parent_id"], strict=True))

    def founded_ancestor(org: str) -> str:
        while org in gone_orgs:
            org = parent[org]
        return org

    orgs = orgs[~absent].copy()
    orgs["parent_id"] = orgs["parent_id"].map(lambda p: founded_ancestor(p) if p else p)
    orgs.loc[orgs["secretary_id"].isin(gone_members), "secretary_id"] = ""
    village_branch = {code: oid for oid, lv, k, code in zip(orgs["id"], orgs["level"], orgs["kind"],
                                                             orgs["seat_code"], strict=True)
                      if lv == OrgLevel.branch.value and k == BranchKind.village.value}
    moved = members["org_id"].isin(gone_orgs).to_numpy()
    missing = set(members.loc[moved, "village_code"]) - set(village_branch)
    if missing:
        raise SampleError(f"no village branch for members of organizations founded after {year}: {sorted(missing)}")
    members.loc[moved, "org_id"] = members.loc[moved, "village_code"].map(village_branch)
    t["members"], t["party_orgs"] = members, orgs

    for name, cols in (("cooperatives", ("run_by", "led_by")), ("companies", ("run_by",))):
        frame = t[name].copy()
        for c in cols:
            frame.loc[frame[c].isin(gone_orgs), c] = ""
        if "chair_id" in frame:
            frame.loc[frame["chair_id"].isin(gone_members), "chair_id"] = ""
        t[name] = frame
    t["org_work_rules"] = t["org_work_rules"][~t["org_work_rules"]["org_id"].isin(gone_orgs)
                                              & (_year_of(t["org_work_rules"]["since"]) <= year)]
    meetings = t["meetings"]
    t["meetings"] = meetings[~meetings["org_id"].isin(gone_orgs) & (_year_of(meetings["date"]) <= year)]

    # links of later years
    t["base_members"] = bm[(linked <= year) & ~bm["member_id"].isin(gone_members).to_numpy()]
    mh = t["member_households"]
    t["member_households"] = mh[(_year_of(mh["since"]) <= year) & ~mh["member_id"].isin(gone_members)]
    for name, col in (("contracts", "since"), ("pairings", "since"), ("employment", "year"),
                      ("village_income", "year"), ("village_income_sources", "year")):
        frame = t[name]
        t[name] = frame[_year_of(frame[col]) <= year]
    households = t["households"].copy()
    later = pd.to_numeric(households["poverty_exit_year"], errors="coerce").gt(year).to_numpy()
    households.loc[later, "poverty_exit_year"] = ""  # still poor at the year's end
    t["households"] = households
    figures = t["reported_figures"]
    t["reported_figures"] = figures[pd.to_datetime(figures["as_of"]) <= pd.Timestamp(year, 12, 31)]
    t["ledger"] = pd.DataFrame({"year": [str(year)], "as_of": [f"{year}-12-31"]})
    return t


def _read(folder: Path) -> Tables:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLE_COLUMNS}


def generate_songtao_years(out_root: Path, years: list[int], *, seed: int = 2021, pairing_effect: float = 40_000.0,
                           progress: Callable[[str, int, int], None] | None = None) -> dict[int, SampleSummary]:
    """Write the Songtao ledgers of ``years`` into ``out_root/YEAR`` (2021: :func:`generate_songtao` itself;
    earlier years: :func:`ledger_of_year` of it).  The same seed gives byte-identical files."""
    out_root = Path(out_root)
    latest = generate_songtao(out_root / str(LAST_YEAR), seed=seed, pairing_effect=pairing_effect,
                              progress=progress)
    out = {LAST_YEAR: latest} if LAST_YEAR in years else {}
    tables = _read(latest.out_dir)
    for year in sorted(y for y in years if y != LAST_YEAR):
        folder = out_root / str(year)
        with LedgerWriter(folder) as writer:
            for name, frame in ledger_of_year(tables, year, seed=seed).items():
                writer.append(name, frame)
            rows = dict(writer.rows)
        out[year] = SampleSummary(out_dir=folder, seed=seed, rows=rows, pairing_effect=float(pairing_effect))
        log.info("Songtao %d ledger written to %s: %s", year, folder, rows)
    if LAST_YEAR not in years:
        shutil.rmtree(latest.out_dir)
    return dict(sorted(out.items()))
