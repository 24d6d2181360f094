"""Network analysis of the party-building graph and the pairing effect: plain functions over networkx and panels.

* :mod:`~partychain.analysis.projections` — store → networkx: :func:`pairing_graph`,
  :func:`cooperation_graph` (tie strength normalised for unit size), :func:`org_graph`,
  :func:`village_models` (named queries only);
* :mod:`~partychain.analysis.structure` — centrality (undirected betweenness for brokerage),
  components, communities, alignment with towns (NMI beside its shuffled-town baseline, AMI),
  hubs, cross-town pairings;
* :mod:`~partychain.analysis.panel` — the income panel (villages × years) the estimators read,
  from a graph or from plain tables, and the label synthetic data carry;
* :mod:`~partychain.analysis.effect` — the pairing effect: bias-corrected matching cohort by
  cohort, town-clustered interval, permutation test against rewired pairings;
* :mod:`~partychain.analysis.diagnostics` — event study, balance, power, Rosenbaum bounds,
  spill-over checks, heterogeneity with Holm-adjusted p-values;
* :mod:`~partychain.analysis.simulate` — simulated panels under named scenarios, for calibration;
* :mod:`~partychain.analysis.candidates` — candidate new pairings on domain grounds and a rollout
  that keeps a comparison group;
* :mod:`~partychain.analysis.export` — GraphML, GEXF and spreadsheet-safe CSV;
* :mod:`~partychain.analysis.coverage`, :mod:`~partychain.analysis.chains` — tables and graphs
  over :mod:`partychain.services` for the notebooks;
* :mod:`~partychain.analysis.economy` — the collective economy year by year, over the loaded ledger
  years, and growth by town and by linkage model, as frames for the notebooks;
* :mod:`~partychain.analysis.plotting` — matplotlib drawings (imported on its own, so the rest
  does not need matplotlib).

See ``docs/analysis.md`` for the estimand, the assumptions, how to read each measure, and the
calibration results.
"""

from __future__ import annotations

from .candidates import candidate_pairings, joint_committee_ties, rollout_plan
from .diagnostics import balance_table, event_study, heterogeneity, power_analysis, sensitivity, spillover_checks
from .economy import economy_by_group, economy_over_versions, economy_years, growth_by_group
from .effect import PairingEffect, format_p, matches, pairing_effect, pairing_effect_over_versions, rewire_pairings
from .export import flatten_attributes, to_frames, write_csv, write_gexf, write_graphml
from .panel import (
    PairingPanel,
    income_by_version,
    income_series,
    panel_from_frames,
    panel_from_graph,
    panel_from_versions,
    synthetic_label,
)
from .projections import cooperation_graph, org_graph, pairing_graph, village_models
from .simulate import SCENARIOS, Scenario, simulate_panel
from .structure import (
    TownAlignment,
    adjusted_mutual_info,
    betweenness,
    centrality,
    communities,
    community_table,
    components,
    cross_town_pairings,
    hub_villages,
    nmi_baseline,
    normalized_mutual_info,
    town_alignment,
)

__all__ = [
    "SCENARIOS",
    "PairingEffect",
    "PairingPanel",
    "Scenario",
    "TownAlignment",
    "adjusted_mutual_info",
    "balance_table",
    "betweenness",
    "candidate_pairings",
    "centrality",
    "communities",
    "community_table",
    "components",
    "cooperation_graph",
    "cross_town_pairings",
    "economy_by_group",
    "economy_over_versions",
    "economy_years",
    "event_study",
    "flatten_attributes",
    "format_p",
    "growth_by_group",
    "heterogeneity",
    "hub_villages",
    "income_by_version",
    "income_series",
    "joint_committee_ties",
    "matches",
    "nmi_baseline",
    "normalized_mutual_info",
    "org_graph",
    "pairing_effect",
    "pairing_effect_over_versions",
    "pairing_graph",
    "panel_from_frames",
    "panel_from_graph",
    "panel_from_versions",
    "power_analysis",
    "rewire_pairings",
    "rollout_plan",
    "sensitivity",
    "simulate_panel",
    "spillover_checks",
    "synthetic_label",
    "to_frames",
    "town_alignment",
    "village_models",
    "write_csv",
    "write_gexf",
    "write_graphml",
]
