"""Projections of the graph store into networkx graphs for analysis.

Each projection reads the store only through named, parameterised queries of the catalog
(``cypher/list_pairing_*.cypher``, ``list_village_income``, ``list_cooperation_memberships``,
``list_org_graph_*``) and builds a plain networkx graph whose node keys are village codes
(and ledger ids for organizations, cooperatives, companies and bases).

* :func:`pairing_graph` — strong → weak villages (强村带弱村), with incomes and coverage;
* :func:`cooperation_graph` — villages joined when their households meet in a cooperative or
  at a base;
* :func:`org_graph` — party organizations, cooperatives, companies, bases and villages with
  typed edges.

A ``scope`` is a division code prefix (``""`` for everything, 2/4/6/9/12 digits for a
province, prefecture, county, town or village).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any, Literal

import networkx as nx
import pandas as pd

from partychain.errors import InvalidArgument
from partychain.services import validate_scope
from partychain.services.economy import HOLLOW_BELOW
from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

__all__ = [
    "STRONG_FROM",
    "WEAK_BELOW",
    "check_scope",
    "cooperation_graph",
    "org_graph",
    "pairing_graph",
    "village_class",
    "village_models",
]

WEAK_BELOW = HOLLOW_BELOW
"""A village is weak (薄弱村/空壳村) when its collective income is below this (yuan). The project's
assumption: the county report names no threshold (it speaks of 强村带弱村 and hollow villages
without figures); 50,000 and 200,000 are round figures under which about 30 % of the sample's
villages are weak and 15 % strong. Pass the county's own definition as ``weak_below``."""
STRONG_FROM = 200_000
"""A village is strong when its collective income is at least this (yuan); the project's assumption,
see :data:`WEAK_BELOW`."""

def check_scope(scope: str) -> str:
    """``scope`` itself if it is ``''`` (everything) or a division code prefix (2, 4, 6, 9 or 12 digits).

    >>> check_scope(""), check_scope("520628")
    ('', '520628')
    >>> check_scope("5206x")
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: scope '5206x' is not a division code: digits only, 2, 4, 6, 9 or 12 of them
    """
    return scope if scope == "" else validate_scope(scope)


def village_class(income: float | None, *, weak_below: float = WEAK_BELOW,
                  strong_from: float = STRONG_FROM) -> str | None:
    """``'weak'``, ``'middle'`` or ``'strong'`` for a baseline income; ``None`` when it is unknown.

    >>> village_class(20_000), village_class(90_000), village_class(300_000), village_class(None)
    ('weak', 'middle', 'strong', None)
    """
    if weak_below > strong_from:
        raise InvalidArgument(f"weak_below ({weak_below}) must not exceed strong_from ({strong_from})")
    if income is None:
        return None
    if income < weak_below:
        return "weak"
    if income >= strong_from:
        return "strong"
    return "middle"


def _share(part: int, total: int) -> float | None:
    return part / total if total else None


