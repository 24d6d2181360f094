"""Candidate new pairings (强村带弱村) on domain grounds, and a rollout that keeps a comparison group.

:func:`candidate_pairings` ranks, for each weak village nobody leads yet, the strong villages
that could lead it, from the *current* classes (the latest income year), the weak village's
depth of need, nearness, existing ties (a shared joint party committee, cooperation between
their households), shared industries and each strong village's own capacity; 村 and 社区 are
handled apart. It also proposes one partner per weak village, neediest first, within
capacities. :func:`rollout_plan` turns the proposal into a phased or randomised rollout, so that
villages paired later are the comparison group for villages paired first and the effect can
be estimated (pairing every candidate at once would leave nothing to compare with).
:func:`joint_committee_ties` reads which joint committees reach each village from the org graph.

Thresholds: weak below 50,000 yuan and strong from 200,000 yuan of collective income are the
project's assumption (the county report names no figure); they come from the pairing graph
(``weak_below``, ``strong_from``, set by :func:`~partychain.analysis.projections.pairing_graph`),
so a county's own definition is passed there.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Mapping
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from partychain.errors import InvalidArgument

from .projections import STRONG_FROM, WEAK_BELOW

log = logging.getLogger(__name__)

__all__ = ["CANDIDATE_COLUMNS", "ROLLOUT_COLUMNS", "candidate_pairings", "default_capacity", "joint_committee_ties",
           "rollout_plan"]

CANDIDATE_COLUMNS = ["weak_code", "weak_name", "weak_town", "weak_kind", "weak_income", "need", "rank", "strong_code",
                     "strong_name", "strong_town", "strong_income", "income_gap", "proximity", "joint_committee",
                     "cooperation", "shared_industries", "industry_overlap", "capacity", "capacity_left", "score",
                     "proposed"]
ROLLOUT_COLUMNS = ["weak_code", "weak_name", "weak_town", "strong_code", "strong_name", "phase", "arm"]
Communities = Literal["apart", "exclude", "together"]


def default_capacity(income: float, *, strong_from: float = STRONG_FROM, max_partners: int = 5) -> int:
    """How many weak villages a strong village can lead when the ledger records no capacity: one per
    ``strong_from`` yuan of its own collective income, from 1 to ``max_partners``.

    The project's assumption (the county report gives no rule): a village earning twice the
    strong threshold can carry two partners. Pass ``capacity=`` to
    :func:`candidate_pairings` when the county has its own figures.

    >>> default_capacity(250_000), default_capacity(650_000), default_capacity(5_000_000)
    (1, 3, 5)
    """
    return int(min(max_partners, max(1, math.floor(income / strong_from))))


def joint_committee_ties(org: nx.DiGraph) -> dict[Hashable, frozenset[Hashable]]:
    """Village code → the joint party committees (联合党委) that reach it in an org graph.

    A committee reaches a village when it, or an organization under it (general branch, branch),
    COVERS the village, or when it LEADS a cooperative LOCATED_IN the village.
    ``org`` is :func:`~partychain.analysis.projections.org_graph`.

    >>> from partychain.testing import mini_store
    >>> from partychain.analysis.projections import org_graph
    >>> ties = joint_committee_ties(org_graph(mini_store()))
    >>> sorted(v for v, jcs in ties.items() if "JC-1" in jcs)[:2]
    ['520628101001', '520628101002']
    """
    up: dict[Hashable, Hashable] = {}
    for a, b, rel in org.edges(data="rel"):
        if rel == "UNDER":
            up[a] = b

    def committees(o: Hashable) -> set[Hashable]:
        found: set[Hashable] = set()
        seen: set[Hashable] = set()
        while o is not None and o not in seen:
            seen.add(o)
            if org.nodes[o].get("type") == "JointCommittee":
                found.add(o)
            o = up.get(o)
        return found

    ties: dict[Hashable, set[Hashable]] = {}
    for a, b, rel in org.edges(data="rel"):
        if rel == "COVERS":
            ties.setdefault(b, set()).update(committees(a))
        elif rel == "LEADS":
            for _, village, r in org.out_edges(b, data="rel"):
                if r == "LOCATED_IN":
                    ties.setdefault(village, set()).add(a)
    return {v: frozenset(j) for v, j in ties.items() if j}


def _latest_income(attrs: Mapping[str, Any], year: int) -> float | None:
    inc = attrs.get("income") or {}
    value = inc.get(year)
    return None if value is None else float(value)


def candidate_pairings(g: nx.DiGraph, *, year: int | None = None, cooperation: nx.Graph | None = None,
                       org: nx.DiGraph | None = None, capacity: Mapping[Hashable, int] | None = None,
                       max_partners: int = 5, top: int | None = 3, communities: Communities = "apart",
                       include_other_counties: bool = False) -> pd.DataFrame:
    """Strong villages that could lead each unled weak village, best first, and one proposal per weak village.

    **Classes** come from ``year`` (default: the latest year with incomes in the graph), not
    from the baseline year of the effect estimate: a village weak in 2017 may have grown out of
    it. Weak: income below the graph's ``weak_below``; strong: from ``strong_from``. A weak
    village is a candidate when nobody leads it and it leads nobody; its **need** is how far it
    is below the threshold, (weak_below − income) / weak_below, in (0, 1].

    **Capacity**: ``capacity`` (village code → how many villages it can lead, the county's own
    figure) or :func:`default_capacity` from the strong village's own income in ``year``;
    ``capacity_left`` = capacity − villages it already leads; only strong villages with
    capacity left are candidates.

    **Score** of weak village w and strong village s (every term is stated in the columns)::

        score = 3·P + 2·JC + C + J + capacity_left / capacity

    * P — nearness: 1 same town, 0.5 same county, 0 otherwise (other counties only with
      ``include_other_counties``); weight 3, so nearness decides first;
    * JC — 1 when a joint party committee reaches both (``org`` given; see
      :func:`joint_committee_ties`): they already sit under one committee;
    * C — cooperation tie: the two villages' tie strength in the (unit-size normalised)
      cooperation graph (``cooperation`` given), capped at 1;
    * J — shared industry: Jaccard overlap of their industry sets.

    ``income_gap`` (strong − weak income, yuan) is reported, not scored. **村 and 社区**:
    ``communities="apart"`` (default) pairs weak communities only with strong communities and
    weak villages only with strong villages (an urban community's collective economy differs);
    ``"exclude"`` leaves 社区 out, ``"together"`` mixes them.

    **Proposal**: weak villages are taken neediest first; each is proposed its best candidate
    that still has capacity (capacities count down) — ``proposed`` marks those rows. Pairing
    every proposal at once leaves no comparison group: see :func:`rollout_plan`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CANDIDATE_COLUMNS`, ``top`` candidates per weak village (all with
        ``top=None``; the proposed one is always kept), weak villages neediest first.

    Examples
    --------
    >>> g = nx.DiGraph(weak_below=50_000, strong_from=200_000)
    >>> g.add_node("w", kind="village", town_code="t1", county_code="c", industries=["tea"], income={2021: 20_000})
    >>> g.add_node("s1", kind="village", town_code="t2", county_code="c", industries=["tea"], income={2021: 450_000})
    >>> g.add_node("s2", kind="village", town_code="t1", county_code="c", industries=["pigs"], income={2021: 210_000})
    >>> t = candidate_pairings(g)
    >>> t[["strong_code", "proximity", "capacity", "score", "proposed"]].values.tolist()
    [['s2', 'town', 1, 4.0, True], ['s1', 'county', 2, 3.5, False]]
    >>> float(t["need"].iloc[0])
    0.6
    """
    if max_partners < 1:
        raise InvalidArgument(f"max_partners must be at least 1, got {max_partners}")
    if top is not None and top < 1:
        raise InvalidArgument(f"top must be at least 1 or None, got {top}")
    if not g.is_directed():
        raise InvalidArgument("candidate_pairings needs the directed pairing graph (strong → weak)")
    if communities not in ("apart", "exclude", "together"):
        raise InvalidArgument(f"communities must be 'apart', 'exclude' or 'together', got {communities!r}")
    weak_below = float(g.graph.get("weak_below", WEAK_BELOW))
    strong_from = float(g.graph.get("strong_from", STRONG_FROM))
    if year is None:
        years = {int(y) for _, inc in g.nodes(data="income") if inc for y in inc}
        if not years:
            raise InvalidArgument("no village in the graph has incomes")
        year = max(years)
    ties = joint_committee_ties(org) if org is not None else {}
    weak: list[tuple[Hashable, float]] = []
    strong: list[tuple[Hashable, float, int, int]] = []
    for v, a in g.nodes(data=True):
        income = _latest_income(a, year)
        if income is None or (communities == "exclude" and a.get("kind") == "community"):
            continue
        if income < weak_below and g.in_degree(v) == 0 and g.out_degree(v) == 0:
            weak.append((v, income))
        elif income >= strong_from:
            cap = int(capacity[v]) if capacity is not None and v in capacity else \
                default_capacity(income, strong_from=strong_from, max_partners=max_partners)
            left = cap - g.out_degree(v)
            if left > 0:
                strong.append((v, income, cap, left))
    weak.sort(key=lambda x: (x[1], str(x[0])))  # neediest first
    strong.sort(key=lambda x: str(x[0]))
    remaining = {s: left for s, _, _, left in strong}
    rows: list[dict[str, Any]] = []
    for w, w_income in weak:
        a = g.nodes[w]
        iw = set(a.get("industries") or ())
        scored = []
        for s, s_income, cap, left in strong:
            b = g.nodes[s]
            if communities == "apart" and (a.get("kind") == "community") != (b.get("kind") == "community"):
                continue
            if a.get("town_code") is not None and a.get("town_code") == b.get("town_code"):
                p, where = 1.0, "town"
            elif a.get("county_code") is not None and a.get("county_code") == b.get("county_code"):
                p, where = 0.5, "county"
            elif include_other_counties:
                p, where = 0.0, "other"
            else:
                continue
            jc = bool(ties.get(w, frozenset()) & ties.get(s, frozenset()))
            coop = 0.0
            if cooperation is not None and cooperation.has_edge(w, s):
                coop = float(cooperation.edges[w, s].get("weight", 1.0))
            i_s = set(b.get("industries") or ())
            union = iw | i_s
            jac = len(iw & i_s) / len(union) if union else 0.0
            score = 3 * p + 2 * jc + min(1.0, coop) + jac + left / cap
            scored.append({"strong_code": s, "strong_name": b.get("name"), "strong_town": b.get("town_code"),
                           "strong_income": s_income, "income_gap": s_income - w_income, "proximity": where,
                           "joint_committee": jc, "cooperation": round(coop, 6),
                           "shared_industries": ";".join(sorted(iw & i_s)), "industry_overlap": round(jac, 6),
                           "capacity": cap, "capacity_left": left, "score": round(score, 6)})
        scored.sort(key=lambda r: (-r["score"], str(r["strong_code"])))
        chosen = next((r["strong_code"] for r in scored if remaining[r["strong_code"]] > 0), None)
        if chosen is not None:
            remaining[chosen] -= 1
        head = {"weak_code": w, "weak_name": a.get("name"), "weak_town": a.get("town_code"),
                "weak_kind": a.get("kind"), "weak_income": w_income, "need": (weak_below - w_income) / weak_below}
        for rank, r in enumerate(scored, 1):
            if top is None or rank <= top or r["strong_code"] == chosen:
                rows.append({**head, "rank": rank, **r, "proposed": r["strong_code"] == chosen})
    log.info("candidate pairings (classes of %d): %d unled weak villages, %d strong villages with capacity left",
             year, len(weak), len(strong))
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def rollout_plan(candidates: pd.DataFrame, *, design: Literal["randomised", "phased"] = "randomised",
                 comparison_share: float = 0.5, phases: int = 2, seed: int = 2021) -> pd.DataFrame:
    """A rollout of the proposed pairings that keeps a comparison group, drawn at random within each town.

    Takes the ``proposed`` rows of :func:`candidate_pairings`. Within each town (so both
    groups are spread alike over towns), weak villages are put in a random order (``seed``):

    * ``design="randomised"`` — the first ``1 − comparison_share`` of each town are paired
      now (``arm = "pair now"``, phase 1); the rest wait (``"comparison, pair later"``, phase 2).
      Comparing the two groups' incomes after the first phase estimates the effect without
      the assumptions matching needs (who got paired is decided by lot, not by income);
    * ``design="phased"`` — a stepped rollout over ``phases`` years: each town's villages are
      spread evenly over phases 1..``phases`` in the random order; villages of later phases
      are the comparison group of earlier ones until their turn (``arm`` = ``"phase k"``).
      The cohort-by-cohort estimator (:func:`~partychain.analysis.effect.pairing_effect`,
      pairing year per village) reads such a rollout directly.

    A town with one candidate puts it in phase 1 with probability 1 − ``comparison_share`` (or
    in a random phase).

    >>> c = pd.DataFrame({"weak_code": ["a", "b", "c", "d"], "weak_name": None, "weak_town": ["t", "t", "t", "t"],
    ...                   "strong_code": "s", "strong_name": None, "proposed": True})
    >>> plan = rollout_plan(c, seed=1)
    >>> sorted(plan["arm"].value_counts().items())
    [('comparison, pair later', 2), ('pair now', 2)]
    """
    if design not in ("randomised", "phased"):
        raise InvalidArgument(f"design must be 'randomised' or 'phased', got {design!r}")
    if not 0 < comparison_share < 1:
        raise InvalidArgument(f"comparison_share must be between 0 and 1, got {comparison_share}")
    if phases < 2:
        raise InvalidArgument(f"phases must be at least 2, got {phases}")
    missing = {"weak_code", "weak_town", "strong_code", "proposed"} - set(candidates.columns)
    if missing:
        raise InvalidArgument(f"candidates lack column(s) {sorted(missing)}: pass candidate_pairings(...)")
    prop = candidates[candidates["proposed"].astype(bool)].drop_duplicates("weak_code")
    rng = np.random.default_rng(seed)
    rows = []
    for town, grp in prop.groupby("weak_town", sort=True, dropna=False):
        order = grp.iloc[rng.permutation(len(grp))]
        n = len(order)
        for k, (_, r) in enumerate(order.iterrows()):
            if design == "randomised":
                n_now = round(n * (1 - comparison_share)) if n > 1 else int(rng.random() < 1 - comparison_share)
                phase = 1 if k < n_now else 2
                arm = "pair now" if phase == 1 else "comparison, pair later"
            else:
                phase = 1 + (k * phases // n if n > 1 else int(rng.integers(phases)))
                arm = f"phase {phase}"
            rows.append({"weak_code": r["weak_code"], "weak_name": r.get("weak_name"), "weak_town": town,
                         "strong_code": r["strong_code"], "strong_name": r.get("strong_name"), "phase": phase,
                         "arm": arm})
    return pd.DataFrame(rows, columns=ROLLOUT_COLUMNS).sort_values(["phase", "weak_town", "weak_code"],
                                                                   kind="stable").reset_index(drop=True)
