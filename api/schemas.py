"""Response models, derived from the knowledge model (``graph_model``), masking personal fields by type.

A record of a node label is built from that label's properties — types, enum values,
descriptions and examples come from the model's fields and their :class:`~graph_model.Prop`
metadata — with every field optional (a record may hold a subset).  Keys a model does not declare
are dropped, never passed through.  A property the model flags personal gets the type
:func:`partychain.api.personal.personal`: it serializes masked unless the caller is an officer, so no
endpoint masks anything itself.  Lists are :class:`Page` envelopes (``items``, ``total``,
``next_cursor``); records of mixed kinds say what they are in ``_label``, which picks their type.

Every route returns an instance of its model, validated from the services' dicts in the route
(``Model.model_validate``), so the type checker sees what each endpoint answers; a field a record
does not have stays unset and is left out of the answer (``response_model_exclude_unset``).
A list's ``_label`` comes from its query's ``records:`` header line (:attr:`partychain.cypher.NamedQuery.records`,
read by the services and set by :func:`partychain.api.routes_linkage.labelled`, which also joins the names of
people by id); the label picks the record type (:data:`ListItem`), and the type masks the name.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from partychain import graph_model
from partychain.graph_model import PropertySpec
from partychain.services.figures import FigureRow

from .personal import personal

T = TypeVar("T")


class Record(BaseModel):
    """Base of record models: undeclared keys dropped, ``_label`` by alias."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)

    label: str | None = Field(None, alias="_label", description="node label of the record")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="items in the whole list")
    next_cursor: str | None = Field(None, description="pass as `cursor` to get the next page; null on the last page")


def _annotation(specs: list[PropertySpec]) -> Any:
    """One annotation for a property as several labels declare it (enum values united)."""
    first = specs[0]
    enum = sorted({v for s in specs for v in (s.enum or ())})
    base: Any = Literal[tuple(enum)] if enum else first.scalar.python
    return list[base] if first.is_list else base


def property_fields(*labels: str, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``create_model`` field definitions for the properties of node labels or relationship types.

    All optional; ``only`` keeps just the properties named.  Personal properties get the
    self-masking type of their kind.
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
        examples = [meta.example] if meta.example is not None else None
        kinds = {s.personal for s in specs}
        if kinds != {None}:
            if len(kinds) != 1:
                raise TypeError(f"property {name!r} is personal for some of {labels} and not for others")
            fields[name] = (personal(specs[0].personal or "", meta.description), None)
        else:
            fields[name] = (_annotation(specs) | None, Field(None, description=meta.description, examples=examples))
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
    year: int | None = Field(None, description="the ledger's year (null: a ledger that declares none)",
                             examples=[2021])
    as_of: str | None = Field(None, description="the date the ledger declares it is up to (ISO 8601)")
    version: str = Field(description="version id of the load", examples=["20210408T000000000000Z-01d57d91"])
    loaded_at: str = Field(description="when it was loaded (ISO 8601, UTC)")
    engine: str = Field(description="embedded or neo4j")
    fingerprint: str = Field(description="content hash of the ledger that was loaded")
    warnings: int = Field(description="validation warnings of the load")


class Versions(BaseModel):
    versions: list[DatasetSummary] = Field(description="the versions kept, one per ledger year, oldest first")
    default: str | None = Field(None, description="version id read when no year is asked for: the latest year's")


class Stats(BaseModel):
    nodes: dict[str, int] = Field(description="nodes per label", examples=[{"Village": 522, "Household": 100000}])
    relationships: dict[str, int] = Field(description="relationships per type", examples=[{"DRIVES": 60000}])
    dataset: DatasetSummary | None = Field(None, description="what is loaded (null when nothing is)")


class Figures(Page[FigureRow]):
    """Reported figures beside the values computed from the graph."""

    scope: str = Field(description="the scope asked for ('' for every scope with reported figures)")


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
    __doc__=("One leadership chain of a household (党员带农户 ← 基地联党员 ← 合作社建基地 ← 支部办合作社 ← "
             "联合建党委); complete when org_id is set."),
    member_id=_ref("PartyMember", " who drives the household"), base_id=_ref("Base", " linked to the member"),
    owner_id=(str | None, Field(None, description="id of the Cooperative or Company that builds the base")),
    org_id=(str | None, Field(None, description="id of the party organization that runs (a Branch) or leads "
                                                "(a JointCommittee) the owner; null where the chain breaks")),
    general_branch_id=_ref("GeneralBranch", " above the organization"),
    joint_committee_id=_ref("JointCommittee", " that is, or is above, the organization"),
    town_committee_id=_ref("TownCommittee", " above the organization"))


