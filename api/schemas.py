"""Response models, derived from the knowledge model (``graph_model``).

A record of a node label is built from that label's properties — types, enum values,
descriptions and examples come from the model's fields and their :class:`~graph_model.Prop`
metadata — with every field optional (a record may hold a subset) and extra keys allowed (the
linkage queries add derived columns such as ``village_name``).  ``_label`` says what a record is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from partychain import graph_model
from partychain.figures import FigureRow
from partychain.graph_model import PropertySpec

_SCALARS: dict[str, Any] = {"string": str, "int": int, "float": float, "bool": bool, "date": dt.date}


class Record(BaseModel):
    """Base of record models: extra keys allowed, ``_label`` by alias."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)

    label: str | None = Field(None, alias="_label", description="node label of the record")


def _annotation(specs: list[PropertySpec]) -> Any:
    """One annotation for a property as several labels declare it (enum values united)."""
    first = specs[0]
    enum = sorted({v for s in specs for v in (s.enum or ())})
    base: Any = Literal[tuple(enum)] if enum else _SCALARS[first.type]
    return list[base] if first.is_list else base


def property_fields(*labels: str, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``create_model`` field definitions for the properties of node labels or relationship types.

    All optional; ``only`` keeps just the properties named.
    """
    by_name: dict[str, list[PropertySpec]] = {}
    for label in labels:
        model = graph_model.NODES.get(label) or graph_model.RELS[label]
        for name, spec in graph_model.properties_of(model).items():
            if only is None or name in only:
                by_name.setdefault(name, []).append(spec)
    fields: dict[str, Any] = {}
    for name, specs in by_name.items():
        meta = specs[0].meta
        desc = meta.description + (" (personal: masked unless the caller is an officer)" if meta.personal else "")
        examples = [meta.example] if meta.example is not None else None
        fields[name] = (_annotation(specs) | None, Field(None, description=desc, examples=examples))
    return fields


def record_model(name: str, labels: tuple[str, ...], **extra: Any) -> type[Record]:
    """A record model named ``name`` with the properties of ``labels`` plus ``extra`` field definitions."""
    zh = " / ".join(graph_model.NODES[lb].ZH for lb in labels)
    doc = f"A record of {' / '.join(labels)} ({zh}), fields from the knowledge model."
    return create_model(name, __base__=Record, __doc__=doc, **property_fields(*labels), **extra)


def _opt(tp: Any, description: str) -> Any:
    return (tp | None, Field(None, description=description))


# --- meta ------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    villages: int = Field(description="villages in the graph (the health query's answer)")
    dataset_version: str | None = Field(None, description="version id of the loaded graph")


class DatasetSummary(BaseModel):
    version: str = Field(description="version id of the load", examples=["20210408T000000000000Z-01d57d91"])
    loaded_at: str = Field(description="when it was loaded (ISO 8601, UTC)")
    engine: str = Field(description="embedded or neo4j")
    fingerprint: str = Field(description="content hash of the ledger that was loaded")
    warnings: int = Field(description="validation warnings of the load")


class Stats(BaseModel):
    nodes: dict[str, int] = Field(description="nodes per label", examples=[{"Village": 522, "Household": 100000}])
    relationships: dict[str, int] = Field(description="relationships per type", examples=[{"DRIVES": 60000}])
    dataset: DatasetSummary | None = Field(None, description="what is loaded (null when nothing is)")


class Figures(BaseModel):
    scope: str = Field(description="the scope asked for ('' for every scope with reported figures)")
    items: list[FigureRow] = Field(description="reported figures beside the values computed from the graph")
    total: int
    next_cursor: str | None = None


# --- researcher Cypher ------------------------------------------------------------------


class CypherRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"query": "MATCH (h:Household)-[:LIVES_IN]->(v:Village) WHERE v.code STARTS WITH $scope "
                  "RETURN v.code AS village, count(h) AS households ORDER BY village",
         "parameters": {"scope": "520628101"}},
        {"query": "MATCH (m:PartyMember)-[:DRIVES]->(h:Household) RETURN m, h LIMIT 5", "parameters": {}},
    ]})

    query: str = Field(min_length=1, max_length=10_000, description="read-only Cypher (the engine refuses writes)")
    parameters: dict[str, Any] = Field(default_factory=dict, description="query parameters ($name)")


class CypherResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"columns": ["village", "households"], "rows": [["520628101001", 2], ["520628101002", 1]],
         "truncated": False}]})

    columns: list[str]
    rows: list[list[Any]] = Field(description="one list per row; nodes as property dicts with `_label`")
    truncated: bool = Field(description="true when rows were cut at the row cap")


def _ref(label: str, what: str = "") -> Any:
    return _opt(str, f"id of the {label} ({graph_model.NODES[label].ZH}){what}; null where the chain breaks")


# --- aggregates ------------------------------------------------------------------------


class CoverageMetric(BaseModel):
    covered: int = Field(description="things in scope that the chain reaches")
    total: int = Field(description="things in scope")
    ratio: float | None = Field(None, description="covered / total (null when total is 0)")


class Coverage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"scope": "520628", "metrics": {
        "cooperative_party_org": {"covered": 250, "total": 300, "ratio": 0.8333}}}]})

    scope: str
    metrics: dict[str, CoverageMetric]


class ModelCounts(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"scope": "520628", "counts": {
        "jc_coop_poor": 12, "branch_specialized_coop_collective_poor": 80}}]})

    scope: str
    counts: dict[str, int] = Field(description="instances per linkage model")


# --- linkage records ---------------------------------------------------------------------

Chain = create_model(
    "Chain",
    __doc__="One leadership chain of a household (党员带农户 ← 基地联党员 ← 合作社建基地 ← 支部办合作社 ← 联合党委).",
    member_id=_ref("PartyMember", " who drives the household"), base_id=_ref("Base", " linked to the member"),
    owner_id=(str | None, Field(None, description="id of the Cooperative or Company that builds the base")),
    branch_id=_ref("Branch", " running the owner"), general_branch_id=_ref("GeneralBranch", " above the branch"),
    joint_committee_id=_ref("JointCommittee", " above the branch, or leading the cooperative directly"))


class Chains(BaseModel):
    household_id: str
    chains: list[Chain]
    total: int
    next_cursor: str | None = None


_PLACE = {"village_code": _opt(str, "code of the village it is in"),
          "village_name": _opt(str, "name of that village")}

GapRecord = record_model("GapRecord", ("Household", "PartyMember", "Base", "Cooperative"), **_PLACE,
                         breaks_at=_opt(str, "where the furthest chain stops (member, base, party_org, "
                                             "joint_committee; poor_households_chain_incomplete only)"))


class GapPage(BaseModel):
    scope: str
    kind: str
    items: list[GapRecord]  # type: ignore[valid-type]
    total: int
    next_cursor: str | None = None


ModelInstance = create_model(
    "ModelInstance", __base__=Record,
    __doc__="One instance of a linkage model: an organization and the unit it works through.",
    org_id=_opt(str, "the party organization"), org_name=_opt(str, "its name"),
    unit_id=_opt(str, "the cooperative, company or party group"), unit_name=_opt(str, "its name"), **_PLACE,
    households=_opt(int, "households reached"))


class ModelInstances(BaseModel):
    scope: str
    model: str
    items: list[ModelInstance]
    total: int
    next_cursor: str | None = None


PairingDetail = create_model(
    "PairingDetail", __base__=Record, __doc__="The other village of a pairing, with the pairing's properties.",
    **property_fields("Village", only=("code", "name")), **property_fields("PAIRED_WITH"))


class Pairings(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "village": "520628101001", "as_strong": ["520628101002"], "as_weak": [],
        "as_strong_detail": [{"code": "520628101002", "name": "乙村", "since": 2018, "kind": "strong_weak"}],
        "as_weak_detail": []}]})

    village: str
    as_strong: list[str] = Field(description="codes of the weak villages this village leads")
    as_weak: list[str] = Field(description="codes of the strong villages leading this village")
    as_strong_detail: list[PairingDetail] = Field(default_factory=list)
    as_weak_detail: list[PairingDetail] = Field(default_factory=list)


_LEVEL = _opt(str, "joint_committee, general_branch, branch or group")

OrgDetail = record_model(
    "OrgDetail", graph_model.PARTY_ORG_LABELS, level=_LEVEL, seat_name=_opt(str, "name of the seat division"),
    parent_id=_opt(str, "the organization it is under"), parent_name=_opt(str, "its name"),
    secretary_id=_opt(str, "the PartyMember who is secretary"),
    covers=_opt(list[str], "codes of the villages it covers"), children=_opt(int, "organizations directly under it"),
    members=_opt(int, "party members whose organization it is"),
    units=_opt(list[str], "cooperatives and companies it runs or leads"))

OrgTreeNode = record_model("OrgTreeNode", graph_model.PARTY_ORG_LABELS, level=_LEVEL,
                           parent_id=_opt(str, "the organization it is under"),
                           depth=_opt(int, "UNDER hops from the organization asked for"))


class DownstreamCounts(BaseModel):
    orgs: int = Field(description="organizations under it")
    cooperatives: int = Field(description="cooperatives it or those run or lead")
    companies: int = Field(description="companies it or those run")
    bases: int = Field(description="bases those cooperatives and companies build")
    members: int = Field(description="party members those bases link")
    households: int = Field(description="households those members drive")
    poor_households: int = Field(description="registered poor households among them")


class OrgDownstream(BaseModel):
    id: str
    counts: DownstreamCounts


DownstreamRecord = record_model(
    "DownstreamRecord", ("Cooperative", "Company", "Base", "PartyMember", "Household"), **_PLACE,
    type=_opt(str, "cooperative or company (units)"), owner_id=_opt(str, "who builds the base (bases)"))


class DownstreamPage(BaseModel):
    id: str
    entity: str
    items: list[DownstreamRecord]  # type: ignore[valid-type]
    total: int
    next_cursor: str | None = None


class OrgTree(BaseModel):
    id: str
    items: list[OrgTreeNode]  # type: ignore[valid-type]
    total: int
    next_cursor: str | None = None


def _count(what: str) -> Any:
    return _opt(int, what)


CooperativeDetail = record_model(
    "CooperativeDetail", ("Cooperative",), **_PLACE,
    branch_id=_opt(str, "the Branch that runs it (支部办合作社)"), branch_name=_opt(str, "its name"),
    joint_committee_id=_opt(str, "the JointCommittee that leads it directly"),
    joint_committee_name=_opt(str, "its name"),
    industry_code=_opt(str, "its industry"), industry_name=_opt(str, "the industry's name"),
    chair_id=_opt(str, "the PartyMember who chairs it"), bases=_opt(list[str], "ids of the bases it builds"),
    companies=_opt(list[str], "ids of the companies it contracts with"),
    shareholders=_opt(list[str], "codes of the village collectives holding shares"),
    households=_count("households that joined it"), poor_households=_count("poor households among them"))

Income = create_model("Income", __doc__="A village collective's income in one year.",
                      **property_fields("CollectiveIncome", only=("year", "yuan")))

VillageDetail = record_model(
    "VillageDetail", ("Village",), town_code=_opt(str, "code of its town"), town_name=_opt(str, "name of its town"),
    incomes=_opt(list[Income], "collective income (村级集体经济) by year"),
    cooperatives=_count("cooperatives located in it"), companies=_count("companies located in it"),
    bases=_count("bases located in it"), households=_count("households living in it"),
    poor_households=_count("poor households among them"), members=_count("party members living in it"),
    covering_orgs=_count("party organizations covering it"),
    pairings_as_strong=_count("weak villages it leads"), pairings_as_weak=_count("strong villages leading it"))

VillageRecord = record_model("VillageRecord", ("Village",), town_code=_opt(str, "code of its town"),
                             town_name=_opt(str, "name of its town"))

IndustryTotals = record_model(
    "IndustryTotals", ("Industry",), cooperatives=_count("cooperatives in scope working in it"),
    companies=_count("companies in scope working in it"), bases=_count("bases in scope working in it"),
    scale=_opt(float, "the bases' summed scale, in the industry's unit"),
    households_employed=_count("households employed at those bases"), person_times=_count("their person-times"))


class VillagePage(BaseModel):
    items: list[VillageRecord]  # type: ignore[valid-type]
    total: int
    next_cursor: str | None = None


class Industries(BaseModel):
    scope: str
    items: list[IndustryTotals]  # type: ignore[valid-type]
    total: int
    next_cursor: str | None = None
