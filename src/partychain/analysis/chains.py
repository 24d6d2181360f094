"""Leadership chains as graphs: a household's chains, and what lies downstream of an organization.

:func:`chain_graph` turns :func:`partychain.services.household_chains` into a small directed
graph household → member → base → owner → organization (the branch that runs it or the joint committee
that leads it) → general branch → joint committee → town committee (the direction a chain is read
upwards). :func:`downstream_subgraph` cuts, out of an :func:`~partychain.analysis.projections.org_graph`,
everything below one party organization.
Both carry a ``level`` node attribute that :mod:`partychain.analysis.plotting` lays out in
layers. People (members, households) appear by id only.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Hashable
from itertools import pairwise

import networkx as nx

from partychain import services
from partychain.errors import InvalidArgument, NotFound
from partychain.storage.base import GraphStore

log = logging.getLogger(__name__)

__all__ = ["CHAIN_LEVELS", "DOWNSTREAM_LEVELS", "chain_graph", "downstream_subgraph"]

CHAIN_LEVELS = ("household", "member", "base", "owner", "org", "general_branch", "joint_committee", "town_committee")
"""Levels of a household's chain, bottom up; ``level`` of the nodes of :func:`chain_graph`."""

DOWNSTREAM_LEVELS = ("CountyCommittee", "TownCommittee", "JointCommittee", "GeneralBranch", "Branch", "PartyGroup",
                     "Cooperative", "Company", "Base")
"""Node types of :func:`downstream_subgraph`, top down."""

_LINK = {("household", "member"): "driven by", ("member", "base"): "linked to", ("base", "owner"): "built by",
         ("owner", "org"): "run or led by"}


def chain_graph(store: GraphStore, household_id: str) -> nx.DiGraph:
    """A household's leadership chains as one graph, edges pointing up the chain.

    Nodes are ids with ``level`` (one of :data:`CHAIN_LEVELS`); an edge carries ``link``
    ('driven by', 'linked to', 'built by', 'run or led by', 'under'). Where a chain breaks
    the graph simply ends; ``g.graph["chains"]`` is the number of chains and
    ``g.graph["complete"]`` how many are complete (reach the organization that runs or leads the owner).
    A joint committee that leads the owner is the chain's organization and its joint committee: one node.

    >>> from partychain.testing import mini_store
    >>> g = chain_graph(mini_store(), "HH-1")
    >>> list(nx.topological_sort(g))
    ['HH-1', 'PM-1', 'BS-1', 'CO-1', 'BR-2', 'GB-1', 'JC-1', 'TC-1']
    >>> g.edges["CO-1", "BR-2"]["link"], g.graph["complete"]
    ('run or led by', 1)
    """
    chains = services.household_chains(store, household_id)
    g = nx.DiGraph(household_id=household_id, chains=len(chains),
                   complete=sum(1 for c in chains if c["org_id"]))
    g.add_node(household_id, level="household")
    for c in chains:
        path = [("household", household_id)]
        for col, level in zip(services.CHAIN_COLUMNS, CHAIN_LEVELS[1:], strict=True):
            if c[col] is not None and c[col] != path[-1][1]:  # a leading joint committee is the org itself
                path.append((level, c[col]))
        for (la, a), (lb, b) in pairwise(path):
            g.add_node(b, level=lb)
            g.add_edge(a, b, link=_LINK.get((la, lb), "under"))
    return g


def downstream_subgraph(org: nx.DiGraph, org_id: Hashable, *, bases: bool = True) -> nx.DiGraph:
    """Everything downstream of a party organization in an org graph, as its subgraph.

    Downstream of R: the organizations under R (UNDER edges, followed down), the
    cooperatives and companies R or those RUN or LEAD, and (with ``bases``) the bases those
    BUILD; villages are left out. Node attributes are the org graph's, plus ``level``
    (the node's ``type``, one of :data:`DOWNSTREAM_LEVELS`).

    >>> from partychain.testing import mini_store
    >>> from partychain.analysis.projections import org_graph
    >>> sub = downstream_subgraph(org_graph(mini_store()), "GB-1")
    >>> sorted(sub), sub.nodes["CO-1"]["level"]
    (['BR-1', 'BR-2', 'BS-1', 'CO-1', 'GB-1', 'PG-1'], 'Cooperative')
    """
    if org_id not in org:
        raise NotFound(f"no organization {org_id!r} in the org graph")
    if org.nodes[org_id].get("type") not in DOWNSTREAM_LEVELS[:6]:
        raise InvalidArgument(f"{org_id!r} is not a party organization")
    keep = {org_id}
    queue = deque([org_id])
    while queue:
        v = queue.popleft()
        step = [u for u, _, rel in org.in_edges(v, data="rel") if rel == "UNDER"]
        step += [u for _, u, rel in org.out_edges(v, data="rel") if rel in ("RUNS", "LEADS")]
        if bases:
            step += [u for _, u, rel in org.out_edges(v, data="rel") if rel == "BUILDS"]
        for u in step:
            if u not in keep:
                keep.add(u)
                queue.append(u)
    sub = org.subgraph(keep).copy()
    for v, t in sub.nodes(data="type"):
        sub.nodes[v]["level"] = t
    sub.graph.update(org_id=org_id)
    return sub