class Chains(BaseModel):
    household_id: str
    chains: list[Chain]
    total: int
    next_cursor: str | None = None


_PLACE = {"village_code": _opt(str, "code of the village it is in"),
          "village_name": _opt(str, "name of that village")}


def _labelled(model_name: str, labels: tuple[str, ...], doc: str, **fields: Any) -> Any:
    """A record model whose ``_label`` is one of ``labels`` (so a list of mixed records is typed by it)."""
    label: Any = (Literal[labels], Field(alias="_label", description="node label of the record"))
    return create_model(model_name, __base__=Record, __doc__=doc, label=label, **fields)


PersonItem = _labelled(
    "PersonItem", ("Household", "PartyMember"),
    "A household or party member in a list: its id, its name (personal), where it lives.",
    id=_opt(str, "the record's id"), name=(personal("name", "the head of household's or the member's name"), None),
    **_PLACE, poor=_opt(bool, "registered poor household (households downstream of an organization)"),
    breaks_at=_opt(str, "where the furthest chain stops (member, base, party_org, joint_committee; "
                        "poor_households_chain_incomplete only)"))

UnitItem = _labelled(
    "UnitItem", ("Cooperative", "Company", "Base"),
    "A cooperative, company or base in a list: its id, name, where it is.",
    id=_opt(str, "the record's id"), name=_opt(str, "its name"), **_PLACE,
    type=_opt(str, "cooperative or company (units downstream of an organization)"),
    owner_id=_opt(str, "who builds the base (bases downstream of an organization)"))

ListItem = Annotated[PersonItem | UnitItem, Field(discriminator="label")]  # type: ignore[valid-type]
"""A record of a gap or downstream list, typed by its ``_label`` (person names are masked by type)."""


class GapPage(Page[ListItem]):
    """One page of a gap list."""

    scope: str
    kind: str


ModelInstance = create_model(
    "ModelInstance", __base__=Record,
    __doc__="One instance of a linkage model: an organization and the unit it works through.",
    org_id=_opt(str, "the party organization"), org_name=_opt(str, "its name"),
    unit_id=_opt(str, "the cooperative, company or party group"), unit_name=_opt(str, "its name"), **_PLACE,
    households=_opt(int, "households reached"))


class ModelInstances(Page[ModelInstance]):
    """One page of a linkage model's instances."""

    scope: str
    model: str


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


OrgDetail = record_model(
    "OrgDetail", graph_model.PARTY_ORG_LABELS, seat_name=_opt(str, "name of the seat division"),
    parent_id=_opt(str, "the organization it is under"), parent_name=_opt(str, "its name"),
    secretary_id=_opt(str, "the PartyMember who is secretary"),
    covers=_opt(list[str], "codes of the villages it covers"), children=_opt(int, "organizations directly under it"),
    members=_opt(int, "party members whose organization it is"),
    units=_opt(list[str], "cooperatives and companies it runs or leads"))

