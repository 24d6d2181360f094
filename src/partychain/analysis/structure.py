"""Structure of a village network: centrality, cores, components, communities, hubs, borders.

Every function takes a networkx graph first (usually a projection from
:mod:`partychain.analysis.projections`) and keyword-only options. Directed graphs are
read as undirected where the measure is undirected (k-core, components, communities,
modularity); isolated villages are left out of community detection by default, since
each would be a community of its own.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from partychain.errors import InvalidArgument

log = logging.getLogger(__name__)

__all__ = [
    "EXACT_BETWEENNESS_MAX",
    "TownAlignment",
    "betweenness",
    "centrality",
    "communities",
    "community_table",
    "components",
    "cross_town_pairings",
    "hub_villages",
    "normalized_mutual_info",
    "partition_labels",
    "town_alignment",
]

EXACT_BETWEENNESS_MAX = 2_000
"""Betweenness is exact while the largest component has at most this many nodes; above it,
``k`` sampled pivots (see :func:`centrality`)."""
_DEFAULT_PIVOTS = 500


def _undirected(g: nx.Graph) -> nx.Graph:
    und = g.to_undirected(as_view=True) if g.is_directed() else g
    return und


def _non_isolated(g: nx.Graph) -> nx.Graph:
    und = _undirected(g)
    return und.subgraph([n for n in und if und.degree(n) > 0])


def components(g: nx.Graph) -> list[set[Hashable]]:
    """Connected components (weakly connected for a directed graph), largest first.

    Ties in size are ordered by their smallest node.

    >>> g = nx.DiGraph([("s1", "w1"), ("s1", "w2"), ("s2", "w3")])
    >>> g.add_node("w4")
    >>> [sorted(c) for c in components(g)]
    [['s1', 'w1', 'w2'], ['s2', 'w3'], ['w4']]
    """
    comps = nx.weakly_connected_components(g) if g.is_directed() else nx.connected_components(g)
    return sorted((set(c) for c in comps), key=lambda c: (-len(c), min(map(str, c))))


def betweenness(g: nx.Graph, *, k: int | None = None, seed: int = 2021, weight: str | None = None,
                _components: list[set[Hashable]] | None = None) -> dict[Hashable, float]:
    """Normalised betweenness: exact, component by component, or from ``k`` sampled pivots.

    Exact while the largest (weakly) connected component has at most
    :data:`EXACT_BETWEENNESS_MAX` nodes and ``k`` is None. Shortest paths never leave a
    component, so each component's unnormalised betweenness, normalised by the whole
    graph's (n-1)(n-2), equals :func:`networkx.betweenness_centrality` on the whole graph —
    without its set-up over every node for every source, which dominates on a forest of
    small stars such as a province's pairings. Otherwise (or with ``k``) networkx's
    estimate from ``k`` pivots (default 500, seeded) on the whole graph.

    >>> g = nx.disjoint_union(nx.path_graph(3), nx.star_graph(3))
    >>> b = betweenness(g)
    >>> all(abs(b[v] - x) < 1e-12 for v, x in nx.betweenness_centrality(g).items())
    True
    """
    if not g.number_of_nodes():
        return {}
    comps = _components if _components is not None else components(g)
    n = g.number_of_nodes()
    if k is None and len(comps[0]) > EXACT_BETWEENNESS_MAX:
        k = _DEFAULT_PIVOTS
    if k is not None:
        k = min(int(k), n)
        log.info("betweenness from %d sampled pivots of %d nodes", k, n)
        return dict(nx.betweenness_centrality(g, k=k, seed=seed, weight=weight))
    out: dict[Hashable, float] = {}
    scale = (1.0 if g.is_directed() else 2.0) / ((n - 1) * (n - 2)) if n > 2 else 1.0
    for c in comps:
        if len(c) < 3:
            out.update(dict.fromkeys(c, 0.0))
            continue
        raw = nx.betweenness_centrality(g.subgraph(c).copy(), normalized=False, weight=weight)
        out.update({v: b * scale for v, b in raw.items()})
    return out


def centrality(g: nx.Graph, *, weight: str | None = None, betweenness_k: int | None = None,
               seed: int = 2021, alpha: float = 0.85) -> pd.DataFrame:
    """Degree, PageRank, betweenness, core number and component of every node.

    Columns: ``degree`` (and ``in_degree``, ``out_degree`` for a directed graph; for the
    pairing graph out-degree is the number of weak villages a strong village leads),
    ``pagerank`` (damping ``alpha``; on a strong → weak graph PageRank flows to the led
    villages, so it ranks villages by how much leadership reaches them), ``betweenness``
    (normalised, on the directed graph as given), ``core`` (k-core number on the undirected
    simple graph), ``component`` (index into :func:`components`, 0 = largest) and, when
    the nodes carry them, ``name``, ``town_code``, ``class``. Sorted by degree, then node.

    Betweenness is exact, computed component by component, while the largest (weakly)
    connected component has at most :data:`EXACT_BETWEENNESS_MAX` nodes; above that (or when
    ``betweenness_k`` is given) it is estimated on the whole graph from ``k`` sampled pivot
    nodes (default 500, seeded by ``seed``), an unbiased estimate whose error falls as
    1/sqrt(k).

    >>> g = nx.DiGraph([("s1", "w1"), ("s1", "w2"), ("s2", "w3")])
    >>> t = centrality(g)
    >>> t.loc["s1", ["degree", "out_degree", "in_degree", "core", "component"]].tolist()
    [2, 2, 0, 1, 0]
    >>> round(float(t["pagerank"].sum()), 6)
    1.0
    """
    if not g.number_of_nodes():
        raise InvalidArgument("the graph has no nodes")
    table: dict[str, Any] = {"degree": dict(g.degree())}
    if g.is_directed():
        table["in_degree"] = dict(g.in_degree())
        table["out_degree"] = dict(g.out_degree())
    table["pagerank"] = nx.pagerank(g, alpha=alpha, weight=weight)
    comps = components(g)
    table["betweenness"] = betweenness(g, k=betweenness_k, seed=seed, weight=weight, _components=comps)
    simple = nx.Graph(_undirected(g))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    table["core"] = nx.core_number(simple)
    comp_of = {v: i for i, c in enumerate(comps) for v in c}
    table["component"] = comp_of
    frame = pd.DataFrame(table)
    for attr in ("name", "town_code", "class"):
        values = nx.get_node_attributes(g, attr)
        if values:
            frame[attr] = pd.Series(values)
    frame.index.name = "node"
    order = sorted(frame.index, key=lambda v: (-int(frame.at[v, "degree"]), str(v)))
    return frame.loc[order]


def communities(g: nx.Graph, *, method: Literal["louvain", "label_propagation"] = "louvain",
                weight: str | None = "weight", resolution: float = 1.0, seed: int = 2021,
                include_isolates: bool = False) -> list[set[Hashable]]:
    """Communities of the undirected graph, largest first (ties by smallest node).

    ``method="louvain"`` uses :func:`networkx.community.louvain_communities` with ``seed``
    and ``resolution``; ``"label_propagation"`` uses the deterministic asynchronous
    label propagation seeded the same way. Isolated nodes are left out unless
    ``include_isolates`` (then each is a community of its own).

    >>> g = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> communities(g)
    [{1, 2, 3}, {4, 5, 6}]
    """
    und = _undirected(g) if include_isolates else _non_isolated(g)
    if method == "louvain":
        found = nx.community.louvain_communities(und, weight=weight, resolution=resolution, seed=seed)
    elif method == "label_propagation":
        found = nx.community.asyn_lpa_communities(und, weight=weight, seed=seed)
    else:
        raise InvalidArgument(f"method must be 'louvain' or 'label_propagation', got {method!r}")
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


def partition_labels(parts: Iterable[Iterable[Hashable]]) -> dict[Hashable, int]:
    """Node → index of its part.

    >>> partition_labels([{"a", "b"}, {"c"}])["c"]
    1
    """
    return {v: i for i, part in enumerate(parts) for v in part}


def normalized_mutual_info(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Normalized mutual information of two labelings of the same items (arithmetic-mean normalisation).

    NMI = I(A; B) / ((H(A) + H(B)) / 2), natural logarithms, in [0, 1]: 1 when the two
    partitions are the same up to renaming, near 0 when independent. Two one-part
    labelings give 1; one one-part labeling against a finer one gives 0 (as scikit-learn's
    ``normalized_mutual_info_score``).

    >>> normalized_mutual_info([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> normalized_mutual_info([0, 0, 1, 1], [0, 1, 0, 1])
    0.0
    >>> round(normalized_mutual_info([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 4)
    0.5158
    """
    if len(a) != len(b):
        raise InvalidArgument(f"labelings differ in length: {len(a)} and {len(b)}")
    if not len(a):
        raise InvalidArgument("labelings are empty")
    _, ia = np.unique(np.asarray([str(x) for x in a]), return_inverse=True)
    _, ib = np.unique(np.asarray([str(x) for x in b]), return_inverse=True)
    n = len(a)
    joint = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(joint, (ia, ib), 1.0)
    pa, pb, pab = joint.sum(1) / n, joint.sum(0) / n, joint / n

    def entropy(p: np.ndarray) -> float:
        p = p[p > 0]
        return float(-(p * np.log(p)).sum())

    ha, hb = entropy(pa), entropy(pb)
    if ha == 0 and hb == 0:
        return 1.0
    nz = pab > 0
    mi = float((pab[nz] * np.log(pab[nz] / np.outer(pa, pb)[nz])).sum())
    return float(max(0.0, min(1.0, mi / ((ha + hb) / 2))))


