"""The village collective economy (村级集体经济) of a division, year by year and by source.

Two named queries read a ledger's income: ``list_income_villages`` (each village with its town and the
total of each year the table ``village_income`` records) and ``list_income_sources`` (the items of the
table ``village_income_sources``: dividends on the village's holdings, asset rent, services, subsidies,
other).  Per village and year:

- ``total``: the recorded total (``village_income``), else the sum of the items;
- ``by_source``: the items summed per source (:data:`INCOME_SOURCES`);
- ``from_chain``: the dividends on holdings (``HOLDS_SHARE``) in cooperatives or companies a party
  organization runs or leads (the chain's ``RUNS``/``LEADS`` link);
- ``other``: ``total`` − ``from_chain``;
- ``unattributed``: the part of a recorded total no item explains (the whole total where the ledger has
  no items for the village and year: ledgers before the table existed);
- ``hollow`` (空壳村): ``total`` below ``hollow_below`` (:data:`HOLLOW_BELOW` unless asked otherwise).

Groups (the division, each town, the villages with an instance of each linkage model, and those with
none) sum their villages per year and add the count of hollow villages and the growth on the year
before, over the villages with a total in both years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from partychain.errors import InvalidArgument
from partychain.graph_model.enums import IncomeSource
from partychain.storage.base import GraphStore

from .memo import memo
from .models import MODELS, model_instances
from .scopes import MAX_LIMIT, check_scope, validate_scope

INCOME_SOURCES: tuple[str, ...] = tuple(s.value for s in IncomeSource)
"""The income sources of the ledger table ``village_income_sources``, in the order of the answers."""

HOLLOW_BELOW = 50_000
"""A village is hollow (空壳村) when its collective income in a year is below this (yuan).

The project's assumption, not the source's: the county report speaks of hollow and weak villages
(空壳村, 强村带弱村) and names no figure.  50,000 yuan is the weak-village threshold the pairing
analysis already assumes (:data:`partychain.analysis.projections.WEAK_BELOW` is this constant), so
that a village is hollow exactly when the analysis calls it weak; pass the county's own definition
as ``hollow_below``."""

NO_MODEL = "none"
"""The group of villages with an instance of no linkage model."""


Cells = dict[tuple[str, int], dict[str, Any]]


def _village_years(store: GraphStore, scope: str) -> tuple[dict[str, dict[str, Any]], Cells]:
    villages: dict[str, dict[str, Any]] = {}
    cells: Cells = {}

    def cell(code: str, year: int) -> dict[str, Any]:
        return cells.setdefault((code, year), {"recorded": None, "items": 0, "from_chain": 0,
                                               "by_source": dict.fromkeys(INCOME_SOURCES, 0), "itemised": False})

    for code, name, town, town_name, year, yuan in store.named("list_income_villages", scope=scope).rows:
        villages.setdefault(code, {"code": code, "name": name, "town_code": town, "town_name": town_name})
        if year is not None and yuan is not None:
            cell(code, int(year))["recorded"] = int(yuan)
    for code, year, source, _holder, chain, yuan in store.named("list_income_sources", scope=scope).rows:
        c = cell(code, int(year))
        c["itemised"] = True
        c["items"] += int(yuan)
        c["by_source"][source] += int(yuan)
        if source == IncomeSource.dividend.value and chain:
            c["from_chain"] += int(yuan)
    return villages, cells


def _figures(c: dict[str, Any], hollow_below: float) -> dict[str, Any]:
    total = c["recorded"] if c["recorded"] is not None else c["items"]
    return {"total": total, "from_chain": c["from_chain"], "other": total - c["from_chain"],
            "unattributed": total - c["items"] if c["recorded"] is not None else 0,
            "by_source": dict(c["by_source"]), "itemised": c["itemised"], "hollow": total < hollow_below}


def _group(rows: Iterable[tuple[str, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per year: villages, sums, hollow villages, growth over the villages with a total the year before."""
    by_year: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for code, year, f in rows:
        by_year[year][code] = f
    out = []
    for year in sorted(by_year):
        now = by_year[year]
        before = by_year.get(year - 1, {})
        both = [v for v in now if v in before]
        prev_total = sum(before[v]["total"] for v in both)
        prev_chain = sum(before[v]["from_chain"] for v in both)
        out.append({
            "year": year,
            "villages": len(now),
            "total": sum(f["total"] for f in now.values()),
            "from_chain": sum(f["from_chain"] for f in now.values()),
            "other": sum(f["other"] for f in now.values()),
            "unattributed": sum(f["unattributed"] for f in now.values()),
            "by_source": {s: sum(f["by_source"][s] for f in now.values()) for s in INCOME_SOURCES},
            "hollow": sum(1 for f in now.values() if f["hollow"]),
            "growth": (sum(now[v]["total"] for v in both) / prev_total - 1) if both and prev_total else None,
            "growth_from_chain": (sum(now[v]["from_chain"] for v in both) / prev_chain - 1)
            if both and prev_chain else None,
        })
    return out


