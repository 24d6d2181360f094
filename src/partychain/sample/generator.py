"""Synthetic county ledgers: one county's tables from its real divisions and a profile.

:func:`generate_county` draws every table of the ledger format for one county from its
division rows (real NBS names and codes) and a :class:`CountyProfile` of distribution
parameters. Optional :class:`CountyTargets` pin published figures exactly (the number of
cooperative joint branches, the sum of base scales per unit, ...): counts are drawn at
those sizes and sums are adjusted by largest-remainder rounding.

:class:`LedgerWriter` writes tables as ``NAME.csv`` and appends one county chunk after
another, so a province can be streamed county by county in bounded memory. Every id
embeds the county code (``HH-520628-000123``), so ids stay unique across counties.

All randomness comes from one ``numpy.random.Generator``; each step draws from its own
child generator (``Generator.spawn``), so a change in one step (e.g. the pairing effect)
leaves every other table byte-identical.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from partychain.errors import PartychainError

from .people import FAKE_REGION, draw_id_numbers, draw_names, draw_phones

log = logging.getLogger(__name__)

__all__ = [
    "INDUSTRIES",
    "PHASES",
    "TABLE_COLUMNS",
    "CountyDivisions",
    "CountyProfile",
    "CountyTargets",
    "Industry",
    "LedgerWriter",
    "SampleError",
    "SampleSummary",
    "bounded_allocation",
    "county_divisions",
    "generate_county",
    "industries_frame",
    "largest_remainder",
    "load_divisions",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

# --- the ledger format ------------------------------------------------------------

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "divisions": ("code", "name", "level", "parent_code", "kind"),
    "party_orgs": ("id", "name", "level", "kind", "parent_id", "seat_code", "covers", "secretary_id"),
    "industries": ("code", "name", "unit"),
    "dam_areas": ("id", "name", "town_code", "area_mu"),
    "cooperatives": ("id", "name", "kind", "village_code", "run_by", "led_by", "industry", "demo_point", "chair_id"),
    "companies": ("id", "name", "village_code", "run_by", "industry"),
    "contracts": ("company_id", "cooperative_id", "kind", "since"),
    "shareholdings": ("village_code", "holder_of", "pct"),
    "bases": ("id", "name", "owner_id", "village_code", "dam_area_id", "industry", "scale", "unit"),
    "members": ("id", "name", "gender", "birth_year", "joined_year", "org_id", "village_code", "roles", "phone"),
    "households": ("id", "head_name", "id_number", "village_code", "size", "poor", "poverty_exit_year", "phone"),
    "base_members": ("base_id", "member_id", "role"),
    "member_households": ("member_id", "household_id", "since"),
    "cooperative_households": ("cooperative_id", "household_id", "shares"),
    "employment": ("base_id", "household_id", "year", "person_times"),
    "pairings": ("strong_code", "weak_code", "since", "kind"),
    "village_income": ("village_code", "year", "collective_income"),
    "reported_figures": ("metric", "value", "unit", "scope_code", "as_of", "source_title", "publisher",
                         "source_url"),
}
"""Every table of the ledger with its columns, in file order."""

MEMBER_ROLES: tuple[str, ...] = ("lead_goose", "policy_publicist", "mediator", "patroller", "sanitation",
                                 "service", "entrepreneur", "grower")
_SERVICE_ROLES = (1, 2, 3, 4, 5)  # positions in MEMBER_ROLES of the five service roles


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry of the sample and the words used to name its cooperatives, bases and companies."""

    code: str
    name: str
    unit: str
    verb: str  # 种植 / 养殖, used in cooperative names
    base_word: str  # used in base names
    company_word: str  # used in company names ("" = the industry name + 开发)


INDUSTRIES: tuple[Industry, ...] = (
    Industry("tea", "茶叶", "mu", "种植", "种植基地", ""),
    Industry("vegetables", "蔬菜", "mu", "种植", "种植基地", ""),
    Industry("fruit", "精品水果", "mu", "种植", "种植基地", ""),
    Industry("chinese_herbs", "中药材", "mu", "种植", "种植基地", ""),
    Industry("edible_fungi", "食用菌", "stick", "种植", "生产基地", "菌业"),
    Industry("poultry", "生态家禽", "bird", "养殖", "养殖基地", "禽业"),
    Industry("pigs", "生猪", "head", "养殖", "养殖场", "牧业"),
    Industry("cattle", "牛", "head", "养殖", "养殖场", "牧业"),
)
_INDUSTRY = {i.code: i for i in INDUSTRIES}

PHASES: tuple[str, ...] = (
    "households", "members", "cooperatives", "organizations", "companies", "people", "bases",
    "dam_areas", "links", "incomes",
)
"""Generation steps of one county, in order (reported to the progress callback)."""


class SampleError(PartychainError):
    """A sample cannot be generated with the given profile or targets."""


@dataclass(frozen=True)
class SampleSummary:
    """What a sample run wrote: the folder, the seed, rows per table and the planted effect."""

    out_dir: Path
    seed: int
    rows: dict[str, int]
    pairing_effect: float


# --- profiles and targets -----------------------------------------------------------


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
    base_scale_sigma: float = 0.90
    base_link_share: tuple[float, float, float, float] = (0.95, 0.65, 1.0, 0.70)
    # ^ P(a base has linked members): cooperative run by a branch, cooperative not run, company with
    #   a branch, company without
    base_link_members: tuple[int, int] = (1, 3)
    # dam areas (坝区)
    dam_areas_per_town: float = 2.0  # dam areas with bases per town (when not targeted)
    dam_areas_without_bases: int = 3
    dam_area_base_share: float = 0.15  # P(another planting base of a town lies in a dam area), per dam area
    # members drive households (党员带农户)
    poor_driven_share: float = 0.90
    nonpoor_driven_share: float = 0.60
    idle_member_share: float = 0.10
    drive_bounds: tuple[int, int] = (3, 10)
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


@dataclass(frozen=True, slots=True)
class CountyTargets:
    """Exact figures to reproduce; ``None`` leaves the figure to the profile's distributions."""

    joint_committee_kinds: tuple[str, ...] | None = None
    general_branches: int | None = None
    cooperative_joint_branches: int | None = None
    demo_points: int | None = None
    dam_areas_with_bases: int | None = None
    scale_totals: tuple[tuple[str, int], ...] = ()  # unit → exact sum of base.scale
    employment_person_times: int | None = None


# --- divisions ------------------------------------------------------------------------


@functools.cache
def load_divisions() -> pd.DataFrame:
    """All divisions of Guizhou (package data; NBS codes as of 2022-10-31), as strings."""
    path = files("partychain.sample.data").joinpath("guizhou_divisions.csv")
    with path.open("rb") as f:
        frame = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame


@dataclass(frozen=True)
class CountyDivisions:
    """One county's division rows with derived names and kinds.

    ``towns``: code, name, kind. ``villages``: code, name, town (index into ``towns``),
    kind, short (白岩村 / 白岩社区), stem (白岩); both sorted by code.
    """

    code: str
    name: str
    parent_code: str
    towns: pd.DataFrame
    villages: pd.DataFrame

    @property
    def short_name(self) -> str:
        """The county name without its suffix (松桃苗族自治县 → 松桃)."""
        return county_short_name(self.name)


_ETHNIC = ("仡佬族", "布依族", "土家族", "苗族", "侗族", "水族", "彝族", "回族", "瑶族", "壮族")
_VILLAGE_SUFFIXES = (("社区居民委员会", "社区"), ("居民委员会", "社区"), ("居民委会员", "社区"),
                     ("村民委员会", "村"), ("村民委会员", "村"), ("村村委员会", "村"), ("村委会", "村"),
                     ("居委会", "社区"))


