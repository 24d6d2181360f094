"""The income panel the pairing estimators read: villages × years, independent of where it comes from.

A :class:`PairingPanel` holds three tables and the class rule:

* ``income`` — one row per village (index: village code), one column per year (int), yuan of
  collective income (村级集体经济收入) as floats, NaN where the ledger has no figure;
* ``villages`` — one row per village (index: code) with ``town_code``, ``county_code``,
  ``kind`` (``'village'`` 村 or ``'community'`` 社区) and optionally ``name``, ``town_name``
  and numeric covariates (households, coverage shares, ...) for balance tables;
* ``pairings`` — one row per pairing (强村带弱村): ``strong_code``, ``weak_code``, ``since``
  (first year, int);
* ``selection_year`` — the year whose income sets a village's class; ``weak_below`` and
  ``strong_from`` — the class thresholds in yuan.

:func:`panel_from_graph` builds one from a pairing graph
(:func:`~partychain.analysis.projections.pairing_graph`); :func:`panel_from_frames` from plain
tables, e.g. several ledger years kept as dataset versions (the simulations of
:mod:`partychain.analysis.simulate` build the same tables directly). ``label`` says what the data
are (for a synthetic sample: what was planted), so that every table and chart made from them can
say so.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from partychain.errors import InvalidArgument
from partychain.storage.base import GraphStore

from .projections import STRONG_FROM, WEAK_BELOW, check_scope, pairing_graph

log = logging.getLogger(__name__)

__all__ = [
    "BALANCE_COVARIATES",
    "PairingPanel",
    "income_by_version",
    "income_series",
    "income_wide",
    "labelled",
    "panel_from_frames",
    "panel_from_graph",
    "panel_from_versions",
    "synthetic_label",
]

BALANCE_COVARIATES: tuple[str, ...] = ("households", "poor_households", "driven_share", "poor_driven_share",
                                       "cooperatives", "industries_n")
"""Village covariates :func:`panel_from_graph` copies from the pairing graph for balance tables."""

VILLAGE_COLUMNS = ("town_code", "county_code", "kind")


def synthetic_label(planted: float | None, *, what: str = "synthetic sample") -> str:
    """The label every statement, table and chart from a synthetic sample carries.

    >>> synthetic_label(40_000)
    'synthetic sample, effect of 40,000 yuan planted'
    >>> synthetic_label(0)
    'synthetic sample, no effect planted'
    """
    if planted is None:
        return what
    return f"{what}, no effect planted" if planted == 0 else f"{what}, effect of {planted:,.0f} yuan planted"


def labelled(frame: pd.DataFrame, label: str | None, *, formats: Mapping[str, str] | None = None) -> Any:
    """``frame`` for display with ``label`` as its caption (a pandas Styler), so that a table computed from a
    synthetic sample says so wherever it is shown; ``formats`` maps columns to format strings.

    >>> t = labelled(pd.DataFrame({"x": [1.0]}), "synthetic sample, effect of 40,000 yuan planted")
    >>> t.caption
    'synthetic sample, effect of 40,000 yuan planted'
    """
    styler = frame.style
    if formats:
        styler = styler.format({k: v for k, v in formats.items() if k in frame.columns}, na_rep="–")
    return styler.set_caption(label) if label else styler


@dataclass(frozen=True)
class PairingPanel:
    """Village incomes by year, villages, pairings and the class rule (see the module docstring)."""

    income: pd.DataFrame
    villages: pd.DataFrame
    pairings: pd.DataFrame
    selection_year: int
    weak_below: float = WEAK_BELOW
    strong_from: float = STRONG_FROM
    label: str | None = None

    def __post_init__(self) -> None:
        inc, vil, pair = self.income, self.villages, self.pairings
        missing_cols = [c for c in VILLAGE_COLUMNS if c not in vil.columns]
        if missing_cols:
            raise InvalidArgument(f"villages table lacks column(s) {missing_cols}")
        missing_cols = [c for c in ("strong_code", "weak_code", "since") if c not in pair.columns]
        if missing_cols:
            raise InvalidArgument(f"pairings table lacks column(s) {missing_cols}")
        if not vil.index.is_unique:
            raise InvalidArgument("villages table: codes are not unique")
        if not inc.index.is_unique:
            raise InvalidArgument("income table: village codes are not unique")
        # get_indexer (a hash lookup in the unique villages index) first, the sorted difference for the message
        if (vil.index.get_indexer(inc.index) < 0).any() and len(unknown := inc.index.difference(vil.index)):
            raise InvalidArgument(f"income table: {len(unknown)} village(s) not in the villages table, "
                                  f"e.g. {unknown[0]!r}")
        if not all(isinstance(y, int | np.integer) for y in inc.columns):
            raise InvalidArgument("income table: columns must be years (int)")
        ends = pd.Index(pair["strong_code"]).append(pd.Index(pair["weak_code"]))
        if (vil.index.get_indexer(ends) < 0).any() and len(unknown := ends.difference(vil.index)):
            raise InvalidArgument(f"pairings table: {len(unknown)} village(s) not in the villages table, "
                                  f"e.g. {unknown[0]!r}")
        if pair["since"].isna().any():
            bad = pair[pair["since"].isna()].iloc[0]
            raise InvalidArgument(f"pairing {bad['strong_code']} → {bad['weak_code']} has no 'since' year")
        if self.selection_year not in set(int(y) for y in inc.columns):
            raise InvalidArgument(f"selection year {self.selection_year} is not a year of the income table "
                                  f"({min(inc.columns, default='-')}–{max(inc.columns, default='-')})")
        if self.weak_below > self.strong_from:
            raise InvalidArgument(f"weak_below ({self.weak_below}) must not exceed strong_from ({self.strong_from})")

    @property
    def years(self) -> list[int]:
        """The income years, ascending."""
        return sorted(int(y) for y in self.income.columns)

    def classes(self, year: int | None = None) -> pd.Series:
        """``'weak'``/``'middle'``/``'strong'`` per village from its income in ``year`` (default the selection
        year); missing where that income is missing."""
        y = self.selection_year if year is None else int(year)
        if y not in self.years:
            raise InvalidArgument(f"no incomes for {y}")
        inc = self.income[y].reindex(self.villages.index)
        out = pd.Series(np.where(inc < self.weak_below, "weak", np.where(inc >= self.strong_from, "strong",
                                                                         "middle")), index=inc.index, dtype=object)
        out[inc.isna()] = None
        return out

    def with_income(self, income: pd.DataFrame, *, label: str | None = None) -> PairingPanel:
        """The same villages and pairings with another income table (e.g. another ledger version)."""
        return replace(self, income=income_wide(income), label=self.label if label is None else label)


def income_wide(income: pd.DataFrame) -> pd.DataFrame:
    """Village × year income table from a wide table (index codes, int year columns) or a long one
    (columns ``village_code``, ``year``, ``yuan``).

    >>> long = pd.DataFrame({"village_code": ["a", "a", "b"], "year": [2017, 2018, 2017], "yuan": [1, 2, 3]})
    >>> income_wide(long).to_dict()
    {2017: {'a': 1.0, 'b': 3.0}, 2018: {'a': 2.0, 'b': nan}}
    """
    if {"village_code", "year", "yuan"} <= set(income.columns):
        dup = income.duplicated(["village_code", "year"])
        if dup.any():
            row = income[dup].iloc[0]
            raise InvalidArgument(f"income: two figures for village {row['village_code']} in {row['year']}")
        wide = income.pivot(index="village_code", columns="year", values="yuan")
    else:
        wide = income.copy()
    wide.columns = [int(y) for y in wide.columns]
    wide = wide[sorted(wide.columns)].astype(float)
    wide.index = wide.index.astype(str)
    wide.index.name = "code"
    wide.columns.name = "year"
    return wide


def panel_from_frames(income: pd.DataFrame, villages: pd.DataFrame, pairings: pd.DataFrame, *,
                      selection_year: int | None = None, weak_below: float = WEAK_BELOW,
                      strong_from: float = STRONG_FROM, label: str | None = None) -> PairingPanel:
    """A panel from plain tables (see the module docstring for their columns).

    ``villages`` may have its codes in a ``code`` column instead of the index. The selection
    year defaults to the year before the earliest pairing, or the latest income year without
    pairings.

    >>> inc = pd.DataFrame({"village_code": ["a", "a", "s", "s"], "year": [2017, 2018] * 2,
    ...                     "yuan": [20_000, 30_000, 300_000, 310_000]})
    >>> vil = pd.DataFrame({"code": ["a", "s"], "town_code": "t", "county_code": "c", "kind": "village"})
    >>> p = panel_from_frames(inc, vil, pd.DataFrame({"strong_code": ["s"], "weak_code": ["a"], "since": [2018]}))
    >>> p.selection_year, p.classes().to_dict()
    (2017, {'a': 'weak', 's': 'strong'})
    """
    wide = income_wide(income)
    vil = villages.set_index("code") if "code" in villages.columns else villages.copy()
    vil.index = vil.index.astype(str)
    vil.index.name = "code"
    missing = [c for c in ("strong_code", "weak_code", "since") if c not in pairings.columns]
    if missing:
        raise InvalidArgument(f"pairings table lacks column(s) {missing}")
    pair = pairings[["strong_code", "weak_code", "since"]].copy()
    pair["strong_code"] = pair["strong_code"].astype(str)
    pair["weak_code"] = pair["weak_code"].astype(str)
    if pair["since"].notna().all():
        pair["since"] = pair["since"].astype(int)
    if selection_year is None:
        years = sorted(int(y) for y in wide.columns)
        if not years:
            raise InvalidArgument("the income table has no years")
        selection_year = int(pair["since"].min()) - 1 if len(pair) and pair["since"].notna().all() else years[-1]
    return PairingPanel(income=wide, villages=vil, pairings=pair.reset_index(drop=True),
                        selection_year=int(selection_year), weak_below=float(weak_below),
                        strong_from=float(strong_from), label=label)


def panel_from_graph(g: nx.DiGraph, *, income: pd.DataFrame | None = None, selection_year: int | None = None,
                     villages: pd.DataFrame | None = None, label: str | None = None) -> PairingPanel:
    """The panel of a pairing graph: its villages' incomes, towns, kinds, covariates and pairings.

    ``income`` replaces the graph's incomes (a wide or long table, see :func:`income_wide`),
    e.g. from another ledger version. ``villages`` adds columns to the villages table (index:
    village code), e.g. :func:`~partychain.analysis.projections.village_models`. The selection
    year defaults to the graph's ``baseline_year``, the thresholds to its ``weak_below`` and
    ``strong_from``.

    >>> from partychain.testing import mini_store
    >>> from partychain.analysis.projections import pairing_graph
    >>> p = panel_from_graph(pairing_graph(mini_store()))
    >>> p.selection_year, p.income.loc["520628101002"].dropna().to_dict()
    (2017, {2017: 20000.0, 2020: 80000.0})
    >>> p.pairings.values.tolist()
    [['520628101001', '520628101002', 2018], ['520628101001', '520628102001', 2018]]
    """
    if not g.is_directed():
        raise InvalidArgument("a panel needs the directed pairing graph (strong → weak)")
    rows: dict[Hashable, dict[str, Any]] = {}
    incomes: dict[Hashable, Mapping[int, float]] = {}
    for v, a in g.nodes(data=True):
        row = {"town_code": a.get("town_code"), "county_code": a.get("county_code"),
               "kind": a.get("kind") or "village", "name": a.get("name"), "town_name": a.get("town_name")}
        for c in BALANCE_COVARIATES:
            row[c] = len(a.get("industries") or ()) if c == "industries_n" else a.get(c)
        row["industries"] = ";".join(sorted(str(x) for x in a.get("industries") or ()))
        rows[v] = row
        incomes[v] = {int(y): float(x) for y, x in (a.get("income") or {}).items()}
    vil = pd.DataFrame.from_dict(rows, orient="index")
    vil.index.name = "code"
    for c in BALANCE_COVARIATES:
        vil[c] = pd.to_numeric(vil[c], errors="coerce")
    if villages is not None:
        extra = villages.reindex(vil.index)
        for c in extra.columns:
            flags = str(c).startswith("model_")
            vil[c] = extra[c].astype("boolean").fillna(False).astype(bool) if flags else extra[c]
    if income is None:
        wide = pd.DataFrame.from_dict(incomes, orient="index")
        wide = wide.reindex(vil.index) if len(wide.columns) else pd.DataFrame(index=vil.index)
    else:
        wide = income_wide(income)
    pair = pd.DataFrame([(s, w, d) for s, w, d in g.edges(data="since")], columns=["strong_code", "weak_code", "since"])
    year = selection_year if selection_year is not None else g.graph.get("baseline_year")
    return panel_from_frames(wide, vil.reset_index(), pair, selection_year=year,
                             weak_below=float(g.graph.get("weak_below", WEAK_BELOW)),
                             strong_from=float(g.graph.get("strong_from", STRONG_FROM)), label=label)


def income_by_version(store: GraphStore, *, scope: str = "", years: list[int] | None = None) -> pd.DataFrame:
    """The collective income each loaded ledger year (dataset version) records, long: one row per version,
    village and income year, columns ``version_year``, ``village_code``, ``year``, ``yuan``.

    ``years`` picks versions (default: every version kept, :meth:`GraphStore.years`; a year not loaded
    raises :class:`~partychain.errors.YearNotLoaded`).  Each version's ledger has its own series (a 2021
    ledger records 2016 to 2021); :func:`income_series` makes one series of them.

    >>> from partychain.testing import mini_store
    >>> income_by_version(mini_store())  # the mini ledger declares no year: no versions are kept
    Empty DataFrame
    Columns: [version_year, village_code, year, yuan]
    Index: []
    """
    check_scope(scope)
    frames = []
    for version in store.years() if years is None else sorted(years):
        with store.pinned(version) as view:
            rows = view.named("list_village_income", scope=scope, codes=[]).rows
        frames.append(pd.DataFrame([(version, c, int(y), float(v)) for c, y, v in rows],
                                   columns=["version_year", "village_code", "year", "yuan"]))
    if not frames:
        return pd.DataFrame(columns=["version_year", "village_code", "year", "yuan"])
    return pd.concat(frames, ignore_index=True)


def income_series(by_version: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One income series from the versions' records: each income year as the earliest version that records
    it gives it — the ledger of the year itself where it is loaded (the year-end figure), the oldest ledger
    for the years before the first version.  Returns ``(income, revisions)``: the long series (``village_code``,
    ``year``, ``yuan``, ``version_year``) and the records a later version gives differently (``village_code``,
    ``year``, ``version_year``, ``yuan``, ``first_yuan``), which the series does not use.

    >>> v = pd.DataFrame({"version_year": [2019, 2019, 2020, 2020], "village_code": ["a"] * 4,
    ...                   "year": [2018, 2019, 2019, 2020], "yuan": [10.0, 20.0, 25.0, 30.0]})
    >>> series, revised = income_series(v)
    >>> [(r.year, r.yuan, r.version_year) for r in series.itertuples()]
    [(2018, 10.0, 2019), (2019, 20.0, 2019), (2020, 30.0, 2020)]
    >>> [(r.year, r.version_year, r.yuan, r.first_yuan) for r in revised.itertuples()]
    [(2019, 2020, 25.0, 20.0)]
    """
    ordered = by_version.sort_values(["village_code", "year", "version_year"], kind="stable")
    first = ordered.drop_duplicates(["village_code", "year"], keep="first")
    later = ordered.merge(first[["village_code", "year", "yuan"]].rename(columns={"yuan": "first_yuan"}),
                          on=["village_code", "year"])
    revised = later[later["yuan"] != later["first_yuan"]]
    series = first[["village_code", "year", "yuan", "version_year"]].reset_index(drop=True)
    return series, revised[["village_code", "year", "version_year", "yuan", "first_yuan"]].reset_index(drop=True)


