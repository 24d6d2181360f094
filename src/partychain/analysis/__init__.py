"""Network analysis of the party-building graph: plain functions over networkx projections.

* :mod:`~partychain.analysis.projections` — store → networkx: :func:`pairing_graph`,
  :func:`cooperation_graph`, :func:`org_graph` (named queries only);
* :mod:`~partychain.analysis.structure` — centrality, components, communities, alignment
  with towns, hubs, cross-town pairings;
* :mod:`~partychain.analysis.effect` — the pairing effect: matched difference-in-differences,
  bootstrap interval, permutation test against rewired pairings;
* :mod:`~partychain.analysis.candidates` — candidate new pairings with a stated score;
* :mod:`~partychain.analysis.export` — GraphML, GEXF and spreadsheet-safe CSV;
* :mod:`~partychain.analysis.coverage`, :mod:`~partychain.analysis.chains` — tables and graphs
  over :mod:`partychain.services` for the notebooks;
* :mod:`~partychain.analysis.plotting` — matplotlib drawings (imported on its own, so the rest
  does not need matplotlib).

See ``docs/analysis.md`` for what each measure means and the numbers on the Songtao sample.
"""

from __future__ import annotations

from .candidates import candidate_pairings
from .effect import PairingEffect, matches, pairing_effect, rewire_pairings
from .export import flatten_attributes, to_frames, write_csv, write_gexf, write_graphml
from .projections import cooperation_graph, org_graph, pairing_graph
from .structure import (
    TownAlignment,
    betweenness,
    centrality,
    communities,
    community_table,
    components,
    cross_town_pairings,
    hub_villages,
    normalized_mutual_info,
    town_alignment,
)

__all__ = [
    "PairingEffect",
    "TownAlignment",
    "betweenness",
    "candidate_pairings",
    "centrality",
    "communities",
    "community_table",
    "components",
    "cooperation_graph",
    "cross_town_pairings",
    "flatten_attributes",
    "hub_villages",
    "matches",
    "normalized_mutual_info",
    "org_graph",
    "pairing_effect",
    "pairing_graph",
    "rewire_pairings",
    "to_frames",
    "town_alignment",
    "write_csv",
    "write_gexf",
    "write_graphml",
]