def county_short_name(name: str) -> str:
    """松桃苗族自治县 → 松桃; 道真仡佬族苗族自治县 → 道真; 湄潭县 → 湄潭."""
    cut = [name.find(e) for e in _ETHNIC if e in name]
    if cut and "自治" in name:
        return name[: min(cut)]
    for suffix in ("特区", "县", "市", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def village_kind(name: str) -> str:
    """``community`` for urban communities (社区, 居委会, 居民委员会), else ``village``."""
    return "community" if name.endswith(("社区", "居委会", "居民委员会")) or "社区居" in name else "village"


def town_kind(name: str) -> str:
    """``subdistrict`` (街道), ``township`` (乡) or ``town`` (镇 and anything else)."""
    if name.endswith("街道"):
        return "subdistrict"
    if name.endswith("乡"):
        return "township"
    return "town"


def _village_short(name: str) -> str:
    for suffix, rep in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return stem if stem.endswith(rep) else stem + rep
    return name


def _stem(short: str) -> str:
    for suffix in ("社区", "村"):
        if short.endswith(suffix) and len(short) > len(suffix):
            return short[: -len(suffix)]
    return short


def county_divisions(code: str, divisions: pd.DataFrame | None = None) -> CountyDivisions:
    """The division rows of county ``code`` (from the packaged Guizhou file by default)."""
    frame = load_divisions() if divisions is None else divisions
    county = frame[(frame["code"] == code) & (frame["level"] == "county")]
    if len(county) != 1:
        raise SampleError(f"no county with code {code!r} in the divisions")
    towns = frame[(frame["level"] == "town") & (frame["parent_code"] == code)].sort_values("code")
    towns = towns[["code", "name"]].reset_index(drop=True)
    towns["kind"] = towns["name"].map(town_kind)
    town_index = pd.Series(np.arange(len(towns)), index=towns["code"])
    vil = frame[(frame["level"] == "village") & frame["parent_code"].isin(towns["code"])].sort_values("code")
    villages = pd.DataFrame({
        "code": vil["code"].to_numpy(), "name": vil["name"].to_numpy(),
        "town": town_index.reindex(vil["parent_code"]).to_numpy(dtype=np.int64),
    })
    villages["kind"] = villages["name"].map(village_kind)
    villages["short"] = villages["name"].map(_village_short)
    villages["stem"] = villages["short"].map(_stem)
    if not len(villages):
        raise SampleError(f"county {code!r} has no villages in the divisions")
    row = county.iloc[0]
    return CountyDivisions(code=code, name=str(row["name"]), parent_code=str(row["parent_code"]),
                           towns=towns, villages=villages)


def industries_frame(codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The ``industries`` table (all industries of the sample, or those in ``codes``)."""
    keep = [i for i in INDUSTRIES if codes is None or i.code in set(codes)]
    return pd.DataFrame({"code": [i.code for i in keep], "name": [i.name for i in keep],
                         "unit": [i.unit for i in keep]})


# --- writing ----------------------------------------------------------------------------


def _cell_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Frame with exactly ``columns``; booleans become true/false, missing cells stay empty."""
    out = pd.DataFrame(index=frame.index)
    for c in columns:
        if c not in frame.columns:
            out[c] = ""
            continue
        s = frame[c]
        if s.dtype == bool:
            out[c] = np.where(s.to_numpy(), "true", "false")
        else:
            out[c] = s
    return out


class LedgerWriter:
    """Writes a ledger folder: one ``NAME.csv`` per table, header first, chunks appended.

    Opening truncates every table file of the ledger and writes its header row, so the
    folder always holds the complete set of tables; :meth:`append` adds a county chunk.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, int] = dict.fromkeys(TABLE_COLUMNS, 0)
        self._files: dict[str, IO[str]] = {}
        for name, cols in TABLE_COLUMNS.items():
            f = (self.out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
            f.write(",".join(cols) + "\n")
            self._files[name] = f

    def append(self, table: str, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (missing columns are written empty)."""
        if table not in self._files:
            raise SampleError(f"unknown ledger table {table!r}")
        if not len(frame):
            return
        cells = _cell_frame(frame, TABLE_COLUMNS[table])
        try:  # fast path: no value holds a comma, quote or line break, so nothing needs quoting
            buf = pa.BufferOutputStream()
            pa_csv.write_csv(pa.Table.from_pandas(cells, preserve_index=False), buf,
                             pa_csv.WriteOptions(include_header=False, quoting_style="none"))
            text = buf.getvalue().to_pybytes().decode("utf-8")
        except pa.ArrowInvalid:
            text = cells.to_csv(header=False, index=False, lineterminator="\n")
        self._files[table].write(text)
        self.rows[table] += len(frame)

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()

    def __enter__(self) -> LedgerWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


# --- integer helpers ---------------------------------------------------------------------


def largest_remainder(weights: npt.ArrayLike, total: int) -> IntArray:
    """Non-negative integers proportional to ``weights`` that sum exactly to ``total``.

    Each share is rounded down; the units left go to the largest fractional parts (ties
    to the earlier position), the largest-remainder (Hamilton) method.

    >>> largest_remainder([1, 1, 1], 10).tolist()
    [4, 3, 3]
    """
    w = np.asarray(weights, dtype=np.float64)
    if total < 0 or (w < 0).any():
        raise ValueError("total and weights must be non-negative")
    if total == 0 or not len(w):
        if total:
            raise ValueError("cannot allocate to no positions")
        return np.zeros(len(w), dtype=np.int64)
    if w.sum() <= 0:
        raise ValueError("weights sum to zero")
    q = w / w.sum() * total
    base: IntArray = np.floor(q).astype(np.int64)
    frac = q - base
    rest = int(total - base.sum())
    idx = np.arange(len(q))
    if rest > 0:
        order = np.lexsort((idx, -frac))
        base[order[:rest]] += 1
    elif rest < 0:  # floating error pushed the floors over the total
        order = np.lexsort((idx, frac))
        order = order[base[order] > 0]
        base[order[:-rest]] -= 1
    return base


def bounded_allocation(total: int, weights: npt.ArrayLike, lo: int | npt.ArrayLike,
                       hi: int | npt.ArrayLike) -> IntArray:
    """Integers in ``[lo, hi]`` (per position) summing to ``total``, the part above ``lo``
    roughly proportional to ``weights``.

    >>> bounded_allocation(12, [1, 1, 10], 2, 5).tolist()
    [4, 3, 5]
    """
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    low = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,)).copy()
    high = np.broadcast_to(np.asarray(hi, dtype=np.int64), (n,)).copy()
    if not low.sum() <= total <= high.sum():
        raise ValueError(f"cannot split {total} into {n} parts within the bounds")
    k = low
    extra = total - int(k.sum())
    while extra > 0:
        free = k < high
        fw = np.where(free, w, 0.0)
        if fw.sum() <= 0:
            fw = free.astype(np.float64)
        k = k + largest_remainder(fw, extra)
        over = np.maximum(k - high, 0)
        k = k - over
        extra = int(over.sum())
    return k


def exact_total(raw: npt.ArrayLike, total: int) -> IntArray:
    """Positive integers proportional to ``raw`` that sum exactly to ``total`` (each at least 1)."""
    r = np.asarray(raw, dtype=np.float64)
    if total < len(r):
        raise SampleError(f"cannot split {total} into {len(r)} positive parts")
    return 1 + largest_remainder(r, total - len(r))


def _ids(prefix: str, county: str, n: int, width: int, start: int = 1) -> ObjArray:
    nums = np.char.zfill(np.arange(start, start + n).astype(str), width)
    return np.char.add(f"{prefix}-{county}-", nums).astype(object)