def village_models_of(store: GraphStore, scope: str) -> dict[str, frozenset[str]]:
    """Village code → the linkage models (:data:`~.models.MODELS`) with an instance whose unit is in it.

    Kept per graph version (:func:`~.memo.memo`): it pages through every instance of every model in the
    division, the heaviest part of :func:`collective_economy`.

    >>> from partychain.testing import mini_store
    >>> sorted(village_models_of(mini_store(), "520628101")["520628101001"])
    ['branch_specialized_coop_collective_poor', 'village_branch_industry_group']
    """
    return dict(memo("village_models", store, validate_scope(scope), lambda: _village_models(store, scope)))


def _village_models(store: GraphStore, scope: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for model in MODELS:
        cursor: str | None = None
        while True:
            page = model_instances(store, scope, model, limit=MAX_LIMIT, cursor=cursor)
            for item in page["items"]:
                if item.get("village_code"):
                    out[str(item["village_code"])].add(model)
            cursor = page["next_cursor"]
            if cursor is None:
                break
    return {code: frozenset(models) for code, models in out.items()}


def collective_economy(store: GraphStore, *, scope: str, hollow_below: float = HOLLOW_BELOW) -> dict[str, Any]:
    """The village collective economy of division ``scope``, per village and year (see the module docstring).

    Returns ``{"scope", "hollow_below", "sources", "years", "towns", "models", "villages"}``: ``years`` the
    division's sums per year; ``towns`` the same per town (a county or wider scope; else empty);
    ``models`` per linkage model (the villages with an instance of it, and :data:`NO_MODEL`); ``villages``
    one entry per village of the division with its figures per year.  Aggregates only: no personal data.

    >>> from partychain.testing import mini_store
    >>> e = collective_economy(mini_store(), scope="520628")
    >>> [(y["year"], y["total"], y["from_chain"], y["unattributed"], y["hollow"]) for y in e["years"]]
    [(2017, 440000, 0, 440000, 2), (2020, 660000, 182000, 0, 0)]
    >>> e["years"][1]["growth"] is None  # no total of 2019 to grow from
    True
    >>> e["years"][1]["by_source"]
    {'dividend': 182000, 'asset_rent': 210000, 'service': 100000, 'subsidy': 138000, 'other': 30000}
    >>> collective_economy(mini_store(), scope="520628", hollow_below=60_000)["years"][1]["hollow"]
    1
    """
    validate_scope(scope)
    if isinstance(hollow_below, bool) or not isinstance(hollow_below, int | float) or not hollow_below >= 0:
        raise InvalidArgument(f"hollow_below must be a number of yuan >= 0, not {hollow_below!r}")
    division = check_scope(store, scope)
    villages, cells = _village_years(store, scope)
    figures = {k: _figures(c, hollow_below) for k, c in sorted(cells.items())}
    rows = [(code, year, f) for (code, year), f in figures.items()]
    models = village_models_of(store, scope)

    def in_model(code: str, model: str) -> bool:
        return model in models.get(code, ()) if model != NO_MODEL else not models.get(code)

    towns = sorted({v["town_code"]: v["town_name"] for v in villages.values()}.items()) if len(scope) < 9 else []
    return {
        "scope": division,
        "hollow_below": hollow_below,
        "sources": list(INCOME_SOURCES),
        "years": _group(rows),
        "towns": [{"code": t, "name": name, "years": _group(r for r in rows if r[0].startswith(t))}
                  for t, name in towns],
        "models": [{"model": m, "villages": sum(1 for v in villages if in_model(v, m)),
                    "years": _group(r for r in rows if in_model(r[0], m))} for m in (*MODELS, NO_MODEL)],
        "villages": [{**v, "models": sorted(models.get(code, ())),
                      "years": [{"year": year, **f} for (c, year), f in figures.items() if c == code]}
                     for code, v in sorted(villages.items())],
    }
