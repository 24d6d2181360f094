"""The village collective economy as tables for the notebooks: year by year, over the loaded ledger years,
and growth by town and by linkage model.

Every number comes from :func:`partychain.services.collective_economy` (see ``docs/analysis.md``,
"The collective economy", for each measure); these functions only shape its answers into frames.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from partychain.errors import InvalidArgument
from partychain.services.economy import HOLLOW_BELOW, INCOME_SOURCES, collective_economy
from partychain.storage.base import GraphStore

__all__ = ["economy_by_group", "economy_over_versions", "economy_years", "growth_by_group"]

YEAR_COLUMNS = ("villages", "total", "from_chain", "other", "unattributed", "hollow", "growth", "growth_from_chain")
_COLUMN = {"other": "not_from_chain"}
"""The service's ``other`` (total − from_chain) is ``not_from_chain`` in the frames, beside the source ``other``."""


def _frame(years: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"year": y["year"], **{_COLUMN.get(c, c): y[c] for c in YEAR_COLUMNS}, **y["by_source"]} for y in years]
    f = pd.DataFrame(rows, columns=["year", *(_COLUMN.get(c, c) for c in YEAR_COLUMNS), *INCOME_SOURCES])
    f["chain_share"] = (f["from_chain"] / f["total"].where(f["total"] > 0)).astype(float)
    f["hollow_share"] = (f["hollow"] / f["villages"].where(f["villages"] > 0)).astype(float)
    f["growth"] = f["growth"].astype(float)
    f["growth_from_chain"] = f["growth_from_chain"].astype(float)
    return f


def economy_years(store: GraphStore, *, scope: str, hollow_below: float = HOLLOW_BELOW) -> pd.DataFrame:
    """The division's collective economy per income year of the graph's ledger: one row per year with
    ``villages``, ``total``, ``from_chain``, ``not_from_chain`` (the service's ``other``: total − from_chain),
    ``unattributed``, ``hollow``, ``growth``, ``growth_from_chain``, each source (``dividend``, ``asset_rent``,
    ``service``, ``subsidy``, ``other``), ``chain_share`` (from_chain / total) and ``hollow_share``.

    >>> from partychain.testing import mini_store
    >>> economy_years(mini_store(), scope="520628")[["year", "total", "from_chain", "hollow"]].values.tolist()
    [[2017, 440000, 0, 2], [2020, 660000, 182000, 0]]
    """
    return _frame(collective_economy(store, scope=scope, hollow_below=hollow_below)["years"])


def economy_over_versions(store: GraphStore, *, scope: str, hollow_below: float = HOLLOW_BELOW,
                          years: list[int] | None = None) -> pd.DataFrame:
    """Each loaded ledger year (dataset version) on its own year, as the county saw it then: one row per
    version with the columns of :func:`economy_years` for the version's year (``ledger_year``), read from
    that version's graph.  The chain a version counts is the chain of its own ledger.

    >>> from partychain.testing import mini_store
    >>> economy_over_versions(mini_store(), scope="520628").empty  # the mini ledger declares no year
    True
    """
    rows = []
    for version in store.years() if years is None else sorted(years):
        with store.pinned(version) as view:
            f = economy_years(view, scope=scope, hollow_below=hollow_below)
        own = f[f["year"] == version]
        if len(own):
            rows.append(own.assign(ledger_year=version))
    if not rows:
        return pd.DataFrame(columns=["ledger_year", *_frame([]).columns])
    out = pd.concat(rows, ignore_index=True)
    return out[["ledger_year", *[c for c in out.columns if c != "ledger_year"]]]


def economy_by_group(store: GraphStore, *, scope: str, by: Literal["town", "model"],
                     hollow_below: float = HOLLOW_BELOW) -> pd.DataFrame:
    """The columns of :func:`economy_years` per town (``by="town"``: ``code``, ``name``) or per linkage model
    (``by="model"``: ``code`` the model, ``none`` for villages with an instance of none), one row per group
    and year, with ``group_villages`` (the villages of the group).

    >>> from partychain.testing import mini_store
    >>> f = economy_by_group(mini_store(), scope="520628", by="town")
    >>> f[f["year"] == 2020][["code", "total", "from_chain"]].values.tolist()
    [['520628101', 500000, 150000], ['520628102', 160000, 32000]]
    """
    res = collective_economy(store, scope=scope, hollow_below=hollow_below)
    if by == "town":
        groups = [(t["code"], t["name"], len({v["code"] for v in res["villages"] if v["town_code"] == t["code"]}),
                   t["years"]) for t in res["towns"]]
    elif by == "model":
        groups = [(m["model"], m["model"], m["villages"], m["years"]) for m in res["models"]]
    else:
        raise InvalidArgument(f"by must be 'town' or 'model', not {by!r}")
    frames = [_frame(years).assign(code=code, name=name, group_villages=n) for code, name, n, years in groups]
    if not frames:
        return pd.DataFrame(columns=["code", "name", "group_villages", *_frame([]).columns])
    out = pd.concat(frames, ignore_index=True)
    return out[["code", "name", "group_villages", *[c for c in out.columns if c not in ("code", "name",
                                                                                         "group_villages")]]]


def growth_by_group(frame: pd.DataFrame, *, first: int, last: int) -> pd.DataFrame:
    """Growth from ``first`` to ``last`` per group of :func:`economy_by_group`: ``total_first``,
    ``total_last``, ``growth_a_year`` (compound, (last / first) ** (1 / years) − 1), the same for
    ``from_chain``, and the hollow villages then and now.  Sums over the villages recorded in each year.

    >>> f = pd.DataFrame({"code": ["t", "t"], "name": ["镇", "镇"], "group_villages": [2, 2], "year": [2019, 2021],
    ...                   "total": [100, 121], "from_chain": [10, 40], "hollow": [1, 0]})
    >>> growth_by_group(f, first=2019, last=2021)[["growth_a_year", "chain_growth_a_year"]].round(3).values.tolist()
    [[0.1, 1.0]]
    """
    if last <= first:
        raise InvalidArgument(f"last ({last}) must be after first ({first})")
    n = last - first
    a = frame[frame["year"] == first].set_index("code")
    b = frame[frame["year"] == last].set_index("code")
    codes = [c for c in b.index if c in a.index]
    out = pd.DataFrame({"name": b.loc[codes, "name"], "villages": b.loc[codes, "group_villages"],
                        "total_first": a.loc[codes, "total"], "total_last": b.loc[codes, "total"],
                        "chain_first": a.loc[codes, "from_chain"], "chain_last": b.loc[codes, "from_chain"],
                        "hollow_first": a.loc[codes, "hollow"], "hollow_last": b.loc[codes, "hollow"]})

    def cagr(x: pd.Series, y: pd.Series) -> pd.Series:
        x = x.astype(float).where(x > 0)
        return pd.Series(np.power(y.astype(float) / x, 1.0 / n) - 1.0, index=x.index)

    out["growth_a_year"] = cagr(out["total_first"], out["total_last"])
    out["chain_growth_a_year"] = cagr(out["chain_first"], out["chain_last"])
    out.index.name = "code"
    return out.reset_index()