def _groups(keys: IntArray, n_groups: int) -> tuple[IntArray, IntArray, IntArray]:
    """CSR index of ``keys``: (positions sorted by key, start per key, count per key)."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    counts = np.bincount(keys, minlength=n_groups).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return order, starts, counts


def _pick(rng: np.random.Generator, index: tuple[IntArray, IntArray, IntArray], groups: IntArray) -> IntArray:
    """One random element of each requested group (``-1`` where the group is empty)."""
    order, starts, counts = index
    c = counts[groups]
    r = np.minimum((rng.random(len(groups)) * c).astype(np.int64), np.maximum(c - 1, 0))
    pos = starts[groups] + r
    safe = np.minimum(pos, max(len(order) - 1, 0))
    return np.where(c > 0, order[safe] if len(order) else -1, -1).astype(np.int64)


def _ordinal(k: int) -> str:
    """'' for the first, 第二 … for later ones (names of several organizations in one village)."""
    numerals = "一二三四五六七八九十"
    return "" if k == 0 else f"第{numerals[k] if k < 10 else k + 1}"


def _join(codes: Iterable[str]) -> str:
    return ";".join(codes)


# --- one county -----------------------------------------------------------------------------


@dataclass
class _State:
    """Everything drawn so far for one county (arrays indexed by row position)."""

    div: CountyDivisions
    profile: CountyProfile
    targets: CountyTargets
    n_v: int
    n_t: int
    v_code: ObjArray
    v_town: IntArray
    v_comm: BoolArray
    id_region: str = FAKE_REGION  # region code of synthetic ID numbers
    # households
    h_village: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    h_poor: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    h_id: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    # members
    m_village: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    m_id: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    m_org: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    m_joined: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    m_chair: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    m_group: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    m_base: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    # cooperatives
    c_village: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    c_industry: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    c_kind: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    c_demo: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    c_id: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    c_run: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    c_led: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    c_chair: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # organizations: rows of party_orgs; branch structures kept for later steps
    orgs: list[dict[str, str]] = field(default_factory=list)
    vb_id: ObjArray = field(default_factory=lambda: np.zeros(0, object))  # village branch per village
    cj_coops: list[IntArray] = field(default_factory=list)  # cooperatives per joint branch
    cj_row: list[int] = field(default_factory=list)  # row in orgs per joint branch
    # companies
    k_village: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    k_industry: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    k_id: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    k_branch: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    k_branch_row: dict[int, int] = field(default_factory=dict)
    k_secretary: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    next_branch: int = 1
    industry_jc: tuple[int, str, BoolArray, IntArray] | None = None  # org row, industry, covers, gb row
    # bases
    b_village: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    b_unit: ObjArray = field(default_factory=lambda: np.zeros(0, object))
    b_owner_c: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # cooperative owner or -1
    b_owner_k: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # company owner or -1
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def county(self) -> str:
        return self.div.code


def _industry_weights(profile: CountyProfile) -> tuple[list[str], FloatArray]:
    codes = [c for c, w in profile.industry_weights if w > 0]
    w = np.array([w for _, w in profile.industry_weights if w > 0], dtype=np.float64)
    if not codes:
        raise SampleError("the profile gives no industry a positive weight")
    unknown = set(codes) - set(_INDUSTRY)
    if unknown:
        raise SampleError(f"unknown industries in the profile: {sorted(unknown)}")
    return codes, w / w.sum()


def _households(st: _State, rng: np.random.Generator) -> None:
    p = st.profile
    n_h = np.maximum(p.households_min, np.rint(rng.lognormal(np.log(p.households_median), p.households_sigma,
                                                             st.n_v))).astype(np.int64)
    village = np.repeat(np.arange(st.n_v), n_h)
    n = len(village)
    share = rng.beta(p.poor_share * p.poor_share_concentration,
                     (1 - p.poor_share) * p.poor_share_concentration, st.n_v)
    poor = rng.random(n) < share[village]
    size = np.minimum(1 + rng.poisson(p.household_extra_persons, n), 12)
    male = rng.random(n) < p.head_male_share
    mean, sd, lo, hi = p.head_birth
    birth = np.clip(np.rint(rng.normal(mean, sd, n)), lo, hi).astype(np.int64)
    names = draw_names(rng, male)
    id_numbers = draw_id_numbers(rng, birth, male, region=st.id_region)
    ew = np.asarray(p.exit_weights, dtype=np.float64)
    exit_year = np.asarray(p.exit_years, dtype=np.int64)[rng.choice(len(ew), size=n, p=ew / ew.sum())]
    exited = poor & (rng.random(n) < p.poor_exited_share)
    has_phone = rng.random(n) < p.household_phone_share
    phones = draw_phones(rng, n)
    st.h_village, st.h_poor = village, poor
    st.h_id = _ids("HH", st.county, n, 6)
    st.tables["households"] = pd.DataFrame({
        "id": st.h_id, "head_name": names.astype(object), "id_number": id_numbers.astype(object),
        "village_code": st.v_code[village], "size": size, "poor": poor,
        "poverty_exit_year": pd.Series(exit_year).where(exited).astype("Int64"),
        "phone": np.where(has_phone, phones, "").astype(object),
    })
    log.debug("county %s: %d households (%d poor)", st.county, n, int(poor.sum()))


def _members(st: _State, rng: np.random.Generator) -> None:
    p = st.profile
    n_h = np.bincount(st.h_village, minlength=st.n_v)
    ratio = rng.uniform(*p.members_per_household, st.n_v)
    n_m = np.clip(np.rint(n_h * ratio), *p.members_bounds).astype(np.int64)
    village = np.repeat(np.arange(st.n_v), n_m)
    n = len(village)
    male = rng.random(n) < p.member_male_share
    mean, sd, lo, hi = p.member_birth
    birth = np.clip(np.rint(rng.normal(mean, sd, n)), lo, hi).astype(np.int64)
    join_age = 18 + np.floor(rng.gamma(*p.join_age_gamma, n)).astype(np.int64)
    joined = np.minimum(birth + join_age, p.last_join_year)
    st.m_village = village
    st.m_id = _ids("PM", st.county, n, 5)
    st.m_joined = joined
    st.m_org = np.zeros(n, dtype=object)  # filled once the village branches exist
    st.m_chair = np.zeros(n, dtype=bool)
    st.m_group = np.zeros(n, dtype=bool)
    st.m_base = np.zeros(n, dtype=bool)
    st.tables["members"] = pd.DataFrame({
        "id": st.m_id, "name": draw_names(rng, male).astype(object),
        "gender": np.where(male, "male", "female").astype(object),
        "birth_year": birth, "joined_year": joined, "village_code": st.v_code[village],
        "phone": draw_phones(rng, n).astype(object),
    })


def _coop_name(county_short: str, stem: str, brand: str, ind: Industry, kind: str) -> str:
    word = "农民专业合作社" if kind == "specialized" else "农民合作社"
    return f"{county_short}{stem}{brand}{ind.name}{ind.verb}{word}"


_COOP_BRANDS = ("绿源", "丰收", "富民", "兴旺", "金穗", "惠农", "鑫源", "益农", "众诚", "同心", "聚富", "协力",
                "康达", "宏发", "顺达", "苗乡")


def _cooperatives(st: _State, rng: np.random.Generator) -> None:
    p = st.profile
    vil = st.div.villages
    n_c = np.where(st.v_comm, rng.poisson(p.cooperatives_community, st.n_v),
                   1 + rng.poisson(p.cooperatives_extra_village, st.n_v)).astype(np.int64)
    village = np.repeat(np.arange(st.n_v), n_c)
    n = len(village)
    codes, w = _industry_weights(p)
    town_mix = rng.dirichlet(w * p.industry_concentration, st.n_t)
    cum = np.cumsum(town_mix, axis=1)
    u = rng.random(n)
    ind_idx = np.minimum((cum[st.v_town[village]] < u[:, None]).sum(axis=1), len(codes) - 1)
    industry = np.array(codes, dtype=object)[ind_idx]
    kind = np.where(rng.random(n) < p.specialized_share, "specialized", "farmer").astype(object)
    # demonstration points (村社合一): the first cooperative of chosen villages (not urban communities first)
    first = np.flatnonzero(np.r_[True, village[1:] != village[:-1]]) if n else np.zeros(0, np.int64)
    n_demo = st.targets.demo_points if st.targets.demo_points is not None else \
        round(p.demo_point_share * st.n_v)
    rural = first[~st.v_comm[village[first]]]
    urban = first[st.v_comm[village[first]]]
    if n_demo > len(first):
        raise SampleError(f"{n_demo} demonstration points need as many villages with a cooperative")
    chosen = rng.choice(rural, size=min(n_demo, len(rural)), replace=False)
    if n_demo > len(rural):
        chosen = np.concatenate([chosen, rng.choice(urban, size=n_demo - len(rural), replace=False)])
    demo = np.zeros(n, dtype=bool)
    demo[chosen] = True
    kind[demo] = "farmer"
    brands = np.array(_COOP_BRANDS, dtype=object)[rng.integers(0, len(_COOP_BRANDS), n)]
    cs = st.div.short_name
    stems = vil["stem"].to_numpy(dtype=object)
    shorts = vil["short"].to_numpy(dtype=object)
    names = [f"{cs}{shorts[v]}股份经济合作社" if d else _coop_name(cs, stems[v], b, _INDUSTRY[i], k)
             for v, b, i, k, d in zip(village, brands, industry, kind, demo, strict=True)]
    st.c_village, st.c_industry, st.c_kind, st.c_demo = village, industry, kind, demo
    st.c_id = _ids("CO", st.county, n, 4)
    st.c_run = np.full(n, "", dtype=object)
    st.c_led = np.full(n, "", dtype=object)
    st.c_chair = np.full(n, -1, dtype=np.int64)
    st.tables["cooperatives"] = pd.DataFrame({"id": st.c_id, "name": np.array(names, dtype=object),
                                              "kind": kind, "village_code": st.v_code[village],
                                              "industry": industry, "demo_point": demo})


def _org(st: _State, **row: str) -> int:
    st.orgs.append({c: row.get(c, "") for c in TABLE_COLUMNS["party_orgs"]})
    return len(st.orgs) - 1


def _organizations(st: _State, rng: np.random.Generator) -> None:
    """Joint committees, general branches, village branches, cooperative joint branches; who runs what."""
    p, t = st.profile, st.targets
    vil, towns = st.div.villages, st.div.towns
    county, cs = st.county, st.div.short_name
    kinds = t.joint_committee_kinds if t.joint_committee_kinds is not None else p.joint_committee_kinds
    n_gb = t.general_branches if t.general_branches is not None else \
        int(sum(rng.integers(p.general_branches_per_committee[0], p.general_branches_per_committee[1] + 1)
                for _ in kinds))
    if n_gb and not kinds:
        raise SampleError("general branches need a joint committee to stand under")
    gb_per_jc = [len(a) for a in np.array_split(np.arange(n_gb), len(kinds))] if kinds else []
    town_sizes = np.bincount(st.v_town, minlength=st.n_t)
    rural_town = (towns["kind"] != "subdistrict").to_numpy()
    jc_ids = _ids("JC", county, len(kinds), 2)
    gb_counter = 0
    covered_by_village_jc = np.full(st.n_v, -1, dtype=np.int64)  # row of the covering general branch
    village_jc_of = np.full(st.n_v, -1, dtype=np.int64)  # row of the covering joint-village committee
    industry_jc: tuple[int, str, BoolArray, IntArray] | None = None  # row, industry, covers, gb row per village
    used_towns: set[int] = set()
    for j, kind in enumerate(kinds):
        g = gb_per_jc[j]
        if kind == "joint_village":
            w = np.where(rural_town, town_sizes, 0).astype(np.float64)
            for u in used_towns:
                w[u] = 0
            if w.sum() <= 0:
                w = town_sizes.astype(np.float64)
            seat = int(rng.choice(st.n_t, p=w / w.sum()))
            neighbour = (seat + 1) % st.n_t
            used_towns.update({seat, neighbour})
            cover = np.flatnonzero((st.v_town == seat) | (st.v_town == neighbour))
            row = _org(st, id=jc_ids[j], name=f"{towns['name'][seat]}联村党委", level="joint_committee",
                       kind="joint_village", seat_code=towns["code"][seat], covers=_join(st.v_code[cover]))
            village_jc_of[cover] = row
            for chunk in np.array_split(cover, g) if g else []:
                gb_counter += 1
                seat_v = int(chunk[0])
                gb_row = _org(st, id=f"GB-{county}-{gb_counter:02d}",
                              name=f"{towns['name'][st.v_town[seat_v]]}{vil['stem'][seat_v]}片区党总支",
                              level="general_branch", kind="area", parent_id=jc_ids[j],
                              seat_code=st.v_code[seat_v], covers=_join(st.v_code[chunk]))
                covered_by_village_jc[chunk] = gb_row
        elif kind == "industry":
            # the county's most common cooperative industry (ties: the alphabetically first code)
            ranked = sorted(Counter(st.c_industry).items(), key=lambda kv: (-kv[1], str(kv[0])))
            taken = {industry_jc[1]} if industry_jc else set()
            ind = next((str(i) for i, _ in ranked if i not in taken), str(ranked[0][0]))
            has = np.bincount(st.c_village[st.c_industry == ind], minlength=st.n_v) > 0
            per_town = np.bincount(st.v_town[has], minlength=st.n_t)
            k = max(2, g)
            top = np.argsort(-per_town, kind="stable")[:k]
            cover_mask = has & np.isin(st.v_town, top)
            cover = np.flatnonzero(cover_mask)
            seat = int(top[0])
            name = _INDUSTRY[ind].name
            row = _org(st, id=jc_ids[j], name=f"{cs}{name}产业党委", level="joint_committee", kind="industry",
                       seat_code=towns["code"][seat], covers=_join(st.v_code[cover]))
            gb_of = np.full(st.n_v, -1, dtype=np.int64)
            in_gb = np.sort(rng.choice(cover, size=round(p.industry_gb_cover_share * len(cover)), replace=False))
            for chunk in np.array_split(in_gb, g) if g else []:
                if not len(chunk):
                    continue
                gb_counter += 1
                seat_v = int(chunk[0])
                gb_row = _org(st, id=f"GB-{county}-{gb_counter:02d}",
                              name=f"{towns['name'][st.v_town[seat_v]]}{vil['stem'][seat_v]}{name}片区党总支",
                              level="general_branch", kind="area", parent_id=jc_ids[j],
                              seat_code=st.v_code[seat_v], covers=_join(st.v_code[chunk]))
                gb_of[chunk] = gb_row
            industry_jc = (row, ind, cover_mask, gb_of)
        else:
            raise SampleError(f"unknown joint committee kind {kind!r}")
    if gb_counter != n_gb:
        raise SampleError(f"could only place {gb_counter} of {n_gb} general branches")

    # village branches (one per village), under the area branch of a joint-village committee if any
    st.vb_id = _ids("BR", county, st.n_v, 4)
    town_names = towns["name"].to_numpy(dtype=object)
    shorts = vil["short"].to_numpy(dtype=object)
    for v in range(st.n_v):
        parent = st.orgs[covered_by_village_jc[v]]["id"] if covered_by_village_jc[v] >= 0 else ""
        _org(st, id=st.vb_id[v], name=f"{town_names[st.v_town[v]]}{shorts[v]}党支部", level="branch",
             kind="village", parent_id=parent, seat_code=st.v_code[v], covers=st.v_code[v])
    st.m_org = st.vb_id[st.m_village].copy()

    # cooperative joint branches: allocated to towns in proportion to their non-demo cooperatives
    nondemo = ~st.c_demo
    n_nd = int(nondemo.sum())
    n_cj = t.cooperative_joint_branches if t.cooperative_joint_branches is not None else \
        round(p.coop_joint_branch_share * len(st.c_id))
    sizes_p = np.asarray(p.coop_joint_sizes, dtype=np.float64)
    c_town = st.v_town[st.c_village]
    avail = np.bincount(c_town[nondemo], minlength=st.n_t)
    caps = np.floor(avail * p.coop_joint_max_use / 2).astype(np.int64)
    if n_cj > caps.sum():
        raise SampleError(f"{n_cj} cooperative joint branches need at least {2 * n_cj} non-demo cooperatives "
                          f"(have {n_nd})")
    per_town = bounded_allocation(n_cj, avail, 0, caps)
    cj_counts: dict[int, int] = {}
    next_br = st.n_v + 1
    for town in range(st.n_t):
        b = int(per_town[town])
        if not b:
            continue
        sizes = 2 + rng.choice(len(sizes_p), size=b, p=sizes_p / sizes_p.sum())
        limit = int(np.floor(avail[town] * p.coop_joint_max_use))
        while sizes.sum() > limit:
            big = np.flatnonzero(sizes > 2)
            sizes[big[rng.integers(0, len(big))]] -= 1
        pool = np.flatnonzero(nondemo & (c_town == town))
        chosen = np.sort(rng.choice(pool, size=int(sizes.sum()), replace=False))
        for chunk in np.split(chosen, np.cumsum(sizes)[:-1]):
            seat_v = int(st.c_village[chunk[0]])
            k = cj_counts.get(seat_v, 0)
            cj_counts[seat_v] = k + 1
            branch_id = f"BR-{county}-{next_br:04d}"
            next_br += 1
            main_ind = str(Counter(st.c_industry[chunk]).most_common(1)[0][0])
            parent = ""
            if industry_jc is not None and main_ind == industry_jc[1] and industry_jc[2][seat_v]:
                gb = industry_jc[3][seat_v]
                parent = st.orgs[gb]["id"] if gb >= 0 else st.orgs[industry_jc[0]]["id"]
            elif covered_by_village_jc[seat_v] >= 0:
                parent = st.orgs[covered_by_village_jc[seat_v]]["id"]
            elif village_jc_of[seat_v] >= 0:
                parent = st.orgs[village_jc_of[seat_v]]["id"]
            villages = np.unique(st.c_village[chunk])
            row = _org(st, id=branch_id, name=f"{town_names[town]}{shorts[seat_v]}{_ordinal(k)}合作社联合党支部",
                       level="branch", kind="cooperative_joint", parent_id=parent, seat_code=st.v_code[seat_v],
                       covers=_join(st.v_code[villages]))
            st.c_run[chunk] = branch_id
            st.cj_coops.append(chunk)
            st.cj_row.append(row)
    st.next_branch = next_br

    # demonstration points are run by their village branch (村社合一); other cooperatives up to the coverage
    st.c_run[st.c_demo] = st.vb_id[st.c_village[st.c_demo]]
    n_cj_run = int((st.c_run != "").sum() - st.c_demo.sum())
    rest = nondemo & (st.c_run == "")
    p_village = 0.0 if not rest.any() else \
        float(np.clip((p.branch_coverage * n_nd - n_cj_run) / rest.sum(), 0.0, 1.0))
    by_village = rest & (rng.random(len(st.c_id)) < p_village)
    st.c_run[by_village] = st.vb_id[st.c_village[by_village]]

    # joint committees lead cooperatives directly (联合党委+合作社)
    draw = rng.random(len(st.c_id))
    covered_vj = village_jc_of[st.c_village] >= 0
    led_vj = covered_vj & (draw < p.led_by_share_village)
    st.c_led[led_vj] = [st.orgs[r]["id"] for r in village_jc_of[st.c_village[led_vj]]]
    if industry_jc is not None:
        led_ind = (st.c_industry == industry_jc[1]) & industry_jc[2][st.c_village] & \
            (rng.random(len(st.c_id)) < p.led_by_share_industry)
        st.c_led[led_ind] = st.orgs[industry_jc[0]]["id"]
    # a few cooperatives no branch runs are led by a joint committee only
    jc_of_coop = np.full(len(st.c_id), "", dtype=object)
    jc_of_coop[covered_vj] = [st.orgs[r]["id"] for r in village_jc_of[st.c_village[covered_vj]]]
    if industry_jc is not None:
        ind_cov = industry_jc[2][st.c_village] & (jc_of_coop == "")
        jc_of_coop[ind_cov] = st.orgs[industry_jc[0]]["id"]
    unrun = (st.c_run == "") & (jc_of_coop != "")
    led_only = int(((st.c_run == "") & (st.c_led != "")).sum())
    missing = p.led_only_min - led_only
    if missing > 0:
        cand = np.flatnonzero(unrun & (st.c_led == ""))
        pick = rng.choice(cand, size=min(missing, len(cand)), replace=False)
        st.c_led[pick] = jc_of_coop[pick]
    st.industry_jc = industry_jc


_COMPANY_FIRST = "梵苗武黔盛润惠鑫禾瑞"
_COMPANY_SECOND = "山乡绿农华康益泰丰源"


def _companies(st: _State, rng: np.random.Generator) -> None:
    p = st.profile
    n = int(rng.integers(p.companies[0], p.companies[1] + 1))
    w = np.where(st.v_comm, 3.0, 1.0)
    village = rng.choice(st.n_v, size=n, p=w / w.sum())
    codes, iw = _industry_weights(p)
    industry = np.array(codes, dtype=object)[rng.choice(len(codes), size=n, p=iw)]
    brand_idx = rng.choice(len(_COMPANY_FIRST) * len(_COMPANY_SECOND), size=n,
                           replace=n > len(_COMPANY_FIRST) * len(_COMPANY_SECOND))
    cs = st.div.short_name
    names = []
    for b, ind in zip(brand_idx, industry, strict=True):
        spec = _INDUSTRY[ind]
        brand = _COMPANY_FIRST[b // len(_COMPANY_SECOND)] + _COMPANY_SECOND[b % len(_COMPANY_SECOND)]
        word = spec.company_word or f"{spec.name}开发"
        names.append(f"{cs}{brand}{word}有限公司")
    has_branch = rng.random(n) < p.company_branch_share
    if n and not has_branch.any():
        has_branch[0] = True
    st.k_village, st.k_industry = village, industry
    st.k_id = _ids("CP", st.county, n, 3)
    st.k_branch = np.full(n, "", dtype=object)
    nb = st.next_branch
    for i in np.flatnonzero(has_branch):
        bid = f"BR-{st.county}-{nb:04d}"
        nb += 1
        st.k_branch[i] = bid
        st.k_branch_row[int(i)] = _org(st, id=bid, name=f"{names[i]}党支部", level="branch", kind="company",
                                       seat_code=st.v_code[village[i]])
    st.tables["companies"] = pd.DataFrame({"id": st.k_id, "name": np.array(names, dtype=object),
                                           "village_code": st.v_code[village], "run_by": st.k_branch,
                                           "industry": industry})


class _Pool:
    """Members of each village in a random order; ``take`` hands out the next ones not yet placed."""

    def __init__(self, rng: np.random.Generator, village_of: IntArray, n_villages: int) -> None:
        perm = rng.permutation(len(village_of))
        self.order = perm[np.argsort(village_of[perm], kind="stable")]
        self.counts = np.bincount(village_of, minlength=n_villages)
        self.starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]])
        self.used = np.zeros(n_villages, dtype=np.int64)

    def take(self, v: int, k: int) -> list[int]:
        k = max(0, min(k, int(self.counts[v] - self.used[v])))
        s = int(self.starts[v] + self.used[v])
        self.used[v] += k
        return [int(x) for x in self.order[s:s + k]]


def _people(st: _State, rng: np.random.Generator) -> None:
    """Secretaries, chairs and the members of joint branches, company branches and industry groups."""
    p = st.profile
    pool = _Pool(rng, st.m_village, st.n_v)
    vb_rows = {st.orgs[i]["id"]: i for i in range(len(st.orgs)) if st.orgs[i]["kind"] == "village"}
    secretary = np.full(st.n_v, -1, dtype=np.int64)
    for v in range(st.n_v):
        got = pool.take(v, 1)
        if got:
            secretary[v] = got[0]
            st.orgs[vb_rows[st.vb_id[v]]]["secretary_id"] = st.m_id[got[0]]
    # cooperative joint branches: the chairs of its cooperatives plus members of their villages
    lo, hi = p.coop_joint_members
    for coops, row in zip(st.cj_coops, st.cj_row, strict=True):
        members: list[int] = []
        for c in coops:
            got = pool.take(int(st.c_village[c]), 1)
            if got:
                st.c_chair[c] = got[0]
                members.append(got[0])
        want = int(rng.integers(lo, hi + 1)) - len(members)
        villages = np.unique(st.c_village[coops])
        i = 0
        while want > 0 and i < 4 * len(villages) * hi:
            got = pool.take(int(villages[i % len(villages)]), 1)
            members.extend(got)
            want -= len(got)
            i += 1
        if members:
            st.m_org[members] = st.orgs[row]["id"]
            st.orgs[row]["secretary_id"] = st.m_id[members[0]]
    # company branches
    st.k_secretary = np.full(len(st.k_id), -1, dtype=np.int64)
    for k, row in st.k_branch_row.items():
        got = pool.take(int(st.k_village[k]), int(rng.integers(p.company_branch_members[0],
                                                               p.company_branch_members[1] + 1)))
        if got:
            st.m_org[got] = st.orgs[row]["id"]
            st.orgs[row]["secretary_id"] = st.m_id[got[0]]
            st.k_secretary[k] = got[0]
    # industry party groups inside village branches (村党支部+产业党小组)
    with_coops = np.unique(st.c_village)
    n_groups = round(p.industry_group_share * len(with_coops))
    group_villages = np.sort(rng.choice(with_coops, size=n_groups, replace=False))
    shorts = st.div.villages["short"].to_numpy(dtype=object)
    first_coop = {int(v): i for i, v in reversed(list(enumerate(st.c_village)))}
    for g, v in enumerate(group_villages):
        got = pool.take(int(v), int(rng.integers(p.group_members[0], p.group_members[1] + 1)))
        if not got:
            continue
        ind = _INDUSTRY[st.c_industry[first_coop[int(v)]]]
        gid = f"PG-{st.county}-{g + 1:04d}"
        _org(st, id=gid, name=f"{shorts[v]}{ind.name}产业党小组", level="group", kind="industry",
             parent_id=st.vb_id[v], seat_code=st.v_code[v], secretary_id=st.m_id[got[0]])
        st.m_org[got] = gid
        st.m_group[got] = True
    # chairs of cooperatives run by a village branch; demonstration points share the village leadership
    for c in np.flatnonzero(st.c_chair < 0):
        v = int(st.c_village[c])
        if st.c_demo[c]:
            st.c_chair[c] = secretary[v]
        elif st.c_run[c]:
            got = pool.take(v, 1)
            st.c_chair[c] = got[0] if got else secretary[v]
        elif rng.random() < p.chair_member_unrun:
            got = pool.take(v, 1)
            st.c_chair[c] = got[0] if got else -1
    st.m_chair[st.c_chair[st.c_chair >= 0]] = True
    # general branches and joint committees: headed by a village branch secretary of their area
    code_pos = {c: i for i, c in enumerate(st.v_code)}
    for o in st.orgs:
        if o["level"] in ("general_branch", "joint_committee") and o["covers"]:
            first_v = code_pos[o["covers"].split(";")[0]]
            if secretary[first_v] >= 0:
                o["secretary_id"] = st.m_id[secretary[first_v]]
    coop = st.tables["cooperatives"]
    coop["run_by"] = st.c_run
    coop["led_by"] = st.c_led
    coop["chair_id"] = np.where(st.c_chair >= 0, st.m_id[np.maximum(st.c_chair, 0)], "").astype(object)


def _bases(st: _State, rng: np.random.Generator) -> None:
    p = st.profile
    probs = np.asarray(p.bases_per_cooperative, dtype=np.float64)
    n_per = rng.choice(len(probs), size=len(st.c_id), p=probs / probs.sum())
    owner_c = np.repeat(np.arange(len(st.c_id)), n_per)
    lo, hi = p.company_bases
    n_kb = rng.integers(lo, hi + 1, len(st.k_id))
    owner_k = np.repeat(np.arange(len(st.k_id)), n_kb)
    owner_id = np.concatenate([st.c_id[owner_c], st.k_id[owner_k]]).astype(object)
    home = np.concatenate([st.c_village[owner_c], st.k_village[owner_k]]).astype(np.int64)
    industry = np.concatenate([st.c_industry[owner_c], st.k_industry[owner_k]]).astype(object)
    company = np.r_[np.zeros(len(owner_c), bool), np.ones(len(owner_k), bool)]
    n = len(owner_id)
    # some bases lie in another village of the owner's town
    elsewhere = rng.random(n) < p.base_other_village_share
    town_index = _groups(st.v_town, st.n_t)
    other = _pick(rng, town_index, st.v_town[home])
    village = np.where(elsewhere & (other >= 0), other, home)
    unit = np.array([_INDUSTRY[i].unit for i in industry], dtype=object)
    median = dict(p.base_scale_median)
    med = np.array([median[u] for u in unit], dtype=np.float64)
    raw = med * rng.lognormal(0.0, p.base_scale_sigma, n) * np.where(company, p.company_scale_factor, 1.0)
    scale = np.maximum(1, np.rint(raw)).astype(np.int64)
    for u, total in st.targets.scale_totals:
        sel = unit == u
        if not sel.any():
            raise SampleError(f"no base of unit {u!r} to carry the published total {total}")
        scale[sel] = exact_total(raw[sel], total)
    vil = st.div.villages
    shorts = vil["short"].to_numpy(dtype=object)
    stem_names = [f"{shorts[v]}{_INDUSTRY[i].name}{_INDUSTRY[i].base_word}" for v, i in
                  zip(village, industry, strict=True)]
    dup = pd.Series(stem_names).groupby(stem_names, sort=False).cumcount().to_numpy()
    names = [s if k == 0 else f"{s}（{k + 1}）" for s, k in zip(stem_names, dup, strict=True)]
    ids = _ids("BS", st.county, n, 5)
    st.tables["bases"] = pd.DataFrame({"id": ids, "name": np.array(names, dtype=object), "owner_id": owner_id,
                                       "village_code": st.v_code[village], "dam_area_id": "",
                                       "industry": industry, "scale": scale, "unit": unit})
    st.b_village = village.astype(np.int64)
    st.b_unit = unit
    st.b_owner_c = np.r_[owner_c, np.full(len(owner_k), -1)].astype(np.int64)
    st.b_owner_k = np.r_[np.full(len(owner_c), -1), owner_k].astype(np.int64)


def _dam_areas(st: _State, rng: np.random.Generator) -> None:
    p = st.profile
    bases = st.tables["bases"]
    b_village = st.b_village
    mu = np.flatnonzero(st.b_unit == "mu")
    b_town = st.v_town[b_village]
    mu_per_town = np.bincount(b_town[mu], minlength=st.n_t)
    n_with = st.targets.dam_areas_with_bases if st.targets.dam_areas_with_bases is not None else \
        round(p.dam_areas_per_town * int((mu_per_town > 0).sum()))
    if n_with > len(mu):
        raise SampleError(f"{n_with} dam areas with bases need as many planting bases (have {len(mu)})")
    towns, vil = st.div.towns, st.div.villages
    rural_w = np.where((towns["kind"] == "subdistrict").to_numpy(), 0.3, 1.0)  # few dam areas in subdistricts
    per_town = bounded_allocation(n_with, mu_per_town * rural_w, 0, mu_per_town) if n_with else \
        np.zeros(st.n_t, np.int64)
    stems = vil["stem"].to_numpy(dtype=object)
    rows: list[dict[str, Any]] = []
    dam = np.full(len(bases), -1, dtype=np.int64)  # row in ``rows`` of each base's dam area
    scale = bases["scale"].to_numpy(dtype=np.float64)
    rural = np.flatnonzero((towns["kind"] != "subdistrict").to_numpy())
    extra_towns = rng.choice(rural if len(rural) else np.arange(st.n_t), size=p.dam_areas_without_bases)
    extra_per_town = np.bincount(extra_towns, minlength=st.n_t)
    for t in range(st.n_t):
        d, e = int(per_town[t]), int(extra_per_town[t])
        if not d and not e:
            continue
        in_town = rng.permutation(mu[b_town[mu] == t])
        first_ids = []
        names_used: dict[str, int] = {}
        for j in range(d + e):
            anchor = int(b_village[in_town[j]]) if j < d else int(rng.choice(np.flatnonzero(st.v_town == t)))
            base_name = f"{towns['name'][t]}{stems[anchor]}坝区"
            k = names_used.get(base_name, 0)
            names_used[base_name] = k + 1
            rows.append({"id": "", "name": base_name if k == 0 else f"{towns['name'][t]}{stems[anchor]}{k + 1}号坝区",
                         "town_code": towns["code"][t], "_town": t, "_active": j < d})
            first_ids.append(len(rows) - 1)
        if d:
            active = first_ids[:d]
            assign = np.full(len(in_town), -1, dtype=np.int64)
            assign[:d] = np.arange(d)
            rest = rng.random(len(in_town) - d) < 1.0 - (1.0 - p.dam_area_base_share) ** d
            assign[d:] = np.where(rest, rng.integers(0, d, len(in_town) - d), -1)
            for b, a in zip(in_town, assign, strict=True):
                if a >= 0:
                    dam[b] = active[a]
    ids = _ids("DA", st.county, len(rows), 3)
    for i, r in enumerate(rows):
        r["id"] = ids[i]
    mapped = np.where(dam >= 0, ids[np.maximum(dam, 0)], "").astype(object)
    bases["dam_area_id"] = mapped
    area = np.zeros(len(rows), dtype=np.float64)
    if rows:
        in_da = mapped != ""
        sums = pd.Series(scale[in_da]).groupby(mapped[in_da]).sum()
        for i, r in enumerate(rows):
            planted = float(sums.get(r["id"], 0.0))
            area[i] = max(500.0, planted * rng.uniform(1.1, 1.6)) if r["_active"] else 500.0 + float(
                rng.lognormal(np.log(600.0), 0.6))
    st.tables["dam_areas"] = pd.DataFrame({
        "id": [r["id"] for r in rows], "name": [r["name"] for r in rows],
        "town_code": [r["town_code"] for r in rows],
        "area_mu": (np.ceil(area / 10) * 10).astype(np.int64),
    })


def _base_members(st: _State, rng: np.random.Generator) -> None:
    """Bases linked to members (基地联党员): the owner's chair or company secretary first."""
    p = st.profile
    bases = st.tables["bases"]
    n = len(bases)
    oc, ok = st.b_owner_c, st.b_owner_k
    run = np.zeros(n, dtype=bool)
    run[oc >= 0] = st.c_run[oc[oc >= 0]] != ""
    branch = np.zeros(n, dtype=bool)
    branch[ok >= 0] = st.k_branch[ok[ok >= 0]] != ""
    p_run, p_unrun, p_branch, p_company = p.base_link_share
    prob = np.where(oc >= 0, np.where(run, p_run, p_unrun), np.where(branch, p_branch, p_company))
    linked = rng.random(n) < prob
    lo, hi = p.base_link_members
    k = rng.integers(lo, hi + 1, n)
    m_index = _groups(st.m_village, st.n_v)
    cand = _pick(rng, m_index, np.repeat(st.b_village, hi)).reshape(n, hi)
    extra_role = rng.random((n, hi)) < 0.5
    b_ids = bases["id"].to_numpy(dtype=object)
    out_b: list[str] = []
    out_m: list[str] = []
    out_r: list[str] = []
    for b in np.flatnonzero(linked):
        first = -1
        if oc[b] >= 0:
            first = int(st.c_chair[oc[b]])
        elif branch[b]:
            first = int(st.k_secretary[ok[b]])
        chosen: list[int] = [first] if first >= 0 else []
        for m in cand[b]:
            if len(chosen) >= k[b]:
                break
            if m >= 0 and m not in chosen:
                chosen.append(int(m))
        for j, m in enumerate(chosen):
            out_b.append(b_ids[b])
            out_m.append(st.m_id[m])
            out_r.append("lead" if j == 0 else ("technician" if extra_role[b, j] else "liaison"))
            st.m_base[m] = True
    st.tables["base_members"] = pd.DataFrame({"base_id": np.array(out_b, dtype=object),
                                              "member_id": np.array(out_m, dtype=object),
                                              "role": np.array(out_r, dtype=object)})