def community_table(g: nx.Graph, parts: Iterable[Iterable[Hashable]], *, attr: str = "town_code") -> pd.DataFrame:
    """One row per community: its size, how many towns it spans, its main town and that town's share.

    Columns: ``community`` (index into ``parts``), ``size``, ``towns``, ``main_town``,
    ``main_town_name`` (when nodes carry ``town_name``), ``main_town_share`` (share of the
    community's nodes in its main town; 1.0 means the community lies inside one town).

    >>> g = nx.Graph([("a1", "a2"), ("a2", "b1")])
    >>> nx.set_node_attributes(g, {"a1": "a", "a2": "a", "b1": "b"}, "town_code")
    >>> community_table(g, [{"a1", "a2", "b1"}])[["size", "towns", "main_town", "main_town_share"]].values.tolist()
    [[3, 2, 'a', 0.6666666666666666]]
    """
    rows = []
    for i, part in enumerate(parts):
        members = list(part)
        towns = pd.Series([g.nodes[v].get(attr) for v in members], dtype=object)
        counts = towns.value_counts()
        main = counts.index[0] if len(counts) else None
        name = next((g.nodes[v].get("town_name") for v in members if g.nodes[v].get(attr) == main), None)
        rows.append({"community": i, "size": len(members), "towns": int(towns.nunique()), "main_town": main,
                     "main_town_name": name,
                     "main_town_share": float(counts.iloc[0] / len(members)) if len(counts) else math.nan})
    return pd.DataFrame(rows, columns=["community", "size", "towns", "main_town", "main_town_name",
                                       "main_town_share"])