def panel_from_versions(store: GraphStore, *, scope: str = "", years: list[int] | None = None,
                        selection_year: int | None = None, villages: pd.DataFrame | None = None,
                        label: str | None = None) -> PairingPanel:
    """The panel of the loaded ledger years: villages, covariates and pairings of the latest version (its
    pairing graph), incomes read from every version (:func:`income_by_version`, one series by
    :func:`income_series`; revisions a later ledger made are logged, not used).

    The pairing estimate then reads the incomes the county's ledgers recorded year by year, not a pair of
    synthetic before/after samples: :func:`~partychain.analysis.effect.pairing_effect_over_versions`.

    >>> from partychain.testing import mini_store
    >>> panel_from_versions(mini_store())
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: no ledger year is loaded: load ledgers that declare their year
    """
    by_version = income_by_version(store, scope=scope, years=years)
    if by_version.empty:
        raise InvalidArgument("no ledger year is loaded: load ledgers that declare their year")
    series, revised = income_series(by_version)
    if len(revised):
        log.warning("%d income figures a later ledger gives differently; the series keeps the first record",
                    len(revised))
    latest = int(by_version["version_year"].max())
    with store.pinned(latest) as view:
        g = pairing_graph(view, scope=scope)
    return panel_from_graph(g, income=series[["village_code", "year", "yuan"]], selection_year=selection_year,
                            villages=villages, label=label)
