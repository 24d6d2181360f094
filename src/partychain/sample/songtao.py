"""The Songtao sample: a synthetic ledger of Songtao Miao Autonomous County (520628).

The divisions are real (28 towns, 522 villages and communities); everything attached to them is
synthetic, calibrated so that every figure of the county's report of 8 April 2021 holds as the
report words it (see ``docs/sample.md``).  The report, cited exactly:
松桃：“三措并举”发展壮大村级集体经济助推乡村振兴战略, by 陈宇威 (县委组织部), 2021-04-08 15:17:35,
marked 本站原创; the publishing site is not named.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from partychain.graph_model.enums import BranchKind, FigureQualifier, OrgLevel, Unit
from partychain.graph_model.metrics import METRIC_BY_NAME

from .county import PHASES, generate_county
from .divisions import county_divisions
from .industries import industries_frame
from .party_life import COOPERATIVE_RULES, SYSTEMS, work_rules_frame
from .profile import CountyProfile, CountyTargets, SampleError, SampleSummary
from .writer import TABLE_COLUMNS, LedgerWriter

log = logging.getLogger(__name__)

__all__ = [
    "PUBLISHED_FIGURES",
    "SONGTAO_CODE",
    "SONGTAO_PROFILE",
    "SONGTAO_TARGETS",
    "SOURCE",
    "PublishedFigure",
    "computed_figures",
    "generate_songtao",
    "reported_figures_frame",
]

SONGTAO_CODE = "520628"
AS_OF = "2021-04-08"

SOURCE: dict[str, str] = {
    "source_title": "松桃：“三措并举”发展壮大村级集体经济助推乡村振兴战略",
    "source_author": "陈宇威",
    "source_affiliation": "县委组织部",  # the report signs (縣委組織部 陳宇威)
    "source_published_at": "2021-04-08T15:17:35",
    "publisher": "",  # the publishing site is not named
    "source_url": "",
    "source_note": "本站原创",
}
"""The report, as ``reported_figures`` cites it (``../shared/domain.md``)."""

_Q = FigureQualifier


@dataclass(frozen=True)
class PublishedFigure:
    """One figure of the report: the metric it reports, its value, how to compare it and its words.

    ``step``: for a figure written with 余 ("more than"), the step of its precision (60万余亩: 10,000 mu):
    the sample takes the middle of ``value`` … ``value + step`` (the project's reading of 余).
    """

    metric: str
    value: int
    qualifiers: tuple[FigureQualifier, ...]
    wording: str
    step: int = 0

    @property
    def unit(self) -> str:
        return METRIC_BY_NAME[self.metric].unit

    @property
    def sample_value(self) -> int:
        """The value the sample gives the metric: the figure itself, or the middle of its 余 range."""
        return self.value + self.step // 2


PUBLISHED_FIGURES: tuple[PublishedFigure, ...] = (
    PublishedFigure("joint_committees", 2, (_Q.exact,), "建立联合党委2个"),
    PublishedFigure("general_branches", 7, (_Q.exact,), "片区党总支7个"),
    PublishedFigure("cooperative_joint_branches", 300, (_Q.exact,), "合作社联合党支部300个"),
    PublishedFigure("demo_points_with_party_org", 56, (_Q.exact,), "“村社合一”示范点党组织56个"),
    PublishedFigure("demo_points", 56, (_Q.exact,), "56个“村社合一”示范点实现合作社党组织全覆盖"),
    PublishedFigure("dam_areas", 58, (_Q.exact,), "全县58个坝区各类产业蓬勃发展"),
    PublishedFigure("dam_areas_with_bases", 58, (_Q.exact,), "全县58个坝区各类产业蓬勃发展"),
    PublishedFigure("planting_mu", 600_000, (_Q.planned, _Q.at_least), "规划种植项目60万余亩", step=10_000),
    PublishedFigure("fungus_sticks", 46_000_000, (_Q.at_least,), "食用菌4600万余棒", step=10_000),
    PublishedFigure("poultry_birds", 5_000_000, (_Q.exact,), "养殖产业500万羽"),
    PublishedFigure("pigs_head", 765_200, (_Q.per_year,), "生猪年出栏76.52万头"),
    PublishedFigure("employment_person_times", 356_500, (_Q.can_reach, _Q.at_least), "拉动务工就业可达35.65万余人次",
                    step=100),
    PublishedFigure("cooperative_work_rules", 10, (_Q.at_least,), "10余项工作制度", step=10),
)
"""The report's figures (as of 2021-04-08) with their qualifiers and words (``../shared/domain.md``).
dam_areas_with_bases rests on the same words as dam_areas: the project reads 全县58个坝区各类产业蓬勃发展 as
every one of the county's 58 dam areas holding industry."""

_FIG = {f.metric: f for f in PUBLISHED_FIGURES}

SONGTAO_PROFILE = CountyProfile(
    # no cattle: head-unit bases are pigs only, so the pig total is the sum of every head-unit base
    industry_weights=(("tea", 0.17), ("vegetables", 0.20), ("fruit", 0.14), ("chinese_herbs", 0.12),
                      ("edible_fungi", 0.13), ("poultry", 0.11), ("pigs", 0.13), ("cattle", 0.0)),
    companies=(20, 40),
    other_work_rules=_FIG["cooperative_work_rules"].sample_value - len(COOPERATIVE_RULES) - len(SYSTEMS),
)
"""Distribution parameters of the Songtao sample (the profile defaults, without cattle; as many synthetic
work rules as bring the catalogue to the sample's reading of 10余项)."""

SONGTAO_TARGETS = CountyTargets(
    joint_committee_kinds=("joint_village", "industry"),
    general_branches=_FIG["general_branches"].value,
    cooperative_joint_branches=_FIG["cooperative_joint_branches"].value,
    demo_points=_FIG["demo_points"].value,
    dam_areas=_FIG["dam_areas"].value,
    dam_areas_with_bases=_FIG["dam_areas_with_bases"].value,
    scale_totals=((Unit.stick.value, _FIG["fungus_sticks"].sample_value),
                  (Unit.bird.value, _FIG["poultry_birds"].sample_value)),
    planned_totals=((Unit.mu.value, _FIG["planting_mu"].sample_value),),
    output_totals=((Unit.head.value, _FIG["pigs_head"].sample_value),),
    employment_person_times=_FIG["employment_person_times"].sample_value,
)
"""What the Songtao sample pins so that every published figure holds as worded."""


def reported_figures_frame(scope_code: str = SONGTAO_CODE) -> pd.DataFrame:
    """The ``reported_figures`` table: the published figures, their qualifiers and words, and the source."""
    return pd.DataFrame({
        "metric": [f.metric for f in PUBLISHED_FIGURES], "value": [f.value for f in PUBLISHED_FIGURES],
        "unit": [f.unit for f in PUBLISHED_FIGURES],
        "qualifiers": [";".join(q.value for q in f.qualifiers) for f in PUBLISHED_FIGURES],
        "wording": [f.wording for f in PUBLISHED_FIGURES], "scope_code": scope_code, "as_of": AS_OF, **SOURCE,
    })


def computed_figures(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Each published metric as the generated tables give it, in the reading its qualifiers ask for
    (planned: planned_scale; per year: annual_output)."""
    orgs, coops, bases = tables["party_orgs"], tables["cooperatives"], tables["bases"]
    demo = coops[coops["demo_point"].astype(bool)]
    by_unit = bases.groupby("unit")
    return {
        "joint_committees": int((orgs["level"] == OrgLevel.joint_committee).sum()),
        "general_branches": int((orgs["level"] == OrgLevel.general_branch).sum()),
        "cooperative_joint_branches": int(((orgs["level"] == OrgLevel.branch)
                                           & (orgs["kind"] == BranchKind.cooperative_joint)).sum()),
        "demo_points": len(demo),
        "demo_points_with_party_org": int(((demo["run_by"] != "") | (demo["led_by"] != "")).sum()),
        "dam_areas": len(tables["dam_areas"]),
        "dam_areas_with_bases": int(bases.loc[bases["dam_area_id"] != "", "dam_area_id"].nunique()),
        "planting_mu": int(pd.to_numeric(by_unit["planned_scale"].sum()).get(Unit.mu.value, 0)),
        "fungus_sticks": int(by_unit["scale"].sum().get(Unit.stick.value, 0)),
        "poultry_birds": int(by_unit["scale"].sum().get(Unit.bird.value, 0)),
        "pigs_head": int(pd.to_numeric(by_unit["annual_output"].sum()).get(Unit.head.value, 0)),
        "employment_person_times": int(tables["employment"]["person_times"].sum()),
        "cooperative_work_rules": int(tables["org_work_rules"]["rule_code"].nunique()),
    }


def holds(figure: PublishedFigure, computed: int) -> bool:
    """Whether a computed value bears the figure out as worded: ≥ for 余 and 可达, = otherwise."""
    if {_Q.at_least, _Q.can_reach} & set(figure.qualifiers):
        return computed >= figure.value
    return computed == figure.value


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

    tables = generate_county(county_divisions(SONGTAO_CODE), SONGTAO_PROFILE, np.random.default_rng(seed),
                             targets=SONGTAO_TARGETS, pairing_effect=pairing_effect, on_step=step)
    tables["industries"] = industries_frame()
    tables["work_rules"] = work_rules_frame(SONGTAO_PROFILE)
    tables["reported_figures"] = reported_figures_frame()
    tables["ledger"] = pd.DataFrame({"year": [int(AS_OF[:4])], "as_of": [AS_OF]})  # the report's date
    got = computed_figures(tables)
    wrong = {f.metric: (got[f.metric], f.wording) for f in PUBLISHED_FIGURES if not holds(f, got[f.metric])}
    if wrong:
        raise SampleError(f"the Songtao sample does not bear out published figures (computed, as worded): {wrong}")
    with LedgerWriter(out) as writer:
        for name in TABLE_COLUMNS:
            writer.append(name, tables[name])
            step(name)
        rows = dict(writer.rows)
    log.info("Songtao sample (seed %d, effect %g) written to %s in %.1f s: %s", seed, pairing_effect, out,
             time.perf_counter() - started, rows)
    return SampleSummary(out_dir=out, seed=seed, rows=rows, pairing_effect=float(pairing_effect))

