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
    "adjusted_mutual_info",
    "betweenness",
    "centrality",
    "communities",
    "community_table",
    "components",
    "cross_town_pairings",
    "hub_villages",
    "nmi_baseline",
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
    (normalised, on the *undirected* graph: brokerage — how often a village lies on the shortest
    path between two others, whichever way pairings point; on the directed strong → weak graph
    no path runs through anyone, so directed betweenness would be 0 everywhere by construction),
    ``core`` (k-core number on the undirected simple graph), ``component`` (index into
    :func:`components`, 0 = largest) and, when the nodes carry them, ``name``, ``town_code``,
    ``class``. Sorted by degree, then node.

    Betweenness is exact, computed component by component, while the largest (weakly)
    connected component has at most :data:`EXACT_BETWEENNESS_MAX` nodes; above that (or when
    ``betweenness_k`` is given) it is estimated on the whole graph from ``k`` sampled pivot
    nodes (default 500, seeded by ``seed``), an unbiased estimate whose error falls as
    1/sqrt(k).

    >>> g = nx.DiGraph([("s1", "w1"), ("s1", "w2"), ("s2", "w3")])
    >>> t = centrality(g)
    >>> t.loc["s1", ["degree", "out_degree", "in_degree", "core", "component"]].tolist()
    [2, 2, 0, 1, 0]
    >>> round(float(t.loc["s1", "betweenness"]), 4), float(t.loc["w1", "betweenness"])  # s1 brokers w1–w2
    (0.1667, 0.0)
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
    simple = nx.Graph(_undirected(g))
    table["betweenness"] = betweenness(simple, k=betweenness_k, seed=seed, weight=weight, _components=comps)
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
    partitions are the same up to renaming. Independent labelings with many small parts still
    reach a high NMI by chance, so compare it with :func:`nmi_baseline` (shuffled labels) or use
    :func:`adjusted_mutual_info`. Two one-part labelings give 1; one one-part labeling against a
    finer one gives 0 (as scikit-learn's ``normalized_mutual_info_score``).

    >>> normalized_mutual_info([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> normalized_mutual_info([0, 0, 1, 1], [0, 1, 0, 1])
    0.0
    >>> round(normalized_mutual_info([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 4)
    0.5158
    """
    joint = _contingency(a, b)
    ha, hb = _entropy(joint.sum(1)), _entropy(joint.sum(0))
    if ha == 0 and hb == 0:
        return 1.0
    mi = _mutual_info(joint)
    return float(max(0.0, min(1.0, mi / ((ha + hb) / 2))))


def _contingency(a: Sequence[Hashable], b: Sequence[Hashable]) -> np.ndarray:
    if len(a) != len(b):
        raise InvalidArgument(f"labelings differ in length: {len(a)} and {len(b)}")
    if not len(a):
        raise InvalidArgument("labelings are empty")
    _, ia = np.unique(np.asarray([str(x) for x in a]), return_inverse=True)
    _, ib = np.unique(np.asarray([str(x) for x in b]), return_inverse=True)
    joint = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(joint, (ia, ib), 1.0)
    return joint


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def _mutual_info(joint: np.ndarray) -> float:
    n = joint.sum()
    pa, pb = joint.sum(1) / n, joint.sum(0) / n
    nz = joint > 0
    pab = joint / n
    return float((pab[nz] * np.log(pab[nz] / np.outer(pa, pb)[nz])).sum())


def _expected_mutual_info(a_sizes: np.ndarray, b_sizes: np.ndarray) -> float:
    """E[I(A;B)] over random labelings with the same part sizes (hypergeometric; Vinh et al. 2010)."""
    from scipy.special import gammaln

    n = float(a_sizes.sum())
    total = 0.0
    lg_n = gammaln(n + 1)
    for ai in a_sizes:
        for bj in b_sizes:
            lo, hi = max(1.0, ai + bj - n), min(ai, bj)
            if lo > hi:
                continue
            nij = np.arange(lo, hi + 1)
            log_p = (gammaln(ai + 1) + gammaln(bj + 1) + gammaln(n - ai + 1) + gammaln(n - bj + 1) - lg_n
                     - gammaln(nij + 1) - gammaln(ai - nij + 1) - gammaln(bj - nij + 1)
                     - gammaln(n - ai - bj + nij + 1))
            total += float(np.sum(nij / n * np.log(n * nij / (ai * bj)) * np.exp(log_p)))
    return total


def adjusted_mutual_info(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Adjusted mutual information of two labelings (arithmetic-mean normalisation).

    AMI = (I − E[I]) / ((H(A) + H(B)) / 2 − E[I]), where E[I] is the mutual information
    expected when the labels are shuffled (part sizes kept). 0 means no more agreement than
    chance, 1 identical partitions. Unlike NMI it does not reward having many small parts:
    NMI of many small communities against towns is high even for random labels.

    >>> adjusted_mutual_info([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> round(adjusted_mutual_info([0, 0, 0, 0], [0, 1, 2, 3]), 6)
    0.0
    >>> round(adjusted_mutual_info([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1]), 4)
    0.2988
    """
    joint = _contingency(a, b)
    ha, hb = _entropy(joint.sum(1)), _entropy(joint.sum(0))
    if ha == hb == 0 or (joint.shape[0] == joint.shape[1] == len(a)):
        return 1.0
    mi = _mutual_info(joint)
    emi = _expected_mutual_info(joint.sum(1), joint.sum(0))
    denom = (ha + hb) / 2 - emi
    if abs(denom) < 1e-15:
        return 0.0 if abs(mi - emi) < 1e-12 else 1.0
    return float((mi - emi) / denom)


def nmi_baseline(a: Sequence[Hashable], b: Sequence[Hashable], *, n_perm: int = 200,
                 seed: int = 2021) -> tuple[float, float]:
    """Mean and 95th percentile of the NMI of ``a`` against shuffled ``b`` (part sizes kept).

    The NMI two unrelated labelings reach by chance: compare an observed NMI with it, not with 0.

    >>> mean, q95 = nmi_baseline([0, 0, 1, 1, 2, 2, 3, 3], list("aabbccdd"), n_perm=100)
    >>> 0.3 < mean < q95 <= 1.0
    True
    """
    if n_perm < 1:
        raise InvalidArgument("n_perm must be at least 1")
    rng = np.random.default_rng(seed)
    bb = np.asarray([str(x) for x in b], dtype=object)
    draws = [normalized_mutual_info(a, list(rng.permutation(bb))) for _ in range(n_perm)]
    return float(np.mean(draws)), float(np.quantile(draws, 0.95))


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
    nmi_baseline: float
    nmi_baseline_q95: float
    ami: float
    modularity_communities: float
    modularity_towns: float
    n_communities: int
    n_components: int
    communities_are_components: bool
    n_towns: int
    n_nodes: int
    share_within_town: float

    def summary(self) -> str:
        """One line: how far communities follow towns, beside what chance gives.

        >>> TownAlignment(0.84, 0.62, 0.66, 0.55, 0.97, 0.80, 58, 58, True, 25, 147, 0.85).summary()
        ... # doctest: +NORMALIZE_WHITESPACE
        '58 communities on 147 villages in 25 towns (the communities are exactly the connected components);
        NMI 0.840 against 0.620 for shuffled towns (95th percentile 0.660); AMI 0.550; 85.0% of links inside a town'
        """
        comp = (" (the communities are exactly the connected components)" if self.communities_are_components
                else f" ({self.n_components} connected components)")
        return (f"{self.n_communities} communities on {self.n_nodes} villages in {self.n_towns} towns{comp}; "
                f"NMI {self.nmi:.3f} against {self.nmi_baseline:.3f} for shuffled towns (95th percentile "
                f"{self.nmi_baseline_q95:.3f}); AMI {self.ami:.3f}; {self.share_within_town:.1%} of links inside "
                "a town")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def town_alignment(g: nx.Graph, parts: Iterable[Iterable[Hashable]] | None = None, *,
                   attr: str = "town_code", weight: str | None = "weight", seed: int = 2021,
                   include_isolates: bool = False, n_perm: int = 200) -> TownAlignment:
    """Compare communities with town boundaries.

    ``parts`` are communities (default: :func:`communities` with Louvain and ``seed``);
    the town partition groups nodes by ``attr``. Both are compared on the same nodes (the
    non-isolated ones unless ``include_isolates``):

    * ``nmi`` — normalized mutual information of community and town labels (1: communities
      are towns), beside ``nmi_baseline`` and ``nmi_baseline_q95``, the mean and 95th
      percentile NMI when the town labels are shuffled over the same villages (``n_perm``
      times, seeded): many small communities reach a high NMI by chance, so read NMI against
      this baseline, never against 0;
    * ``ami`` — adjusted mutual information: 0 at chance level, 1 when communities are towns;
    * ``communities_are_components`` — the communities are exactly the connected components
      (then community detection found nothing beyond "who is linked to whom at all");
    * ``modularity_towns`` — modularity of the town partition: clearly positive when links
      stay inside towns, about 0 when towns explain nothing;
    * ``modularity_communities`` — modularity of the communities found (an upper reference);
    * ``share_within_town`` — share of edges (by weight) whose ends are in the same town.

    >>> g = nx.Graph([("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("a3", "b1")])
    >>> nx.set_node_attributes(g, {v: v[0] for v in g}, "town_code")
    >>> t = town_alignment(g, [{"a1", "a2", "a3"}, {"b1", "b2"}])
    >>> round(t.nmi, 6), round(t.ami, 6), t.n_towns, t.share_within_town, t.communities_are_components
    (1.0, 1.0, 2, 0.75, False)
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
    comm_labels, town_labels = [comm[v] for v in nodes], [towns[v] for v in nodes]
    base_mean, base_q95 = nmi_baseline(comm_labels, town_labels, n_perm=n_perm, seed=seed)
    comps = components(und)
    comp_sets = {frozenset(c) for c in comps}
    return TownAlignment(
        nmi=normalized_mutual_info(comm_labels, town_labels), nmi_baseline=base_mean, nmi_baseline_q95=base_q95,
        ami=adjusted_mutual_info(comm_labels, town_labels), n_components=len(comps),
        communities_are_components=comp_sets == {frozenset(p) for p in found},
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
