"""What changed in a division between two ledger years (two dataset versions), matched by stable ids.

Each year's graph is read by the same two named queries — ``list_change_facts`` (what is where, by id)
and ``list_coverage_by_village`` (the parts of the coverage metrics, village by village) — and the two
years are compared here.  Things count where they are, as everywhere in :mod:`partychain.services`.

Ids are matched as they are; a village code whose name differs between the years is a re-used code
and an organization id whose label differs is a re-used id: both are reported under
``changed_meaning`` and left out of every other comparison, never silently joined.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from partychain.errors import InvalidArgument
from partychain.storage.base import GraphStore

from .coverage import METRIC_PARTS
from .scopes import check_scope, validate_scope

CHANGE_KINDS: tuple[str, ...] = (
    "orgs_founded",
    "orgs_dissolved",
    "cooperatives_newly_run",
    "cooperatives_no_longer_run",
    "bases_newly_linked",
    "bases_no_longer_linked",
    "households_newly_driven",
    "households_dropped",
    "poverty_exits_chain_complete",
    "poverty_exits_chain_incomplete",
)
"""The id lists of :func:`changes`, each with its count:

- ``orgs_founded`` / ``orgs_dissolved``: party organizations seated in the division in the later year
  only / in the earlier year only;
- ``cooperatives_newly_run`` / ``cooperatives_no_longer_run``: cooperatives a branch runs (``RUNS``) in the
  later year and not the earlier / the reverse;
- ``bases_newly_linked`` / ``bases_no_longer_linked``: bases linked to a member (``LINKS``), likewise;
- ``households_newly_driven`` / ``households_dropped``: households a member drives (``DRIVES``), likewise;
- ``poverty_exits_chain_complete`` / ``..._incomplete``: poor households with a poverty exit year in the
  later year's ledger and none in the earlier one, split by whether the later year gives them a
  complete chain, the five links (as the coverage metric ``poor_chain_complete``)."""

COVERAGE_PARTS: dict[str, tuple[str, str]] = {**METRIC_PARTS, "members_driving": ("members_driving", "members")}
"""Coverage metrics compared per division, village by village: metric → (covered part, total part) of the named
query ``list_coverage_by_village``: every coverage metric (:data:`~.coverage.COVERAGE_METRICS`, as the
scorecards sum them), and the members who drive a household."""


def _facts(store: GraphStore, scope: str) -> dict[str, dict[str, tuple[str, str, int]]]:
    """kind → id → (village code, detail, n)."""
    out: dict[str, dict[str, tuple[str, str, int]]] = defaultdict(dict)
    for kind, key, village, detail, n in store.named("list_change_facts", scope=scope).rows:
        out[kind][key] = (village, detail, int(n or 0))
    return out


def _parts(store: GraphStore, scope: str) -> dict[str, dict[str, int]]:
    """village code → part → n."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, part, n in store.named("list_coverage_by_village", scope=scope).rows:
        out[village][part] += int(n)
    return out


def _coverage(parts: dict[str, dict[str, int]], code: str) -> dict[str, dict[str, Any]]:
    total: dict[str, int] = defaultdict(int)
    for village, p in parts.items():
        if village.startswith(code):
            for k, n in p.items():
                total[k] += n
    return {metric: {"covered": total[c], "total": total[t], "ratio": total[c] / total[t] if total[t] else None}
            for metric, (c, t) in COVERAGE_PARTS.items()}


def _load(members: dict[str, tuple[str, str, int]]) -> dict[str, Any]:
    """Members' load: how many drive households, and how many households each driving member drives."""
    counts = [n for _, _, n in members.values() if n > 0]
    return {"members": len(members), "members_driving": len(counts), "households_driven": sum(counts),
            "mean": round(statistics.fmean(counts), 3) if counts else None,
            "median": statistics.median(counts) if counts else None, "max": max(counts, default=None)}