OrgTreeNode = record_model("OrgTreeNode", graph_model.PARTY_ORG_LABELS,
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


class DownstreamPage(Page[ListItem]):
    """One page of what is downstream of a party organization."""

    id: str
    entity: str


class OrgTree(Page[OrgTreeNode]):  # type: ignore[valid-type]
    """One page of an organization's tree."""

    id: str


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


class ActivityDays(BaseModel):
    """Branches holding their monthly activity day (党员活动日) in a year."""

    scope: str
    year: int | None = Field(description="the year counted (null: no activity day recorded in the division)")
    covered: int = Field(description="branches with an activity day in each of the twelve months")
    total: int = Field(description="party branches seated in the division")
    ratio: float | None = Field(description="covered / total (null when total is 0)")
    months: dict[str, int] = Field(description="per branch id, the months of the year with an activity day")


class VillagePage(Page[VillageRecord]):  # type: ignore[valid-type]
    """One page of villages."""


class Industries(Page[IndustryTotals]):  # type: ignore[valid-type]
    """Per-industry totals in a division."""

    scope: str


# --- people (personal data joined from the personal-data store) --------------------------------

HouseholdRecord = record_model(
    "HouseholdRecord", ("Household",), **_PLACE,
    driven_by=_opt(list[str], "ids of the party members who drive it (党员带农户)"),
    cooperatives=_opt(list[str], "ids of the cooperatives it joined"))

MemberRecord = record_model(
    "MemberRecord", ("PartyMember",), **_PLACE,
    org_id=_opt(str, "the Branch or PartyGroup the member belongs to"), org_name=_opt(str, "its name"),
    bases=_opt(list[str], "ids of the bases linked to the member (基地联党员)"),
    households=_count("households the member drives"), poor_households=_count("poor households among them"))

PersonHit = _labelled(
    "PersonHit", graph_model.PERSONAL_LABELS,
    "A household or party member whose name contains the search text (or whose ID number or phone equals it).",
    id=_opt(str, "the record's id"),
    **{name: spec for label in graph_model.PERSONAL_LABELS
       for name, spec in property_fields(label, only=tuple(graph_model.personal_properties_of(
           graph_model.NODES[label]))).items()})


class PeoplePage(Page[PersonHit]):  # type: ignore[valid-type]
    """One page of people found by name, ID number or phone (officers only)."""


# --- the dashboard: divisions, scorecards, organizations, cooperatives, pairing network ----------------


class Division(BaseModel):
    """A county, town or village (names and codes are public: the statistical divisions)."""

    code: str = Field(examples=["520628102"])
    name: str | None = Field(None, examples=["盘信镇"])
    level: Literal["county", "town", "village"]
    kind: str | None = Field(None, description="county, town, township, subdistrict, village or community")
    parent_code: str | None = Field(None, description="the county of a town, the town of a village")
    parent_name: str | None = None


class DivisionPage(Page[Division]):
    """One page of divisions."""


class ScorecardCounts(BaseModel):
    households: int = Field(description="households living in the division")
    poor_households: int = Field(description="registered poor households among them (建档立卡户)")
    party_members: int = Field(description="party members living in the division")
    cooperatives: int = Field(description="cooperatives located in the division")
    demo_points: int = Field(description="村社合一 demonstration points among them")
    bases: int = Field(description="industry bases located in the division")
    joint_committees: int = Field(description="joint party committees seated in the division (联合党委)")
    general_branches: int = Field(description="area general party branches seated in it (片区党总支)")
    branches: int = Field(description="party branches seated in it (党支部)")
    cooperative_joint_branches: int = Field(description="cooperative joint branches among them (合作社联合党支部)")
    party_groups: int = Field(description="party groups seated in it (党小组)")


class YearIncome(BaseModel):
    year: int
    villages: int = Field(description="villages that recorded a collective income that year")
    yuan: int = Field(description="their collective income (村级集体经济收入), summed, in yuan")
    min_yuan: int = Field(description="the smallest village's")
    max_yuan: int = Field(description="the largest village's")


class PairingCounts(BaseModel):
    pairings: int = Field(description="strong/weak pairings (强村带弱村) with at least one village in the division")
    strong_villages: int = Field(description="villages of the division leading a weak one")
    weak_villages: int = Field(description="villages of the division led by a strong one")
    crossing: int = Field(description="pairings with one village outside the division")


_GAPS_DOC = "records per gap list (as `/gaps?kind=`): each is a coverage metric's shortfall, or members driving nobody"


class Scorecard(BaseModel):
    """Everything about one division, counted (aggregates only: open to anonymous callers)."""

    code: str = Field(examples=["520628"])
    name: str | None = Field(None, description="null for a province or prefecture prefix")
    level: Literal["province", "prefecture", "county", "town", "village"]
    kind: str | None = None
    child_level: Literal["county", "town", "village"] | None = Field(
        None, description="the level `/scorecards/{scope}/children` lists (null for a village)")
    coverage: dict[str, CoverageMetric] = Field(description="as `/coverage`")
    gaps: dict[str, int] = Field(description=_GAPS_DOC)
    counts: ScorecardCounts
    models: dict[str, int] = Field(description="instances per linkage model, as `/models`")
    incomes: list[YearIncome] = Field(description="village collective income, year by year")
    pairings: PairingCounts


class ChildCounts(BaseModel):
    households: int
    poor: int = Field(description="poor households")
    members: int = Field(description="party members")
    cooperatives: int
    demo_points: int
    bases: int


class ChildScorecard(BaseModel):
    """A town of a county (a village of a town, a county of a province), with its coverage and gap counts."""

    code: str
    name: str | None = None
    level: Literal["county", "town", "village"]
    kind: str | None = None
    counts: ChildCounts
    coverage: dict[str, CoverageMetric]
    gaps: dict[str, int] = Field(description=_GAPS_DOC)


class ScorecardChildren(Page[ChildScorecard]):
    """One page of a division's children, in code order."""

    scope: str
    level: Literal["county", "town", "village"] | None = Field(None, description="their level (null: none)")


OrgSummary = record_model(
    "OrgSummary", graph_model.PARTY_ORG_LABELS, seat_name=_opt(str, "name of the seat division"),
    parent_id=_opt(str, "the organization it is under (null for a root)"), parent_name=_opt(str, "its name"),
    orgs=_count("organizations under it"),
    cooperatives=_count("cooperatives a branch at or under it runs, or a joint committee at or under it leads"),
    companies=_count("companies a branch at or under it runs"), bases=_count("bases those cooperatives and "
                                                                             "companies build"),
    party_members=_count("party members whose organization is it or one under it"))


class OrgPage(Page[OrgSummary]):  # type: ignore[valid-type]
    """One page of party organizations seated in a division."""

    scope: str


BaseSummary = create_model(
    "BaseSummary", __base__=Record, __doc__="An industry base a unit builds (合作社建基地).",
    **property_fields("Base", only=("id", "name", "scale", "unit")),
    members=_count("party members the base links (基地联党员)"))

OrgUnit = _labelled(
    "OrgUnit", ("Cooperative", "Company"), "A cooperative or company of an organization's tree, under the "
    "organization that runs or leads it, with its bases.",
    org_id=_opt(str, "the organization that runs (branch) or leads (joint committee) it"),
    id=_opt(str, "its id"), name=_opt(str, "its name"), type=_opt(str, "cooperative or company"), **_PLACE,
    bases=_opt(list[BaseSummary], "the bases it builds, by id"))


class OrgUnitPage(Page[OrgUnit]):  # type: ignore[valid-type]
    """One page of the units of an organization's tree."""

    id: str


CooperativeHit = record_model(
    "CooperativeHit", ("Cooperative",), **_PLACE,
    branch_id=_opt(str, "the Branch that runs it (支部办合作社)"), branch_name=_opt(str, "its name"),
    joint_committee_id=_opt(str, "the JointCommittee that leads it directly"),
    joint_committee_name=_opt(str, "its name"))


class CooperativePage(Page[CooperativeHit]):  # type: ignore[valid-type]
    """One page of cooperatives located in a division."""

    scope: str


class PairingNode(BaseModel):
    code: str
    name: str | None = None
    town_code: str | None = None
    town_name: str | None = None
    role: Literal["strong", "weak", "both"] = Field(description="leads weak villages, is led, or both")
    in_scope: bool = Field(description="false for the far end of a pairing across the division's border")
    incomes: list[Income] = Field(description="collective income by year")


class PairingEdge(BaseModel):
    strong: str = Field(description="code of the strong village")
    weak: str = Field(description="code of the weak village it leads")
    since: int | None = Field(None, description="first year of the pairing")
    kind: str | None = None
    before_year: int | None = Field(None, description="the year before the pairing began")
    weak_income_before: int | None = Field(None, description="the weak village's collective income that year")
    latest_year: int | None = Field(None, description="the weak village's latest recorded year")
    weak_income_latest: int | None = Field(None, description="its collective income that year")
    weak_income_change: int | None = Field(
        None, description="latest minus before (null when either is not recorded); describes, does not estimate "
                          "an effect of pairing")


class PairingNetwork(BaseModel):
    """The strong/weak pairings touching a division, as a network (strong → weak)."""

    scope: str
    nodes: list[PairingNode]
    edges: list[PairingEdge]


# --- dashboard sessions -------------------------------------------------------------------------------


class SignIn(BaseModel):
    """An API key, or the one-time sign-in token `partychain serve` printed on a first run."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(None, min_length=1, max_length=256, description="an API key")
    token: str | None = Field(None, min_length=1, max_length=128, description="the one-time sign-in token")


class Session(BaseModel):
    """Who the caller is to the API."""

    role: Literal["anonymous", "researcher", "officer"]
    signed_in: bool = Field(description="true for a dashboard session (a cookie) or an API key")
    via: Literal["cookie", "key"] | None = Field(None, description="how the caller authenticated")
    expires_at: str | None = Field(None, description="when the dashboard session ends (ISO 8601, UTC)")
    expired: bool = Field(False, description="true when a session cookie was sent that is no longer valid "
                                             "(expired, or the server restarted with a new key)")


class ChangeSide(BaseModel):
    year: int
    version: str | None
    as_of: str | None


class MembersLoad(BaseModel):
    members: int = Field(description="party members living in the division")
    members_driving: int = Field(description="of them, those who drive at least one household")
    households_driven: int = Field(description="DRIVES relationships of those members")
    mean: float | None = Field(description="households per driving member")
    median: float | None
    max: int | None


class CoverageThenNow(BaseModel):
    code: str
    level: str = Field(description="scope (the division asked for), town or village")
    name: str | None
    from_: dict[str, CoverageMetric] = Field(alias="from", serialization_alias="from")
    to: dict[str, CoverageMetric]


class Changes(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "scope": {"code": "520628", "name": "松桃苗族自治县", "level": "county", "kind": None},
        "from": {"year": 2020, "version": "20261202T215509292574Z-8ab8be72", "as_of": "2020-12-31"},
        "to": {"year": 2021, "version": "20261202T215516042927Z-67d82bc0", "as_of": "2021-04-08"},
        "counts": {"orgs_founded": 68}, "changes": {"orgs_founded": ["BR-520628-0831"]},
        "changed_meaning": {"village_codes": [], "org_ids": []},
        "members": {"from": {"members": 13232, "members_driving": 12087, "households_driven": 93203, "mean": 7.711,
                             "median": 8, "max": 10},
                    "to": {"members": 13232, "members_driving": 12087, "households_driven": 93203, "mean": 7.711,
                           "median": 8, "max": 10}},
        "coverage": []}]})

    scope: dict[str, Any] = Field(description="the division: code, name, level, kind")
    from_: ChangeSide = Field(alias="from", serialization_alias="from")
    to: ChangeSide
    counts: dict[str, int] = Field(description="per kind of change, how many (complete)")
    changes: dict[str, list[str]] = Field(description="per kind of change, the ids (at most `limit`, in id order)")
    changed_meaning: dict[str, list[str]] = Field(
        description="ids whose meaning changed between the years (a re-used village code, an org id of another "
                    "level): reported, never matched")
    members: dict[str, MembersLoad] = Field(description="members' load then (from) and now (to)")
    coverage: list[CoverageThenNow] = Field(description="coverage metrics then and now: the division, its towns, "
                                                        "its villages")


class EconomyYear(BaseModel):
    year: int
    villages: int = Field(description="villages with a collective income that year")
    total: int = Field(description="their collective income, yuan")
    from_chain: int = Field(description="of it, dividends on holdings (HOLDS_SHARE) in cooperatives or companies a "
                                        "party organization runs or leads")
    other: int = Field(description="total − from_chain")
    unattributed: int = Field(description="recorded totals no income-by-source row explains")
    by_source: dict[str, int] = Field(description="per source (dividend, asset_rent, service, subsidy, other)")
    hollow: int = Field(description="villages below `hollow_below` (空壳村)")
    growth: float | None = Field(description="total on the year before, over the villages with a total in both "
                                             "years (0.1 = 10 %); null without the year before")
    growth_from_chain: float | None = Field(description="the same for from_chain")


class EconomyTown(BaseModel):
    code: str
    name: str | None
    years: list[EconomyYear]


class EconomyModel(BaseModel):
    model: str = Field(description="a linkage model, or `none` for the villages with an instance of none")
    villages: int = Field(description="villages with an instance of the model (its unit is located there)")
    years: list[EconomyYear]


class EconomyVillageYear(BaseModel):
    year: int
    total: int
    from_chain: int
    other: int
    unattributed: int
    by_source: dict[str, int]
    itemised: bool = Field(description="the ledger has income-by-source rows for the village and year")
    hollow: bool


class EconomyVillage(BaseModel):
    code: str
    name: str | None
    town_code: str | None
    town_name: str | None
    models: list[str] = Field(description="linkage models with an instance in the village")
    years: list[EconomyVillageYear]


class Economy(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "scope": {"code": "520628102", "name": "盘信镇", "level": "town", "kind": "town"},
        "hollow_below": 50000, "sources": ["dividend", "asset_rent", "service", "subsidy", "other"],
        "years": [{"year": 2020, "villages": 2, "total": 160000, "from_chain": 32000, "other": 128000,
                   "unattributed": 0, "by_source": {"dividend": 32000, "asset_rent": 60000, "service": 0,
                                                    "subsidy": 38000, "other": 30000},
                   "hollow": 0, "growth": None, "growth_from_chain": None}],
        "towns": [], "models": [], "villages": []}]})

    scope: dict[str, Any] = Field(description="the division: code, name, level, kind")
    hollow_below: float = Field(description="yuan under which a village is hollow (空壳村): the project's assumption "
                                            "unless asked otherwise; the source names no figure")
    sources: list[str] = Field(description="the income sources, in the order of `by_source`")
    years: list[EconomyYear] = Field(description="the division, year by year")
    towns: list[EconomyTown] = Field(description="each town (a county or wider scope; else empty)")
    models: list[EconomyModel] = Field(description="the villages with an instance of each linkage model, and none")
    villages: list[EconomyVillage] = Field(description="each village of the division, year by year")
