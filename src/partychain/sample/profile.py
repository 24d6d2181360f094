"""What one county's synthetic ledger is drawn from, and what a run returns.

:class:`CountyProfile` holds every distribution parameter (``docs/sample.md`` states each one and
which are the project's own assumptions); :class:`CountyTargets` pins published figures exactly;
:class:`SampleSummary` is what a run wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from partychain.errors import SampleError

__all__ = ["CountyProfile", "CountyTargets", "SampleError", "SampleSummary"]


@dataclass(frozen=True)
class SampleSummary:
    """What a sample run wrote: the folder, the seed, rows per table and the planted effect."""

    out_dir: Path
    seed: int
    rows: dict[str, int]
    pairing_effect: float


@dataclass(frozen=True, slots=True)
class CountyProfile:
    """Distribution parameters of one county's synthetic ledger (see ``docs/sample.md``).

    Counts per village are drawn per village; shares are probabilities per row.
    """

    # households (农户)
    households_median: float = 270.0  # lognormal median households per village
    households_sigma: float = 0.30  # lognormal sigma
    households_min: int = 60
    household_extra_persons: float = 2.6  # size = 1 + Poisson(this), capped at 12
    head_male_share: float = 0.85
    head_birth: tuple[float, float, int, int] = (1965.0, 12.0, 1935, 1998)  # normal mean, sd, clip low, high
    poor_share: float = 0.15  # mean registered-poor share
    poor_share_concentration: float = 40.0  # village poor share ~ Beta(p c, (1 - p) c)
    poor_exited_share: float = 0.97
    exit_years: tuple[int, ...] = (2016, 2017, 2018, 2019, 2020)
    exit_weights: tuple[float, ...] = (0.15, 0.20, 0.25, 0.25, 0.15)
    household_phone_share: float = 0.85
    # party members (党员)
    members_per_household: tuple[float, float] = (0.075, 0.11)  # uniform ratio per village
    members_bounds: tuple[int, int] = (15, 45)
    member_male_share: float = 0.72
    member_birth: tuple[float, float, int, int] = (1967.0, 13.0, 1940, 2000)
    join_age_gamma: tuple[float, float] = (2.0, 5.0)  # joined at 18 + Gamma(shape, scale) years
    last_join_year: int = 2020
    # cooperatives (合作社)
    cooperatives_extra_village: float = 1.6  # per village 1 + Poisson(this)
    cooperatives_community: float = 1.0  # per urban community Poisson(this)
    specialized_share: float = 0.70
    industry_weights: tuple[tuple[str, float], ...] = (
        ("tea", 0.17), ("vegetables", 0.20), ("fruit", 0.14), ("chinese_herbs", 0.12),
        ("edible_fungi", 0.13), ("poultry", 0.11), ("pigs", 0.13), ("cattle", 0.0),
    )
    industry_concentration: float = 20.0  # town industry mix ~ Dirichlet(concentration * weights)
    demo_point_share: float = 0.10  # 村社合一 demonstration points per village
    coop_joint_branch_share: float = 0.22  # cooperative joint branches per cooperative
    coop_joint_sizes: tuple[float, ...] = (0.30, 0.35, 0.20, 0.15)  # P(a branch runs 2, 3, 4, 5 cooperatives)
    coop_joint_members: tuple[int, int] = (3, 7)
    coop_joint_max_use: float = 0.90  # at most this share of a town's non-demo cooperatives in joint branches
    branch_coverage: float = 0.87  # share of non-demo cooperatives run by some branch
    led_by_share_village: float = 0.30  # cooperatives of a joint-village committee's villages it leads
    led_by_share_industry: float = 0.50  # cooperatives of an industry committee's industry and villages it leads
    led_only_min: int = 5  # at least this many cooperatives led only by a joint committee (no branch)
    chair_member_unrun: float = 0.20  # a cooperative run by no branch has a member as chair
    # joint committees (联合党委) and area general branches (片区党总支)
    joint_committee_kinds: tuple[str, ...] = ("joint_village", "industry")
    general_branches_per_committee: tuple[int, int] = (2, 4)
    industry_gb_cover_share: float = 0.70  # share of an industry committee's villages its general branches cover
    # industry party groups (产业党小组)
    industry_group_share: float = 0.20  # villages with cooperatives whose branch has an industry group
    group_members: tuple[int, int] = (3, 7)
    # companies (公司)
    companies: tuple[int, int] = (20, 40)
    company_branch_share: float = 0.40
    company_branch_members: tuple[int, int] = (3, 5)
    company_bases: tuple[int, int] = (1, 3)
    company_scale_factor: float = 3.0
    contracts_per_company: tuple[int, int] = (2, 8)
    order_contract_share: float = 0.80
    contract_years: tuple[int, int] = (2016, 2020)
    # bases (基地)
    bases_per_cooperative: tuple[float, ...] = (0.05, 0.72, 0.20, 0.03)  # P(0, 1, 2, 3 bases)
    base_other_village_share: float = 0.10  # a base lies in another village of the owner's town
    base_scale_median: tuple[tuple[str, float], ...] = (
        ("mu", 400.0), ("stick", 200_000.0), ("bird", 25_000.0), ("head", 3_000.0))
    # ^ median size of a base: planned mu for planting bases, standing sticks, birds and head otherwise
    base_scale_sigma: float = 0.90
    planted_share: tuple[float, float] = (0.60, 1.0)  # share of a planting base's planned mu planted (uniform)
    turnover: tuple[tuple[str, float, float], ...] = (("pigs", 1.4, 1.8), ("cattle", 0.35, 0.5))
    # ^ head marketed a year per head standing (uniform per base): the industries with an annual output
    base_link_share: tuple[float, float, float, float] = (0.95, 0.65, 1.0, 0.70)
    # ^ P(a base has linked members): cooperative run by a branch, cooperative not run, company with
    #   a branch, company without
    base_link_members: tuple[int, int] = (1, 3)
    # dam areas (坝区)
    dam_areas_per_town: float = 2.0  # dam areas with bases per town (when not targeted)
    dam_areas_without_bases: int = 3  # when the number of dam areas is not targeted
    dam_area_base_share: float = 0.15  # P(another planting base of a town lies in a dam area), per dam area
    # members drive households (党员带农户)
    poor_driven_share: float = 0.90
    nonpoor_driven_share: float = 0.60
    idle_member_share: float = 0.10
    drive_max: int = 10  # households one member drives at most
    drive_years: tuple[int, int] = (2015, 2020)
    # households join cooperatives
    join_share_poor: float = 0.55
    join_share_nonpoor: float = 0.30
    join_second_share: float = 0.15
    join_own_village_share: float = 0.80
    # employment at bases
    employment_year: int = 2020
    workers_per_base: float = 8.0  # Poisson mean for a base of median scale (grows with sqrt(scale))
    person_times_median: float = 12.0
    person_times_sigma: float = 0.70
    employ_own_village_share: float = 0.80
    # village shareholdings
    share_pct_demo: tuple[float, float] = (20.0, 60.0)
    share_prob_branch_run_specialized: float = 0.35
    share_prob_other: float = 0.05
    share_pct_cooperative: tuple[float, float] = (5.0, 40.0)
    share_pct_company: tuple[float, float] = (2.0, 15.0)
    share_prob_company: float = 0.30  # company without a branch has one village shareholder
    # work rules (工作制度) and meetings of party life (组织生活)
    other_work_rules: int = 6  # synthetic rules of kind other besides the nine the source names
    coop_rule_share: float = 0.90  # P(a cooperative's party organization adopted each of the four named rules)
    other_rule_share: float = 0.05  # P(it adopted each synthetic rule)
    rule_years: tuple[int, int] = (2018, 2020)  # year adopted, uniform
    meeting_year: int = 2020
    regular_branch_share: float = 0.85  # branches holding their activity day in every month of the year
    missed_month_share: float = 0.25  # P(another branch misses a given month's activity day; at least one)
    meeting_held_share: float = 0.95  # P(a due committee, group or quarterly meeting was held)
    committee_from: int = 7  # branches with at least this many members have a committee (支委会)
    attendance_share: float = 0.85  # P(a member attends a meeting)
    # village collective income (村集体经济收入)
    income_years: tuple[int, int] = (2016, 2021)
    baseline_year: int = 2017
    income_log_mean: float = 11.285
    income_town_sd: float = 0.35
    income_village_sd: float = 0.80
    income_year_town_sd: float = 0.05
    income_year_village_sd: float = 0.15
    income_growth: float = 0.10  # common log growth per year
    weak_below: int = 50_000
    strong_from: int = 200_000
    pairing_share: float = 0.60  # share of weak villages paired with a strong one
    cross_town_share: float = 0.15  # a weak village looks for a strong village across the town border
    pairing_since: int = 2018
    hub_capacity: tuple[float, ...] = (0.30, 0.25, 0.20, 0.15, 0.10)  # P(a strong village can lead 1..5)
    effect_noise: float = 0.25  # sd of the planted step, relative to the effect
    # collective income by source (村集体经济收入来源), the project's assumption throughout (docs/sample.md)
    source_years: tuple[int, int] = (2019, 2021)  # years with income-by-source rows
    payout_median_chain: float = 300_000.0  # profit a unit a party organization runs or leads pays out, first year
    payout_median_other: float = 150_000.0  # the same for any other cooperative or company
    payout_sd: float = 0.6  # log-sd of a unit's payout
    payout_growth_chain: float = 0.25  # growth a year of a chain unit's payout
    payout_growth_other: float = 0.03  # growth a year of any other unit's payout
    dividend_cap: float = 0.8  # dividends take at most this share of a village's income in a year
    source_alpha: tuple[float, float, float, float] = (3.0, 2.0, 2.5, 1.0)  # Dirichlet: rent, services, subsidy, other
    source_year_sd: float = 0.2  # log-sd of the yearly wobble of those shares


@dataclass(frozen=True, slots=True)
class CountyTargets:
    """Exact figures to reproduce; ``None`` (or empty) leaves the figure to the profile's distributions."""

    joint_committee_kinds: tuple[str, ...] | None = None
    general_branches: int | None = None
    cooperative_joint_branches: int | None = None
    demo_points: int | None = None
    dam_areas: int | None = None  # every dam area of the county
    dam_areas_with_bases: int | None = None
    scale_totals: tuple[tuple[str, int], ...] = ()  # unit → exact sum of bases.scale
    planned_totals: tuple[tuple[str, int], ...] = ()  # unit → exact sum of bases.planned_scale
    output_totals: tuple[tuple[str, int], ...] = ()  # unit → exact sum of bases.annual_output
    employment_person_times: int | None = None