@dataclass(frozen=True)
class TownAlignment:
    """How well communities follow town borders (see :func:`town_alignment`)."""

    nmi: float
    modularity_communities: float
    modularity_towns: float
    n_communities: int
    n_towns: int
    n_nodes: int
    share_within_town: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def town_alignment(g: nx.Graph, parts: Iterable[Iterable[Hashable]] | None = None, *,
                   attr: str = "town_code", weight: str | None = "weight", seed: int = 2021,
                   include_isolates: bool = False) -> TownAlignment:
    """Compare communities with town boundaries.

    ``parts`` are communities (default: :func:`communities` with Louvain and ``seed``);
    the town partition groups nodes by ``attr``. Both are compared on the same nodes (the
    non-isolated ones unless ``include_isolates``):

    * ``nmi`` — normalized mutual information of community and town labels (1: communities
      are towns; near 0: unrelated);
    * ``modularity_towns`` — modularity of the town partition: clearly positive when links
      stay inside towns, about 0 when towns explain nothing;
    * ``modularity_communities`` — modularity of the communities found (an upper reference);
    * ``share_within_town`` — share of edges (by weight) whose ends are in the same town.

    >>> g = nx.Graph([("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("a3", "b1")])
    >>> nx.set_node_attributes(g, {v: v[0] for v in g}, "town_code")
    >>> t = town_alignment(g, [{"a1", "a2", "a3"}, {"b1", "b2"}])
    >>> round(t.nmi, 6), t.n_towns, t.share_within_town
    (1.0, 2, 0.75)
    """
    und = _undirected(g) if include_isolates else _non_isolated(g)
    if not und.number_of_edges():
        raise InvalidArgument("the graph has no edges: communities and modularity are undefined")
    towns = nx.get_node_attributes(und, attr)
    missing = [v for v in und if towns.get(v) is None]
    if missing:
        raise InvalidArgument(f"{len(missing)} node(s) have no {attr!r}, e.g. {missing[0]!r}")
    found = communities(g, seed=seed, weight=weight, include_isolates=include_isolates) if parts is None \
        else [set(p) & set(und) for p in parts]
    found = [p for p in found if p]
    comm = partition_labels(found)
    nodes = list(und)
    if set(comm) != set(nodes):
        raise InvalidArgument("the communities do not cover exactly the graph's (non-isolated) nodes")
    town_parts: dict[Any, set[Hashable]] = {}
    for v in nodes:
        town_parts.setdefault(towns[v], set()).add(v)
    within = total = 0.0
    for a, b, raw in und.edges(data=weight, default=1):
        w = 1.0 if raw is None or weight is None else float(raw)
        total += w
        within += w if towns[a] == towns[b] else 0.0
    return TownAlignment(
        nmi=normalized_mutual_info([comm[v] for v in nodes], [towns[v] for v in nodes]),
        modularity_communities=float(nx.community.modularity(und, found, weight=weight)),
        modularity_towns=float(nx.community.modularity(und, list(town_parts.values()), weight=weight)),
        n_communities=len(found), n_towns=len(town_parts), n_nodes=len(nodes),
        share_within_town=within / total if total else math.nan)