def _village_nodes(store: GraphStore, scope: str, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Village code → attributes (division, coverage, industries, income by year)."""
    extra = sorted(set(codes))
    nodes: dict[str, dict[str, Any]] = {}
    for r in store.named("list_pairing_villages", scope=scope, codes=extra).records():
        nodes[r["code"]] = {
            "name": r["name"], "kind": r["kind"], "town_code": r["town_code"], "town_name": r["town_name"],
            "county_code": r["county_code"], "in_scope": r["code"].startswith(scope),
            "households": int(r["households"]), "households_driven": int(r["households_driven"]),
            "driven_share": _share(int(r["households_driven"]), int(r["households"])),
            "poor_households": int(r["poor_households"]), "poor_driven": int(r["poor_driven"]),
            "poor_driven_share": _share(int(r["poor_driven"]), int(r["poor_households"])),
            "cooperatives": int(r["cooperatives"]), "cooperatives_run": int(r["cooperatives_run"]),
            "industries": sorted(x for x in (r["industries"] or []) if x is not None),
            "income": {},
        }
    for r in store.named("list_village_income", scope=scope, codes=extra).records():
        if r["village_code"] in nodes:
            nodes[r["village_code"]]["income"][int(r["year"])] = int(r["yuan"])
    return nodes


def _classify(nodes: dict[str, dict[str, Any]], baseline_year: int | None, weak_below: float,
              strong_from: float) -> None:
    for attrs in nodes.values():
        base = attrs["income"].get(baseline_year) if baseline_year is not None else None
        attrs["baseline_income"] = base
        attrs["class"] = village_class(base, weak_below=weak_below, strong_from=strong_from)


def pairing_graph(store: GraphStore, *, scope: str = "", baseline_year: int | None = None,
                  weak_below: float = WEAK_BELOW, strong_from: float = STRONG_FROM) -> nx.DiGraph:
    """The pairing network (强村带弱村): every village of ``scope``, edges strong → weak.

    Nodes are village codes, every village of the scope (paired or not, so unpaired weak
    villages are there to compare with) plus the far end of any pairing that crosses the
    scope's border (``in_scope`` False).

    Node attributes: ``name``, ``kind``, ``town_code``, ``town_name``, ``county_code``,
    ``in_scope``; ``income`` (dict year → yuan), ``baseline_income`` (income in the baseline
    year, or None) and ``class`` (``'weak'`` below ``weak_below``, ``'strong'`` from
    ``strong_from``, else ``'middle'``; None without a baseline income); coverage:
    ``households``, ``households_driven``, ``driven_share`` (driven / households, None when
    no households), ``poor_households``, ``poor_driven``, ``poor_driven_share``,
    ``cooperatives``, ``cooperatives_run``; ``industries`` (sorted industry codes of the
    cooperatives, companies and bases located there).

    Edge attributes: ``since`` (first year), ``kind`` (``'strong_weak'``, ``'twinning'`` or None).

    Graph attributes: ``scope``, ``baseline_year``, ``weak_below``, ``strong_from``.

    Parameters
    ----------
    store : GraphStore
        The loaded graph.
    scope : str, optional
        Division code prefix; ``""`` (default) for every village.
    baseline_year : int, optional
        Year whose income sets a village's class. Default: the year before the earliest
        pairing; without pairings, the latest year with incomes.
    weak_below, strong_from : float, optional
        Class thresholds in yuan (defaults 50,000 and 200,000).

    Returns
    -------
    networkx.DiGraph

    Raises
    ------
    InvalidArgument
        For a malformed scope or thresholds.

    Examples
    --------
    >>> from partychain.testing import mini_store
    >>> g = pairing_graph(mini_store())
    >>> sorted(g.edges(data="since"))
    [('520628101001', '520628101002', 2018), ('520628101001', '520628102001', 2018)]
    >>> g.graph["baseline_year"], g.nodes["520628101001"]["class"], g.nodes["520628101002"]["class"]
    (2017, 'strong', 'weak')
    >>> g.nodes["520628101002"]["income"]
    {2017: 20000, 2020: 80000}
    """
    check_scope(scope)
    village_class(None, weak_below=weak_below, strong_from=strong_from)
    edges = store.named("list_pairing_edges", scope=scope).records()
    outside = {c for e in edges for c in (e["strong_code"], e["weak_code"]) if not c.startswith(scope)}
    nodes = _village_nodes(store, scope, outside)
    if baseline_year is None:
        sinces = [int(e["since"]) for e in edges if e["since"] is not None]
        years = sorted({y for a in nodes.values() for y in a["income"]})
        baseline_year = min(sinces) - 1 if sinces else (years[-1] if years else None)
    _classify(nodes, baseline_year, weak_below, strong_from)
    g = nx.DiGraph(kind="pairing", scope=scope, baseline_year=baseline_year, weak_below=weak_below,
                   strong_from=strong_from)
    g.add_nodes_from(nodes.items())
    for e in edges:
        if e["strong_code"] not in g or e["weak_code"] not in g:
            log.warning("pairing %s → %s: a village is missing from the graph; skipped", e["strong_code"],
                        e["weak_code"])
            continue
        g.add_edge(e["strong_code"], e["weak_code"], since=e["since"], kind=e["kind"])
    log.info("pairing graph of scope %r: %d villages, %d pairings", scope, g.number_of_nodes(),
             g.number_of_edges())
    return g


def cooperation_graph(store: GraphStore, *, scope: str = "",
                      weight: Literal["newman", "units", "households"] = "newman",
                      baseline_year: int | None = None) -> nx.Graph:
    """Villages joined when their households meet in a cooperative (JOINED) or at a base (EMPLOYED_AT).

    Nodes are every village of ``scope`` with the attributes of :func:`pairing_graph`
    (the class uses ``baseline_year``; default: the latest year with incomes). Two villages
    are joined when households living in each are members of the same cooperative or worked
    at the same base; only households living in the scope count.

    Edge attributes: ``cooperatives`` and ``bases`` (how many cooperatives and bases the two
    villages' households share), ``households`` (households of the two villages in those
    shared units, summed over units), ``shared`` (Σ over shared units of 1 / (villages in the
    unit − 1)) and ``weight``:

    * ``"newman"`` (default) — ``shared``: each unit spreads one unit of tie strength over the
      other villages it reaches (Newman 2001), so a cooperative joining 30 villages adds 1/29 to
      each of its 435 pairs instead of making them a heavy clique; a village's weighted degree is
      then the number of units it takes part in with others;
    * ``"units"`` — ``cooperatives + bases``, the raw count (large units dominate);
    * ``"households"`` — ``households``.

    Examples
    --------
    >>> from partychain.testing import mini_store
    >>> C = cooperation_graph(mini_store())
    >>> C.number_of_nodes(), C.number_of_edges()
    (4, 0)
    >>> C.graph["weight"]
    'newman'
    """
    check_scope(scope)
    if weight not in ("newman", "units", "households"):
        raise InvalidArgument(f"weight must be 'newman', 'units' or 'households', got {weight!r}")
    nodes = _village_nodes(store, scope, ())
    if baseline_year is None:
        years = sorted({y for a in nodes.values() for y in a["income"]})
        baseline_year = years[-1] if years else None
    _classify(nodes, baseline_year, WEAK_BELOW, STRONG_FROM)
    units: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in store.named("list_cooperation_memberships", scope=scope).records():
        units[(r["kind"], r["unit_id"])][r["village_code"]] = int(r["households"])
    g = nx.Graph(kind="cooperation", scope=scope, weight=weight, baseline_year=baseline_year)
    g.add_nodes_from(nodes.items())
    for (kind, _uid), villages in sorted(units.items()):
        inside = sorted(v for v in villages if v in g)
        if len(inside) < 2:
            continue
        share = 1.0 / (len(villages) - 1)
        for a, b in combinations(inside, 2):
            if not g.has_edge(a, b):
                g.add_edge(a, b, cooperatives=0, bases=0, households=0, shared=0.0)
            d = g.edges[a, b]
            d["cooperatives" if kind == "cooperative" else "bases"] += 1
            d["households"] += villages[a] + villages[b]
            d["shared"] += share
    for _, _, d in g.edges(data=True):
        d["weight"] = (d["shared"] if weight == "newman" else d["cooperatives"] + d["bases"] if weight == "units"
                       else d["households"])
    log.info("cooperation graph of scope %r: %d villages, %d links from %d units", scope, g.number_of_nodes(),
             g.number_of_edges(), len(units))
    return g


def org_graph(store: GraphStore, *, scope: str = "") -> nx.DiGraph:
    """Party organizations, cooperatives, companies, bases and villages with typed edges.

    Edges follow the knowledge model's directions, with ``rel`` the relationship type:
    child ``UNDER`` parent organization, organization ``COVERS`` village, joint committee
    ``LEADS`` cooperative, branch ``RUNS`` cooperative or company, cooperative or company
    ``BUILDS`` base, cooperative / company / base ``LOCATED_IN`` village. A relationship is
    in the scope when its lower end is (see ``cypher/list_org_graph_edges.cypher``), so the
    organizations above a town come along with it.

    Node attributes: ``type`` (the label), ``name``, ``kind`` (for a base: its unit),
    ``code`` (the division the node sits or is located in). Villages are keyed by code,
    everything else by id.

    Examples
    --------
    >>> from partychain.testing import mini_store
    >>> O = org_graph(mini_store(), scope="520628101")
    >>> O.nodes["JC-1"]["type"], O.edges["GB-1", "JC-1"]["rel"]
    ('JointCommittee', 'UNDER')
    >>> sorted({rel for _, _, rel in O.edges(data="rel")})
    ['BUILDS', 'COVERS', 'LEADS', 'LOCATED_IN', 'RUNS', 'UNDER']
    """
    check_scope(scope)
    edges = store.named("list_org_graph_edges", scope=scope).records()
    g = nx.DiGraph(kind="org", scope=scope)
    rows = store.named("list_org_graph_nodes", scope=scope, ids=[]).records()
    missing = {x for e in edges for x in (e["source_id"], e["target_id"])} - {r["id"] for r in rows}
    if missing:  # the organizations above the scope: the same query, now also by id
        rows = store.named("list_org_graph_nodes", scope=scope, ids=sorted(missing)).records()
    for r in rows:
        g.add_node(r["id"], type=r["type"], name=r["name"], kind=r["kind"], code=r["code"])
    for e in edges:
        s, t = e["source_id"], e["target_id"]
        if s not in g or t not in g:
            log.warning("org graph: %s -%s-> %s has an end without a node row; skipped", s, e["rel"], t)
            continue
        if g.has_edge(s, t) and g.edges[s, t]["rel"] != e["rel"]:
            log.warning("org graph: %s → %s is both %s and %s; the first is kept", s, t, g.edges[s, t]["rel"],
                        e["rel"])
            continue
        g.add_edge(s, t, rel=e["rel"])
    log.info("org graph of scope %r: %d nodes, %d edges", scope, g.number_of_nodes(), g.number_of_edges())
    return g


def village_models(store: GraphStore, *, scope: str) -> pd.DataFrame:
    """Which of the four linkage models each village of ``scope`` has an instance of.

    One row per village with at least one instance (index: village code), one bool column
    ``model_<name>`` per model of :data:`partychain.services.MODELS`; an instance belongs to the
    village of its unit (see the ``list_model_*`` queries). For heterogeneity by linkage model
    (join it to a :class:`~partychain.analysis.panel.PairingPanel`'s villages).

    >>> from partychain.testing import mini_store
    >>> m = village_models(mini_store(), scope="520628")
    >>> list(m.columns)[:2], bool(m.any(axis=None))
    (['model_jc_coop_poor', 'model_branch_specialized_coop_collective_poor'], True)
    """
    from partychain.services import MODELS
    from partychain.services.economy import village_models_of

    validate_scope(scope)
    flags = {code: {f"model_{m}": True for m in models} for code, models in village_models_of(store, scope).items()}
    cols = [f"model_{m}" for m in MODELS]
    frame = pd.DataFrame.from_dict(flags, orient="index").reindex(columns=cols)
    frame = frame.fillna(False).astype(bool).sort_index()
    frame.index.name = "code"
    return frame