def changes(store: GraphStore, *, scope: str, from_year: int, to_year: int, limit: int = 1000) -> dict[str, Any]:
    """What changed in division ``scope`` from the ledger of ``from_year`` to that of ``to_year``.

    Returns ``{"scope", "from", "to", "counts", "changes", "changed_meaning", "members", "coverage"}``:
    ``from``/``to`` the two versions (year, version id, as-of date); ``counts`` and ``changes`` each kind
    of :data:`CHANGE_KINDS` (``changes`` lists at most ``limit`` ids per kind, in id order; ``counts`` are
    complete); ``changed_meaning`` the re-used codes and ids; ``members`` the members' load then and now;
    ``coverage`` the metrics of :data:`COVERAGE_PARTS` then and now for the division, each of its towns
    (a county or wider scope) and each of its villages.

    :class:`~partychain.errors.YearNotLoaded` (404) names the years loaded when either year is not;
    :class:`~partychain.errors.NotFound` when the division is in neither year.

    >>> from partychain.testing import mini_store
    >>> changes(mini_store(), scope="520628", from_year=2020, to_year=2021)
    Traceback (most recent call last):
    ...
    partychain.errors.YearNotLoaded: no ledger of 2020 is loaded; loaded years: none
    """
    validate_scope(scope)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidArgument(f"limit must be a whole number >= 0, not {limit!r}")
    with store.pinned(from_year) as old, store.pinned(to_year) as new:
        division = check_scope(new, scope)
        infos = [old.dataset(), new.dataset()]
        fa, fb = _facts(old, scope), _facts(new, scope)
        pa, pb = _parts(old, scope), _parts(new, scope)

    reused_villages = sorted(k for k, (_, name, _) in fa["village"].items()
                             if k in fb["village"] and fb["village"][k][1] != name)
    reused_orgs = sorted(k for k, (_, label, _) in fa["org"].items() if k in fb["org"] and fb["org"][k][1] != label)
    bad_villages = set(reused_villages)

    def ids(facts: dict[str, dict[str, tuple[str, str, int]]], kind: str, skip: set[str] | None = None) -> set[str]:
        return {k for k, (v, _, _) in facts[kind].items() if v[:12] not in bad_villages and k not in (skip or ())}

    orgs_a, orgs_b = ids(fa, "org", set(reused_orgs)), ids(fb, "org", set(reused_orgs))
    exited = {k for k, (v, _, n) in fb["poor"].items()
              if n and v not in bad_villages and k in fa["poor"] and not fa["poor"][k][2]}
    complete = set(fb["poor_complete"])
    found: dict[str, set[str]] = {
        "orgs_founded": orgs_b - orgs_a,
        "orgs_dissolved": orgs_a - orgs_b,
        "cooperatives_newly_run": ids(fb, "cooperative_run") - ids(fa, "cooperative_run"),
        "cooperatives_no_longer_run": ids(fa, "cooperative_run") - ids(fb, "cooperative_run"),
        "bases_newly_linked": ids(fb, "base_linked") - ids(fa, "base_linked"),
        "bases_no_longer_linked": ids(fa, "base_linked") - ids(fb, "base_linked"),
        "households_newly_driven": ids(fb, "household_driven") - ids(fa, "household_driven"),
        "households_dropped": ids(fa, "household_driven") - ids(fb, "household_driven"),
        "poverty_exits_chain_complete": exited & complete,
        "poverty_exits_chain_incomplete": exited - complete,
    }

    towns = sorted({v[:9] for v in (*pa, *pb)}) if len(scope) < 9 else []
    villages = sorted(set(pa) | set(pb)) if len(scope) < 12 else []
    names = {k: name for k, (_, name, _) in (*fa["village"].items(), *fb["village"].items())}
    names[scope] = division["name"]

    def side(i: int) -> dict[str, Any]:
        info = infos[i]
        return {"year": (from_year, to_year)[i], "version": info.version if info else None,
                "as_of": info.as_of if info else None}

    return {
        "scope": division,
        "from": side(0),
        "to": side(1),
        "counts": {k: len(v) for k, v in found.items()},
        "changes": {k: sorted(v)[:limit] for k, v in found.items()},
        "changed_meaning": {"village_codes": reused_villages, "org_ids": reused_orgs},
        "members": {"from": _load(fa["member"]), "to": _load(fb["member"])},
        "coverage": [
            {"code": code, "level": level, "name": names.get(code), "from": _coverage(pa, code),
             "to": _coverage(pb, code)}
            for level, codes in (("scope", [scope]), ("town", towns), ("village", villages)) for code in codes
        ],
    }
