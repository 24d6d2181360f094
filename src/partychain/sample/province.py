"""The Guizhou province sample: every county's synthetic ledger on the real divisions.

88 counties, 1,510 towns and 17,964 villages/communities (NBS codes); everything attached to
them is drawn by :func:`~partychain.sample.county.generate_county` with
:data:`PROVINCE_PROFILE`, one county at a time, and appended to the ledger files at once, so
memory stays bounded by the largest county whatever the number of counties (see
``docs/sample.md``, "The province sample").

Each county draws from its own generator seeded with ``(seed, county code)``: a county's
rows do not depend on which other counties are generated, and a run restricted with
``counties=`` writes the same rows for those counties as the full run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .county import COUNTY_WIDE, PHASES, generate_county
from .divisions import county_divisions, load_divisions
from .industries import industries_frame
from .party_life import work_rules_frame
from .profile import CountyProfile, SampleError, SampleSummary
from .writer import TABLE_COLUMNS, LedgerWriter

log = logging.getLogger(__name__)

__all__ = ["PROVINCE_CODE", "PROVINCE_PROFILE", "generate_province", "id_region", "province_counties"]

PROVINCE_CODE = "52"

PROVINCE_PROFILE = CountyProfile(
    households_median=370.0,  # × 17,964 villages ≈ 7.0 million households
    members_per_household=(0.074, 0.105),  # ≈ 33 per village ≈ 600,000 members
    cooperatives_extra_village=3.1,  # villages 1 + Poisson(3.1), communities Poisson(1.0): ≈ 60,000
    bases_per_cooperative=(0.05, 0.68, 0.22, 0.05),  # ≈ 1.27 per cooperative, + company bases: ≈ 80,000
    industry_weights=(("tea", 0.18), ("vegetables", 0.20), ("fruit", 0.14), ("chinese_herbs", 0.12),
                      ("edible_fungi", 0.10), ("poultry", 0.10), ("pigs", 0.11), ("cattle", 0.05)),
)
"""Distribution parameters of every county of the province sample (profile defaults otherwise)."""


def id_region(county_code: str) -> str:
    """The non-existent region code of a county's synthetic ID numbers: ``99`` + its last four digits.

    No province has the code 99, and each county gets its own region, so ID numbers (unique
    within a county) are unique across the province.

    >>> id_region("520628")
    '990628'
    """
    if len(county_code) != 6 or not county_code.isdigit():
        raise SampleError(f"{county_code!r} is not a county code (6 digits)")
    return "99" + county_code[2:]


def province_counties(divisions: pd.DataFrame | None = None) -> list[str]:
    """Codes of the province's counties in code order."""
    frame = load_divisions() if divisions is None else divisions
    return sorted(frame.loc[frame["level"] == "county", "code"].astype(str))


def generate_province(out_dir: Path, *, counties: Iterable[str] | None = None, seed: int = 2021,
                      pairing_effect: float = 40_000.0, profile: CountyProfile = PROVINCE_PROFILE,
                      progress: Callable[[str, int, int], None] | None = None) -> SampleSummary:
    """Write the province sample ledger (one CSV per table) into ``out_dir``, county by county.

    Args:
        out_dir: folder to write into (created; its ledger files are replaced).
        counties: county codes to generate (default: all 88, in code order).
        seed: the same seed gives byte-identical files.
        pairing_effect: yuan added to each paired weak village's income from 2018 on (0: none).
        profile: distribution parameters of every county.
        progress: ``progress(step, done, total)`` after each generation step of each county and
            each county written; ``total`` = counties × (steps + 1).

    Returns:
        the folder, the seed, rows per table and the planted effect.
    """
    started = time.perf_counter()
    divisions = load_divisions()
    known = province_counties(divisions)
    if counties is None:
        codes = known
    else:
        codes = list(dict.fromkeys(str(c).strip() for c in counties if str(c).strip()))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise SampleError(f"not Guizhou county codes: {', '.join(unknown)}")
        if not codes:
            raise SampleError("no county to generate")
    steps = len(PHASES) + 1
    total = len(codes) * steps
    done = 0
    out = Path(out_dir)
    with LedgerWriter(out) as writer:
        writer.append("industries", industries_frame())
        writer.append("work_rules", work_rules_frame(profile))
        for i, code in enumerate(codes):
            div = county_divisions(code, divisions)
            label = f"{div.code} {div.name} ({i + 1}/{len(codes)})"

            def step(name: str, label: str = label) -> None:
                nonlocal done
                done += 1
                if progress is not None:
                    progress(f"{label}: {name}", done, total)

            rng = np.random.default_rng([seed, int(code)])
            tables = generate_county(div, profile, rng, pairing_effect=pairing_effect, on_step=step,
                                     id_region=id_region(code))
            for name in TABLE_COLUMNS:
                if name not in COUNTY_WIDE:
                    writer.append(name, tables[name])
            del tables
            step("written")
        rows = dict(writer.rows)
    log.info("province sample (%d counties, seed %d, effect %g) written to %s in %.1f s: %s", len(codes), seed,
             pairing_effect, out, time.perf_counter() - started, rows)
    return SampleSummary(out_dir=out, seed=seed, rows=rows, pairing_effect=float(pairing_effect))
