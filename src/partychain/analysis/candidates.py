"""Candidate new pairings: for each unpaired weak village, strong villages ranked by a stated score."""

from __future__ import annotations

import logging
from collections.abc import Hashable

import networkx as nx
import pandas as pd

from partychain.errors import InvalidArgument

log = logging.getLogger(__name__)

__all__ = ["CANDIDATE_COLUMNS", "candidate_pairings"]

CANDIDATE_COLUMNS = ["weak_code", "weak_name", "weak_town", "rank", "strong_code", "strong_name", "strong_town",
                     "score", "proximity", "shared_industries", "industry_overlap", "capacity_left"]


def _proximity(a: dict, b: dict) -> tuple[int, str]:
    if a.get("town_code") is not None and a.get("town_code") == b.get("town_code"):
        return 2, "town"
    if a.get("county_code") is not None and a.get("county_code") == b.get("county_code"):
        return 1, "county"
    return 0, "other"


def candidate_pairings(g: nx.DiGraph, *, max_partners: int = 5, top: int | None = 3,
                       include_other_counties: bool = False) -> pd.DataFrame:
    """Strong villages that could lead each unpaired weak village, best first.

    Weak and strong are the nodes' ``class`` (baseline income, see
    :func:`~partychain.analysis.projections.pairing_graph`). An *unpaired weak village* is a
    weak village no village leads (in-degree 0). A strong village is a candidate while it
    has capacity left: ``capacity_left = max_partners − partners`` > 0, where ``partners``
    is its out-degree (the ledger records no per-village capacity, so one ceiling applies to
    all; the Songtao sample draws capacities of 1–5).

    The score of weak village w and strong village s is::

        score = 3 · P(w, s) + J(w, s) + capacity_left(s) / max_partners

    * P — nearness in the administrative tree: 2 same town, 1 same county (other town),
      0 otherwise. Its weight 3 makes nearness decide first: J and the capacity term add
      at most 2, so a village of the same town always ranks above one of another town.
    * J — shared industry: the Jaccard overlap |I(w) ∩ I(s)| / |I(w) ∪ I(s)| of the two
      villages' industry sets (industries of the cooperatives, companies and bases located
      there; 0 when both are empty).
    * capacity_left / max_partners in (0, 1] — prefers strong villages with room to spare.

    Ties are broken by strong village code. Strong villages of other counties are only
    considered with ``include_other_counties``.

    Returns
    -------
    pandas.DataFrame
        One row per (weak village, candidate), ``top`` per weak village (all with
        ``top=None``), columns :data:`CANDIDATE_COLUMNS`; weak villages by code, candidates by
        ``rank`` (1 = best).

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_node("w", **{"class": "weak", "town_code": "t1", "county_code": "c", "industries": ["tea"]})
    >>> g.add_node("s1", **{"class": "strong", "town_code": "t2", "county_code": "c", "industries": ["tea"]})
    >>> g.add_node("s2", **{"class": "strong", "town_code": "t1", "county_code": "c", "industries": ["pigs"]})
    >>> t = candidate_pairings(g)
    >>> t[["strong_code", "proximity", "score"]].values.tolist()
    [['s2', 'town', 7.0], ['s1', 'county', 5.0]]
    """
    if max_partners < 1:
        raise InvalidArgument(f"max_partners must be at least 1, got {max_partners}")
    if top is not None and top < 1:
        raise InvalidArgument(f"top must be at least 1 or None, got {top}")
    if not g.is_directed():
        raise InvalidArgument("candidate_pairings needs the directed pairing graph (strong → weak)")
    weak = sorted((v for v, c in g.nodes(data="class") if c == "weak" and g.in_degree(v) == 0), key=str)
    strong: list[tuple[Hashable, int]] = []
    for v, c in g.nodes(data="class"):
        if c == "strong":
            left = max_partners - g.out_degree(v)
            if left > 0:
                strong.append((v, left))
    strong.sort(key=lambda x: str(x[0]))
    rows = []
    for w in weak:
        a = g.nodes[w]
        iw = set(a.get("industries") or ())
        scored = []
        for s, left in strong:
            b = g.nodes[s]
            p, where = _proximity(a, b)
            if p == 0 and not include_other_counties:
                continue
            i_s = set(b.get("industries") or ())
            union = iw | i_s
            jac = len(iw & i_s) / len(union) if union else 0.0
            score = 3 * p + jac + left / max_partners
            scored.append((-score, str(s), s, b, where, sorted(iw & i_s), jac, left))
        scored.sort(key=lambda x: (x[0], x[1]))
        for rank, (neg, _, s, b, where, shared, jac, left) in enumerate(scored[:top] if top else scored, 1):
            rows.append({"weak_code": w, "weak_name": a.get("name"), "weak_town": a.get("town_code"), "rank": rank,
                         "strong_code": s, "strong_name": b.get("name"), "strong_town": b.get("town_code"),
                         "score": round(-neg, 6), "proximity": where, "shared_industries": ";".join(shared),
                         "industry_overlap": round(jac, 6), "capacity_left": left})
    log.info("candidate pairings: %d unpaired weak villages, %d strong villages with capacity left", len(weak),
             len(strong))
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
