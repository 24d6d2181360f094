"""The Songtao sample: a synthetic ledger of Songtao Miao Autonomous County (520628).

The divisions are real (28 towns, 522 villages and communities); everything attached to
them is synthetic, calibrated so that the figures the county's organization department
published on 8 April 2021 come out exactly (see ``docs/sample.md``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .generator import (
    PHASES,
    TABLE_COLUMNS,
    CountyProfile,
    CountyTargets,
    LedgerWriter,
    SampleError,
    SampleSummary,
    county_divisions,
    generate_county,
    industries_frame,
)

log = logging.getLogger(__name__)

__all__ = [
    "PUBLISHED_FIGURES",
    "SONGTAO_CODE",
    "SONGTAO_PROFILE",
    "SONGTAO_TARGETS",
    "computed_figures",
    "generate_songtao",
    "reported_figures_frame",
]

SONGTAO_CODE = "520628"
AS_OF = "2021-04-08"
SOURCE_TITLE = "松桃自治县：党建引领产业链 联合发展促振兴"
PUBLISHER = "中共松桃苗族自治县委组织部"

PUBLISHED_FIGURES: tuple[tuple[str, int, str], ...] = (
    ("joint_committees", 2, "count"),
    ("general_branches", 7, "count"),
    ("cooperative_joint_branches", 300, "count"),
    ("demo_points", 56, "count"),
    ("demo_points_with_party_org", 56, "count"),
    ("dam_areas_with_bases", 58, "count"),
    ("planting_mu", 600_000, "mu"),
    ("fungus_sticks", 46_000_000, "stick"),
    ("poultry_birds", 5_000_000, "bird"),
    ("pigs_head", 765_200, "head"),
    ("employment_person_times", 356_500, "person_times"),
    ("cooperative_work_rules", 10, "count"),
)
"""(metric, value, unit) as published by the county (as of 2021-04-08)."""

_FIG = {m: v for m, v, _ in PUBLISHED_FIGURES}

SONGTAO_PROFILE = CountyProfile(
    # no cattle: head-unit bases are pigs only, so the pig total is the sum of every head-unit base
    industry_weights=(("tea", 0.17), ("vegetables", 0.20), ("fruit", 0.14), ("chinese_herbs", 0.12),
                      ("edible_fungi", 0.13), ("poultry", 0.11), ("pigs", 0.13), ("cattle", 0.0)),
    companies=(20, 40),
)
"""Distribution parameters of the Songtao sample (the profile defaults, without cattle)."""

SONGTAO_TARGETS = CountyTargets(
    joint_committee_kinds=("joint_village", "industry"),
    general_branches=_FIG["general_branches"],
    cooperative_joint_branches=_FIG["cooperative_joint_branches"],
    demo_points=_FIG["demo_points"],
    dam_areas_with_bases=_FIG["dam_areas_with_bases"],
    scale_totals=(("mu", _FIG["planting_mu"]), ("stick", _FIG["fungus_sticks"]),
                  ("bird", _FIG["poultry_birds"]), ("head", _FIG["pigs_head"])),
    employment_person_times=_FIG["employment_person_times"],
)
"""The published figures the Songtao sample reproduces exactly."""


def reported_figures_frame(scope_code: str = SONGTAO_CODE) -> pd.DataFrame:
    """The ``reported_figures`` table: the published figures with their source."""
    return pd.DataFrame({
        "metric": [m for m, _, _ in PUBLISHED_FIGURES],
        "value": [v for _, v, _ in PUBLISHED_FIGURES],
        "unit": [u for _, _, u in PUBLISHED_FIGURES],
        "scope_code": scope_code, "as_of": AS_OF, "source_title": SOURCE_TITLE, "publisher": PUBLISHER,
        "source_url": "",
    })


def computed_figures(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """The published metrics as the generated tables give them (all but ``cooperative_work_rules``)."""
    orgs, coops, bases = tables["party_orgs"], tables["cooperatives"], tables["bases"]
    demo = coops[coops["demo_point"].astype(bool)]
    scale = bases.groupby("unit")["scale"].sum()
    return {
        "joint_committees": int((orgs["level"] == "joint_committee").sum()),
        "general_branches": int((orgs["level"] == "general_branch").sum()),
        "cooperative_joint_branches": int(((orgs["level"] == "branch")
                                           & (orgs["kind"] == "cooperative_joint")).sum()),
        "demo_points": len(demo),
        "demo_points_with_party_org": int((demo["run_by"] != "").sum()),
        "dam_areas_with_bases": int(bases.loc[bases["dam_area_id"] != "", "dam_area_id"].nunique()),
        "planting_mu": int(scale.get("mu", 0)),
        "fungus_sticks": int(scale.get("stick", 0)),
        "poultry_birds": int(scale.get("bird", 0)),
        "pigs_head": int(scale.get("head", 0)),
        "employment_person_times": int(tables["employment"]["person_times"].sum()),
    }


def generate_songtao(out_dir: Path, *, seed: int = 2021, pairing_effect: float = 40_000.0,
                     progress: Callable[[str, int, int], None] | None = None) -> SampleSummary:
    """Write the Songtao sample ledger (one CSV per table) into ``out_dir``.

    The same seed gives byte-identical files. ``pairing_effect`` yuan (plus noise) are added
    to each paired weak village's collective income from 2018 on; 0 plants nothing.
    ``progress(step, done, total)`` is called after each generation step and each table written.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    total = len(PHASES) + len(TABLE_COLUMNS)
    count = 0

    def step(name: str) -> None:
        nonlocal count
        count += 1
        if progress is not None:
            progress(name, count, total)

    div = county_divisions(SONGTAO_CODE)
    tables = generate_county(div, SONGTAO_PROFILE, np.random.default_rng(seed), targets=SONGTAO_TARGETS,
                             pairing_effect=pairing_effect, on_step=step)
    tables["industries"] = industries_frame()
    tables["reported_figures"] = reported_figures_frame()
    got = computed_figures(tables)
    wrong = {m: (v, _FIG[m]) for m, v in got.items() if v != _FIG[m]}
    if wrong:
        raise SampleError(f"the Songtao sample misses published figures (computed, published): {wrong}")
    with LedgerWriter(out) as writer:
        for name in TABLE_COLUMNS:
            writer.append(name, tables[name])
            step(name)
        rows = dict(writer.rows)
    log.info("Songtao sample (seed %d, effect %g) written to %s in %.1f s: %s", seed, pairing_effect, out,
             time.perf_counter() - started, rows)
    return SampleSummary(out_dir=out, seed=seed, rows=rows, pairing_effect=float(pairing_effect))