def _member_households(st: _State, rng: np.random.Generator) -> None:
    """Members drive 3–10 households of their village each, poor households first (党员带农户)."""
    p = st.profile
    lo, hi = p.drive_bounds
    h_index = _groups(st.h_village, st.n_v)
    m_index = _groups(st.m_village, st.n_v)
    idle = rng.random(len(st.m_id)) < p.idle_member_share
    out_m: list[IntArray] = []
    out_h: list[IntArray] = []
    for v in range(st.n_v):
        hs = h_index[0][h_index[1][v]:h_index[1][v] + h_index[2][v]]
        ms = m_index[0][m_index[1][v]:m_index[1][v] + m_index[2][v]]
        active = ms[~idle[ms]]
        if not len(active) or not len(hs):
            continue
        poor = hs[st.h_poor[hs]]
        rich = hs[~st.h_poor[hs]]
        need_p = int(rng.binomial(len(poor), p.poor_driven_share))
        need_r = int(rng.binomial(len(rich), p.nonpoor_driven_share))
        cap = hi * len(active)
        need_p = min(need_p, cap)
        need_r = min(need_r, cap - need_p)
        need = need_p + need_r
        if need < lo * len(active):
            active = active[: max(1, need // lo)]
            if need < lo:
                need_r = 0
                need_p = min(need_p, need)
                need = need_p
        if not need:
            continue
        counts = bounded_allocation(need, rng.gamma(2.0, 1.0, len(active)), min(lo, need), hi)
        households = np.concatenate([rng.choice(poor, size=need_p, replace=False),
                                     rng.choice(rich, size=need_r, replace=False)])
        slots = rng.permutation(np.repeat(active, counts))
        out_m.append(slots)
        out_h.append(households)
    mm = np.concatenate(out_m) if out_m else np.zeros(0, np.int64)
    hh = np.concatenate(out_h) if out_h else np.zeros(0, np.int64)
    order = np.lexsort((hh, mm))
    mm, hh = mm[order], hh[order]
    start = rng.integers(p.drive_years[0], p.drive_years[1] + 1, len(mm))
    since = np.maximum(start, st.m_joined[mm])
    st.tables["member_households"] = pd.DataFrame({"member_id": st.m_id[mm], "household_id": st.h_id[hh],
                                                   "since": since})


def _cooperative_households(st: _State, rng: np.random.Generator) -> None:
    """Households join cooperatives of their village (or town), poor households more often."""
    p = st.profile
    n = len(st.h_id)
    joins = rng.random(n) < np.where(st.h_poor, p.join_share_poor, p.join_share_nonpoor)
    second = joins & (rng.random(n) < p.join_second_share)
    c_by_village = _groups(st.c_village, st.n_v)
    c_town = st.v_town[st.c_village]
    c_by_town = _groups(c_town, st.n_t)
    hh = np.concatenate([np.flatnonzero(joins), np.flatnonzero(second)])
    own = np.r_[rng.random(int(joins.sum())) < p.join_own_village_share, np.zeros(int(second.sum()), bool)]
    in_village = _pick(rng, c_by_village, st.h_village[hh])
    in_town = _pick(rng, c_by_town, st.v_town[st.h_village[hh]])
    coop = np.where(own & (in_village >= 0), in_village, in_town)
    keep = coop >= 0
    frame = pd.DataFrame({"c": coop[keep], "h": hh[keep]}).drop_duplicates().sort_values(["c", "h"])
    shares = np.maximum(1, np.rint(rng.lognormal(np.log(3.0), 0.6, len(frame)))).astype(np.int64)
    shares = shares + np.where(st.h_poor[frame["h"].to_numpy()], 2, 0)
    st.tables["cooperative_households"] = pd.DataFrame({
        "cooperative_id": st.c_id[frame["c"].to_numpy()], "household_id": st.h_id[frame["h"].to_numpy()],
        "shares": shares})


def _employment(st: _State, rng: np.random.Generator) -> None:
    """Households employed at bases in one year; person-times adjusted to the published total."""
    p = st.profile
    bases = st.tables["bases"]
    scale = bases["scale"].to_numpy(dtype=np.float64)
    median = dict(p.base_scale_median)
    med = np.array([median[u] for u in st.b_unit], dtype=np.float64)
    lam = np.clip(p.workers_per_base * np.sqrt(scale / med), 1.0, 60.0)
    workers = 1 + rng.poisson(lam)
    b = np.repeat(np.arange(len(bases)), workers)
    village = st.b_village[b]
    h_by_village = _groups(st.h_village, st.n_v)
    h_by_town = _groups(st.v_town[st.h_village], st.n_t)
    own = rng.random(len(b)) < p.employ_own_village_share
    first = np.where(own, _pick(rng, h_by_village, village), _pick(rng, h_by_town, st.v_town[village]))
    second = np.where(own, _pick(rng, h_by_village, village), _pick(rng, h_by_town, st.v_town[village]))
    # poor households first: of two candidates, a poor one is taken
    hh = np.where(~st.h_poor[first] & (second >= 0) & st.h_poor[np.maximum(second, 0)], second, first)
    frame = pd.DataFrame({"b": b, "h": hh})
    frame = frame[frame["h"] >= 0].drop_duplicates().sort_values(["b", "h"])
    raw = rng.lognormal(np.log(p.person_times_median), p.person_times_sigma, len(frame))
    target = st.targets.employment_person_times
    person_times = exact_total(raw, target) if target is not None else \
        np.maximum(1, np.rint(raw)).astype(np.int64)
    st.tables["employment"] = pd.DataFrame({
        "base_id": bases["id"].to_numpy(dtype=object)[frame["b"].to_numpy()],
        "household_id": st.h_id[frame["h"].to_numpy()], "year": p.employment_year,
        "person_times": person_times})


def _shareholdings_contracts(st: _State, rng: np.random.Generator) -> None:
    """Village collectives' shares in cooperatives and companies; company–cooperative contracts."""
    p = st.profile
    n_c = len(st.c_id)
    run_spec = (st.c_run != "") & ~st.c_demo & (st.c_kind == "specialized")
    u = rng.random(n_c)
    holds = st.c_demo | (run_spec & (u < p.share_prob_branch_run_specialized)) | \
        (~st.c_demo & ~run_spec & (u < p.share_prob_other))
    pct = np.where(st.c_demo, rng.uniform(*p.share_pct_demo, n_c), rng.uniform(*p.share_pct_cooperative, n_c))
    rows_v: list[str] = list(st.v_code[st.c_village[holds]])
    rows_h: list[str] = list(st.c_id[holds])
    rows_p: list[float] = list(np.round(pct[holds], 1))
    town_index = _groups(st.v_town, st.n_t)
    for k in range(len(st.k_id)):
        v = int(st.k_village[k])
        if st.k_branch[k]:
            n = int(rng.integers(1, 4))
            others = _pick(rng, town_index, np.full(n - 1, st.v_town[v]))
            villages = list(dict.fromkeys([v, *[int(x) for x in others if x >= 0]]))
        elif rng.random() < p.share_prob_company:
            villages = [v]
        else:
            villages = []
        for x in villages:
            rows_v.append(st.v_code[x])
            rows_h.append(st.k_id[k])
            rows_p.append(round(float(rng.uniform(*p.share_pct_company)), 1))
    st.tables["shareholdings"] = pd.DataFrame({"village_code": np.array(rows_v, dtype=object),
                                               "holder_of": np.array(rows_h, dtype=object), "pct": rows_p})
    # contracts: cooperatives of the company's industry, same town first
    c_town = st.v_town[st.c_village]
    out: list[tuple[str, str, str, int]] = []
    lo, hi = p.contracts_per_company
    for k in range(len(st.k_id)):
        want = int(rng.integers(lo, hi + 1))
        t = st.v_town[st.k_village[k]]
        same_ind = st.c_industry == st.k_industry[k]
        tiers = [np.flatnonzero(same_ind & (c_town == t)), np.flatnonzero(same_ind & (c_town != t)),
                 np.flatnonzero(~same_ind)]
        chosen: list[int] = []
        for tier in tiers:
            if len(chosen) >= want:
                break
            take = rng.permutation(tier)[: want - len(chosen)]
            chosen.extend(int(c) for c in take)
        for c in sorted(chosen):
            kind = "order" if rng.random() < p.order_contract_share else "purchase"
            out.append((st.k_id[k], st.c_id[c], kind,
                        int(rng.integers(p.contract_years[0], p.contract_years[1] + 1))))
    st.tables["contracts"] = pd.DataFrame(out, columns=list(TABLE_COLUMNS["contracts"]))


def _roles(st: _State, rng: np.random.Generator) -> ObjArray:
    """Each member's roles (``;``-list in the fixed order of MEMBER_ROLES)."""
    n = len(st.m_id)
    r = rng.random((n, len(MEMBER_ROLES)))
    has = np.zeros((n, len(MEMBER_ROLES)), dtype=bool)
    has[:, 0] = r[:, 0] < np.where(st.m_chair | st.m_base, 0.7, 0.03)
    for j in _SERVICE_ROLES:
        has[:, j] = r[:, j] < 0.18
    has[:, 6] = r[:, 6] < np.where(st.m_chair, 0.3, 0.04)
    has[:, 7] = r[:, 7] < np.where(st.m_group, 0.5, np.where(st.m_base, 0.4, 0.08))
    roles = np.array(MEMBER_ROLES, dtype=object)
    return np.array([";".join(roles[row]) for row in has], dtype=object)


def _pairings(rng: np.random.Generator, town: IntArray, weak: BoolArray, strong: BoolArray,
              profile: CountyProfile) -> list[tuple[int, int]]:
    """Strong villages leading weak ones, chosen from baseline data only.

    ``round(pairing_share * weak)`` weak villages are paired, ``round(cross_town_share * that)``
    of them across a town border. Weak villages are visited in a random order that puts
    villages whose town has a strong village first. A first pass pairs them with a strong
    village of their own town, a second pass pairs still unpaired ones with a strong village
    of another town (and fills up if the towns ran out of strong villages). Each strong
    village can lead 1–5 weak villages (drawn from ``hub_capacity``) and is chosen in
    proportion to its remaining capacity, so hubs emerge.
    """
    w_idx = np.flatnonzero(weak)
    s_idx = np.flatnonzero(strong)
    if not len(w_idx) or not len(s_idx):
        return []
    n_pair = round(profile.pairing_share * len(w_idx))
    n_within = n_pair - round(profile.cross_town_share * n_pair)
    cap_p = np.asarray(profile.hub_capacity, dtype=np.float64)
    remaining = 1 + rng.choice(len(cap_p), size=len(s_idx), p=cap_p / cap_p.sum())
    strong_towns = np.isin(town[w_idx], town[s_idx])
    order = w_idx[np.argsort(rng.random(len(w_idx)) + np.where(strong_towns, 0.0, 0.6), kind="stable")]
    pick = rng.random((2, len(order)))
    s_town = town[s_idx]
    paired: dict[int, int] = {}
    for rounds, (same_town, limit) in enumerate(((True, n_within), (False, n_pair))):
        for i, v in enumerate(order):
            if len(paired) >= limit:
                break
            if v in paired:
                continue
            cand = ((s_town == town[v]) if same_town else (s_town != town[v])) & (remaining > 0)
            if not cand.any():
                continue
            w = np.where(cand, remaining, 0).astype(np.float64)
            j = min(int(np.searchsorted(np.cumsum(w) / w.sum(), pick[rounds, i], side="right")), len(w) - 1)
            remaining[j] -= 1
            paired[int(v)] = int(s_idx[j])
    return sorted((s, w) for w, s in paired.items())


def _incomes(st: _State, rngs: Sequence[np.random.Generator], pairing_effect: float) -> None:
    """Collective income per village and year, pairings, and the planted pairing effect.

    log y0[v,t] = m + a[town] + b[v] + g (t - baseline) + u[town,t] + e[v,t]  (all normal)
    y[v,t] = round(exp(log y0)) + paired[v] * [t >= since] * round(max(0, effect (1 + s z[v,t])))
    """
    p = st.profile
    r_level, r_pair, r_effect = rngs
    years = np.arange(p.income_years[0], p.income_years[1] + 1)
    if p.baseline_year not in years:
        raise SampleError("the baseline year must be one of the income years")
    a = r_level.normal(0.0, p.income_town_sd, st.n_t)
    b = r_level.normal(0.0, p.income_village_sd, st.n_v)
    u = r_level.normal(0.0, p.income_year_town_sd, (st.n_t, len(years)))
    e = r_level.normal(0.0, p.income_year_village_sd, (st.n_v, len(years)))
    log_y = (p.income_log_mean + a[st.v_town][:, None] + b[:, None]
             + p.income_growth * (years - p.baseline_year)[None, :] + u[st.v_town] + e)
    y0 = np.rint(np.exp(log_y)).astype(np.int64)
    baseline = y0[:, int(np.flatnonzero(years == p.baseline_year)[0])]
    weak = baseline < p.weak_below
    strong = baseline >= p.strong_from
    pairs = _pairings(r_pair, st.v_town, weak, strong, p)
    paired = np.zeros(st.n_v, dtype=bool)
    for _, w in pairs:
        paired[w] = True
    z = r_effect.normal(0.0, 1.0, (st.n_v, len(years)))
    bump = np.rint(np.maximum(0.0, pairing_effect * (1.0 + p.effect_noise * z))).astype(np.int64)
    y = y0 + bump * (paired[:, None] & (years >= p.pairing_since)[None, :])
    st.tables["village_income"] = pd.DataFrame({
        "village_code": np.repeat(st.v_code, len(years)), "year": np.tile(years, st.n_v),
        "collective_income": y.reshape(-1)})
    st.tables["pairings"] = pd.DataFrame({
        "strong_code": np.array([st.v_code[s] for s, _ in pairs], dtype=object),
        "weak_code": np.array([st.v_code[w] for _, w in pairs], dtype=object),
        "since": p.pairing_since, "kind": "strong_weak"})


def _divisions_frame(div: CountyDivisions) -> pd.DataFrame:
    towns, vil = div.towns, div.villages
    return pd.DataFrame({
        "code": [div.code, *towns["code"], *vil["code"]],
        "name": [div.name, *towns["name"], *vil["name"]],
        "level": ["county"] + ["town"] * len(towns) + ["village"] * len(vil),
        "parent_code": [div.parent_code, *[div.code] * len(towns), *towns["code"].to_numpy()[vil["town"]]],
        "kind": ["county", *towns["kind"], *vil["kind"]],
    })


def generate_county(div: CountyDivisions, profile: CountyProfile, rng: np.random.Generator, *,
                    targets: CountyTargets | None = None, pairing_effect: float = 40_000.0,
                    on_step: Callable[[str], None] | None = None,
                    id_region: str = FAKE_REGION) -> dict[str, pd.DataFrame]:
    """Every table of one county's ledger (all but ``industries`` and ``reported_figures``).

    Args:
        div: the county's divisions (:func:`county_divisions`).
        profile: distribution parameters.
        rng: the generator all draws come from; each step uses its own child generator.
        targets: figures to reproduce exactly.
        pairing_effect: yuan added to each paired weak village's income from the pairing year on.
        on_step: called with each name of :data:`PHASES` once that step is done.
        id_region: the six-digit (non-existent) region code of households' ID numbers; ID numbers
            are unique within one call, so a province gives each county its own region.

    Returns:
        table name → frame with the columns of :data:`TABLE_COLUMNS` (bools as bool).
    """
    vil = div.villages
    st = _State(div=div, profile=profile, targets=targets or CountyTargets(), n_v=len(vil), n_t=len(div.towns),
                v_code=vil["code"].to_numpy(dtype=object), v_town=vil["town"].to_numpy(dtype=np.int64),
                v_comm=(vil["kind"] == "community").to_numpy(), id_region=id_region)
    streams = rng.spawn(17)

    def done(step: str) -> None:
        log.debug("county %s: %s done", div.code, step)
        if on_step is not None:
            on_step(step)

    _households(st, streams[0])
    done("households")
    _members(st, streams[1])
    done("members")
    _cooperatives(st, streams[2])
    done("cooperatives")
    _organizations(st, streams[3])
    done("organizations")
    _companies(st, streams[4])
    done("companies")
    _people(st, streams[5])
    done("people")
    _bases(st, streams[6])
    done("bases")
    _dam_areas(st, streams[7])
    done("dam_areas")
    _base_members(st, streams[8])
    _member_households(st, streams[9])
    _cooperative_households(st, streams[10])
    _employment(st, streams[11])
    _shareholdings_contracts(st, streams[12])
    members = st.tables["members"]
    members["org_id"] = st.m_org
    members["roles"] = _roles(st, streams[13])
    done("links")
    _incomes(st, streams[14:17], pairing_effect)
    done("incomes")
    st.tables["divisions"] = _divisions_frame(div)
    st.tables["party_orgs"] = pd.DataFrame(st.orgs, columns=list(TABLE_COLUMNS["party_orgs"]))
    st.tables["industries"] = industries_frame([])
    st.tables["reported_figures"] = pd.DataFrame(columns=list(TABLE_COLUMNS["reported_figures"]))
    return {name: st.tables[name] for name in TABLE_COLUMNS}