def hub_villages(g: nx.DiGraph, *, top: int | None = 10) -> pd.DataFrame:
    """Strong villages that lead the most weak villages (hubs), most partners first.

    One row per node with out-degree ≥ 1: ``code``, ``name``, ``town_code``, ``town_name``,
    ``partners`` (out-degree), ``partner_towns`` (distinct towns of the led villages),
    ``cross_town`` (led villages in another town), ``led`` (codes of the led villages,
    ';'-joined). Ties by code. ``top=None`` lists all.

    >>> g = nx.DiGraph([("s1", "w1"), ("s1", "w2"), ("s2", "w3")])
    >>> nx.set_node_attributes(g, {"s1": "t1", "w1": "t1", "w2": "t2", "s2": "t2", "w3": "t2"}, "town_code")
    >>> hub_villages(g)[["code", "partners", "partner_towns", "cross_town"]].values.tolist()
    [['s1', 2, 2, 1], ['s2', 1, 1, 0]]
    """
    if not g.is_directed():
        raise InvalidArgument("hub_villages needs the directed pairing graph (strong → weak)")
    rows = []
    for v in g:
        led = sorted(g.successors(v), key=str)
        if not led:
            continue
        a = g.nodes[v]
        towns = [g.nodes[w].get("town_code") for w in led]
        rows.append({"code": v, "name": a.get("name"), "town_code": a.get("town_code"),
                     "town_name": a.get("town_name"), "partners": len(led), "partner_towns": len(set(towns)),
                     "cross_town": sum(t != a.get("town_code") for t in towns),
                     "led": ";".join(map(str, led))})
    cols = ["code", "name", "town_code", "town_name", "partners", "partner_towns", "cross_town", "led"]
    frame = pd.DataFrame(rows, columns=cols)
    if len(frame):
        frame = frame.sort_values(["partners", "code"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    return frame if top is None else frame.head(top)


def cross_town_pairings(g: nx.DiGraph) -> pd.DataFrame:
    """Pairings whose strong and weak village lie in different towns.

    Columns: ``strong_code``, ``strong_name``, ``strong_town``, ``weak_code``, ``weak_name``,
    ``weak_town``, ``since``; ordered by strong, then weak code. The share of all pairings
    is ``len(result) / g.number_of_edges()``.

    >>> g = nx.DiGraph([("s1", "w1"), ("s1", "w2")])
    >>> nx.set_node_attributes(g, {"s1": "t1", "w1": "t1", "w2": "t2"}, "town_code")
    >>> cross_town_pairings(g)[["strong_code", "weak_code", "weak_town"]].values.tolist()
    [['s1', 'w2', 't2']]
    """
    rows = []
    for s, w, d in g.edges(data=True):
        a, b = g.nodes[s], g.nodes[w]
        if a.get("town_code") != b.get("town_code"):
            rows.append({"strong_code": s, "strong_name": a.get("name"), "strong_town": a.get("town_code"),
                         "weak_code": w, "weak_name": b.get("name"), "weak_town": b.get("town_code"),
                         "since": d.get("since")})
    cols = ["strong_code", "strong_name", "strong_town", "weak_code", "weak_name", "weak_town", "since"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["strong_code", "weak_code"], kind="stable").reset_index(drop=True)
