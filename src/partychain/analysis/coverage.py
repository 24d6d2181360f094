"""Coverage of the industry chain by town, and gap lists as tables (for notebooks and reports).

Thin tabular views over :mod:`partychain.services`: :func:`coverage_by_town` runs
:func:`partychain.services.coverage` for the scope and for each of its towns;
:func:`gap_table` pages one gap list into a frame without personal names.
"""

from __future__ import annotations

import logging

import pandas as pd

from partychain import services
from partychain.errors import InvalidArgument
from partychain.storage.base import GraphStore

from .projections import check_scope

log = logging.getLogger(__name__)

__all__ = ["PERSON_GAP_KINDS", "coverage_by_town", "coverage_table", "gap_table", "towns"]

PERSON_GAP_KINDS = ("poor_households_not_driven", "members_driving_nobody", "poor_households_chain_incomplete")
"""Gap kinds whose records are people: :func:`gap_table` leaves their names out."""


def towns(store: GraphStore, scope: str) -> pd.DataFrame:
    """Towns with villages in ``scope`` (``town_code``, ``town_name``, ``villages``), by code.

    >>> from partychain.testing import mini_store
    >>> towns(mini_store(), "520628").values.tolist()
    [['520628101', '盘石镇', 2], ['520628102', '盘信镇', 2]]
    """
    check_scope(scope)
    rows = store.named("list_pairing_villages", scope=scope, codes=[]).records()
    frame = pd.DataFrame(rows, columns=["code", "town_code", "town_name"])
    out = frame.groupby(["town_code", "town_name"], as_index=False).agg(villages=("code", "size"))
    return out.sort_values("town_code").reset_index(drop=True)


def coverage_table(store: GraphStore, scope: str) -> pd.DataFrame:
    """:func:`partychain.services.coverage` of one scope as a frame: ``metric``, ``covered``, ``total``, ``ratio``.

    >>> from partychain.testing import mini_store
    >>> coverage_table(mini_store(), "520628").values.tolist()[0]
    ['cooperative_party_org', 2, 4, 0.5]
    """
    got = services.coverage(store, scope)
    return pd.DataFrame([{"metric": m, **got[m]} for m in services.COVERAGE_METRICS],
                        columns=["metric", "covered", "total", "ratio"])


def coverage_by_town(store: GraphStore, scope: str) -> pd.DataFrame:
    """Coverage metrics for each town of ``scope``: one row per town, a ``<metric>`` ratio column per metric.

    Columns: ``town_code``, ``town_name``, then for every metric of
    :data:`partychain.services.COVERAGE_METRICS` its ratio (NaN when the town has none of
    the things counted) and ``<metric>_covered`` / ``<metric>_total``. Rows by town code.
    One :func:`~partychain.services.coverage` query per town.

    >>> from partychain.testing import mini_store
    >>> t = coverage_by_town(mini_store(), "520628")
    >>> t[["town_name", "cooperative_party_org", "cooperative_party_org_total"]].values.tolist()
    [['盘石镇', 1.0, 2], ['盘信镇', 0.0, 2]]
    """
    check_scope(scope)
    if len(scope) > 6:
        raise InvalidArgument(f"coverage_by_town needs a county or larger scope, got {scope!r}")
    rows = []
    for town_code, town_name in towns(store, scope)[["town_code", "town_name"]].itertuples(index=False):
        got = services.coverage(store, town_code)
        row: dict[str, object] = {"town_code": town_code, "town_name": town_name}
        for m in services.COVERAGE_METRICS:
            row[m] = got[m]["ratio"] if got[m]["ratio"] is not None else float("nan")
        for m in services.COVERAGE_METRICS:
            row[f"{m}_covered"] = got[m]["covered"]
            row[f"{m}_total"] = got[m]["total"]
        rows.append(row)
    log.info("coverage of %d towns in %s", len(rows), scope)
    return pd.DataFrame(rows)


def gap_table(store: GraphStore, scope: str, kind: str, *, limit: int = 20) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` records of a gap list and the list's total.

    Columns: ``id``, ``name`` (left out for :data:`PERSON_GAP_KINDS`: people are shown by
    id only), ``village_code``, ``village_name`` and, for
    ``poor_households_chain_incomplete``, ``breaks_at``.

    >>> from partychain.testing import mini_store
    >>> frame, total = gap_table(mini_store(), "520628", "poor_households_not_driven")
    >>> list(frame.columns), total
    (['id', 'village_code', 'village_name'], 1)
    """
    page = services.gaps(store, scope, kind, limit=limit)
    frame = pd.DataFrame(page["items"])
    if not len(frame):
        frame = pd.DataFrame(columns=["id", "name", "village_code", "village_name"])
    if kind in PERSON_GAP_KINDS:
        frame = frame.drop(columns=["name"], errors="ignore")
    return frame, int(page["total"])
