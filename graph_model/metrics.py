"""The metrics published figures are compared with: their names, units, and what each counts.

A reported figure (``reported_figures`` table) names one of these metrics; ``partychain figures``
computes it from the graph for the figure's division and compares the two as the figure's
qualifiers say (:class:`~partychain.graph_model.enums.FigureQualifier`).  The base-scale metrics
come per unit of measure (:data:`UNIT_METRICS`), each in three readings: what stands at the bases
(``scale``), what is planned (``planned_scale``, compared with a figure qualified ``planned``) and
what they put out a year (``annual_output``, compared with a figure qualified ``per_year``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .enums import Unit


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric a figure may report."""

    name: str
    unit: str
    description: str


UNIT_METRICS = MappingProxyType({Unit.mu.value: "planting_mu", Unit.stick.value: "fungus_sticks",
                                 Unit.bird.value: "poultry_birds", Unit.head.value: "pigs_head"})
"""Base unit → the metric summing the bases measured in it (head: livestock, the pigs of a county with no
cattle bases)."""

METRICS: tuple[Metric, ...] = (
    Metric("joint_committees", "count", "joint party committees (联合党委) seated in the scope"),
    Metric("general_branches", "count", "area general party branches (片区党总支) seated in the scope"),
    Metric("cooperative_joint_branches", "count", "branches of kind cooperative_joint (合作社联合党支部)"),
    Metric("demo_points", "count", "村社合一 demonstration-point cooperatives"),
    Metric("demo_points_with_party_org", "count", "demonstration cooperatives a branch runs or a joint committee "
                                                  "leads"),
    Metric("dam_areas", "count", "dam areas (坝区) lying in the scope's towns"),
    Metric("dam_areas_with_bases", "count", "dam areas holding at least one base"),
    Metric("planting_mu", "mu", "bases measured in mu: area planted (planned: planned_scale; per year: "
                                "annual_output)"),
    Metric("fungus_sticks", "stick", "bases measured in sticks (edible fungi)"),
    Metric("poultry_birds", "bird", "bases measured in birds (poultry)"),
    Metric("pigs_head", "head", "bases measured in head (livestock); per year: head marketed a year (年出栏)"),
    Metric("employment_person_times", "person_times", "person-times employed at the scope's bases, all years"),
    Metric("cooperative_work_rules", "count", "distinct work rules adopted by the cooperatives' party "
                                              "organizations"),
    Metric("cooperatives", "count", "cooperatives located in the scope"),
    Metric("cooperatives_with_party_org", "count", "cooperatives a branch runs or a joint committee leads"),
    Metric("party_members", "count", "party members living in the scope"),
    Metric("households", "count", "households living in the scope"),
    Metric("poor_households", "count", "registered poor households living in the scope"),
)
METRIC_BY_NAME = MappingProxyType({m.name: m for m in METRICS})
